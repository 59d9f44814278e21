use crate::ffmpeg::{self, codec, packet::Mut, packet::Ref, Rational};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    Video,
    Audio,
}

/// One encoded packet, as handed to every sink. Timestamps are in `time_base` (1/fps for
/// video, 1/48000 for audio).
pub struct EncodedPacket {
    pub kind: StreamKind,
    pub time_base: Rational,
    packet: ffmpeg::Packet,
}

// SAFETY: after construction the packet is only read: accessors read fields, and `share` takes
// a new reference with av_packet_ref, whose buffer reference count is atomic.
unsafe impl Sync for EncodedPacket {}

impl EncodedPacket {
    pub fn new(kind: StreamKind, packet: ffmpeg::Packet, time_base: Rational) -> Self {
        EncodedPacket {
            kind,
            time_base,
            packet,
        }
    }

    pub fn is_key(&self) -> bool {
        self.packet.is_key()
    }

    pub fn pts(&self) -> Option<i64> {
        self.packet.pts()
    }

    pub fn dts(&self) -> Option<i64> {
        self.packet.dts()
    }

    /// Program time of the packet's presentation, in milliseconds.
    pub fn time_ms(&self) -> i64 {
        let pts = self.packet.pts().unwrap_or(0);
        pts * 1000 * self.time_base.numerator() as i64 / self.time_base.denominator() as i64
    }

    pub fn duration(&self) -> i64 {
        self.packet.duration()
    }

    pub fn size(&self) -> usize {
        self.packet.size()
    }

    pub fn data(&self) -> &[u8] {
        self.packet.data().unwrap_or(&[])
    }

    /// A new packet that references the same payload (no copy), for one sink to rescale and
    /// write. ffmpeg-next's `clone` copies the payload, which N sinks would pay N times.
    pub fn share(&self) -> ffmpeg::Packet {
        let mut shared = ffmpeg::Packet::empty();
        // SAFETY: both pointers are valid packets; av_packet_ref only reads the source.
        let ret = unsafe { ffmpeg::ffi::av_packet_ref(shared.as_mut_ptr(), self.packet.as_ptr()) };
        assert!(ret >= 0, "av_packet_ref failed ({ret}): out of memory");
        shared
    }
}

/// What a muxer needs to add one encoded stream: codec parameters (with the global header) and
/// the time base the packets come in.
#[derive(Clone)]
pub struct StreamInfo {
    pub kind: StreamKind,
    pub parameters: codec::Parameters,
    pub time_base: Rational,
}
