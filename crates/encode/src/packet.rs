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

impl StreamInfo {
    /// The codec's global header: H.264 SPS and PPS (Annex B), or AAC's AudioSpecificConfig.
    pub fn extradata(&self) -> &[u8] {
        // SAFETY: the parameters own their codecpar for as long as `self` lives; extradata is
        // either null or `extradata_size` readable bytes.
        unsafe {
            let par = &*self.parameters.as_ptr();
            if par.extradata.is_null() || par.extradata_size <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(par.extradata, par.extradata_size as usize)
            }
        }
    }

    /// Picture size (video) or sample rate and channel count (audio), and the target bit rate
    /// in bits per second: what a stream's metadata announces.
    pub fn shape(&self) -> StreamShape {
        // SAFETY: as above, a plain read of the parameters' fields.
        let par = unsafe { &*self.parameters.as_ptr() };
        StreamShape {
            width: par.width.max(0) as u32,
            height: par.height.max(0) as u32,
            sample_rate: par.sample_rate.max(0) as u32,
            channels: par.ch_layout.nb_channels.max(0) as u32,
            bit_rate: par.bit_rate.max(0) as u64,
        }
    }
}

/// See [`StreamInfo::shape`]; fields that do not apply to the stream's kind are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamShape {
    pub width: u32,
    pub height: u32,
    pub sample_rate: u32,
    pub channels: u32,
    pub bit_rate: u64,
}
