//! ISO recordings: while the show records, each guest on air is also written to a Matroska
//! file of their own, their camera and microphone exactly as received (no re-encode), so an
//! editor can recut the interview. Its zero is the recording's, so it lines up with the
//! program's file; a frame's time is when it arrived. The file is crash-safe as recordings
//! are (clusters of at most 500 ms, each packet flushed). One `guest-iso` thread per file,
//! behind a bounded queue: a slow disk drops packets, never stalls the guest's session.

use ffmpeg_next as ffmpeg;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::format::Codec;
use streamwerk_encode::ffmpeg::{codec, Dictionary, Rational};
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};
use streamwerk_outputs::Muxer;

/// Packets queued for the file, at most (about 5 s of video and sound).
const QUEUE: usize = 400;

/// Where ISO files go while the show records, and the recording's zero.
#[derive(Debug, Clone)]
pub struct IsoPlan {
    /// Each guest's file is this path with `-SLOT.mkv` added (`-SLOT-2.mkv` and on when taken).
    pub prefix: PathBuf,
    /// The moment the recording's timeline starts.
    pub origin: Instant,
}

pub(crate) enum IsoPacket {
    Video {
        codec: Codec,
        data: Arc<[u8]>,
        keyframe: bool,
        at: Instant,
    },
    Audio {
        data: Arc<[u8]>,
        at: Instant,
    },
}

/// The sending side, kept by the guest's session while they are on air and the show records.
pub(crate) struct IsoWriter {
    tx: SyncSender<IsoPacket>,
    /// A keyframe has been queued: the file's picture has started.
    started: bool,
    /// When a keyframe was last asked for.
    asked: Instant,
}

/// How long to wait for an asked keyframe before asking again: a request can be lost, or
/// come while the browser is still making the previous one.
const ASK_AGAIN: Duration = Duration::from_millis(250);

impl IsoWriter {
    pub(crate) fn start(plan: &IsoPlan, slot: &str) -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        let path = free_name(&plan.prefix, slot);
        let origin = plan.origin;
        let label = slot.to_string();
        std::thread::Builder::new()
            .name("guest-iso".into())
            .spawn(move || {
                if let Err(e) = write(rx, &path, origin) {
                    tracing::warn!("guest {label}: the ISO file {}: {e}", path.display());
                }
            })
            .expect("spawning a thread");
        IsoWriter {
            tx,
            started: false,
            asked: Instant::now(),
        }
    }

    /// Whether to ask the guest's browser for a keyframe (again), given that the frame just
    /// received is one or not: the file's picture starts at a keyframe, and one asked for
    /// when the file opened can be lost.
    pub(crate) fn wants_keyframe(&mut self, keyframe: bool) -> bool {
        self.started |= keyframe;
        if self.started || self.asked.elapsed() < ASK_AGAIN {
            return false;
        }
        self.asked = Instant::now();
        true
    }

    /// Queues a packet; a full queue (the disk fell seconds behind) drops it.
    pub(crate) fn send(&self, packet: IsoPacket) {
        let _ = self.tx.try_send(packet);
    }
}

/// `PREFIX-SLOT.mkv`, or the first of `PREFIX-SLOT-2.mkv`… that does not exist: a guest who
/// rejoins gets a second file, never one written over.
fn free_name(prefix: &Path, slot: &str) -> PathBuf {
    let stem = prefix.display().to_string();
    (1..)
        .map(|n| match n {
            1 => PathBuf::from(format!("{stem}-{slot}.mkv")),
            n => PathBuf::from(format!("{stem}-{slot}-{n}.mkv")),
        })
        .find(|p| !p.exists())
        .expect("some name is free")
}

/// Writes the queue's packets until it closes, starting at the first keyframe (the file's
/// header needs the picture's codec, and H.264's SPS and PPS).
fn write(rx: Receiver<IsoPacket>, path: &Path, origin: Instant) -> Result<(), String> {
    let ms = Rational::new(1, 1000);
    let since = |at: Instant| at.saturating_duration_since(origin).as_millis() as i64;
    let first = rx.iter().find_map(|p| match p {
        IsoPacket::Video {
            codec,
            data,
            keyframe: true,
            at,
        } => Some((codec, data, at)),
        _ => None,
    });
    let Some((video_codec, data, at)) = first else {
        return Ok(());
    };
    let streams = [video_stream(video_codec, &data)?, opus_stream()];
    let mut options = Dictionary::new();
    options.set("flush_packets", "1");
    options.set("cluster_time_limit", "500");
    let target = path.display().to_string();
    let mut muxer = Muxer::open(
        &target,
        &target,
        "matroska",
        &streams,
        Dictionary::new(),
        options,
    )
    .map_err(|e| e.to_string())?
    .from_show_start();
    let packet = |kind, data: &[u8], at: i64, key: bool| {
        let mut p = ffmpeg::Packet::copy(data);
        p.set_pts(Some(at));
        p.set_dts(Some(at));
        if key {
            p.set_flags(ffmpeg::packet::Flags::KEY);
        }
        EncodedPacket::new(kind, p, ms)
    };
    muxer
        .write(&packet(StreamKind::Video, &data, since(at), true))
        .map_err(|e| e.to_string())?;
    let mut last = [since(at), 0];
    for p in rx {
        let (kind, data, at, key) = match p {
            IsoPacket::Video {
                data, keyframe, at, ..
            } => (StreamKind::Video, data, since(at), keyframe),
            IsoPacket::Audio { data, at } => (StreamKind::Audio, data, since(at), true),
        };
        // Arrival times can tie: the container wants them rising within a stream.
        let i = usize::from(kind == StreamKind::Audio);
        let at = at.max(last[i] + 1);
        last[i] = at;
        muxer
            .write(&packet(kind, &data, at, key))
            .map_err(|e| e.to_string())?;
    }
    muxer.finish().map_err(|e| e.to_string())
}

/// The picture's stream: VP8 with its size from the keyframe, or H.264 with the keyframe's
/// SPS and PPS as its global header (Annex B, which the Matroska muxer turns into avcC).
fn video_stream(video: Codec, keyframe: &[u8]) -> Result<StreamInfo, String> {
    let mut parameters = codec::Parameters::new();
    // SAFETY: the parameters were just made and are owned here; extradata is allocated with
    // FFmpeg's allocator and padded as it requires, and FFmpeg frees it with them.
    unsafe {
        let par = &mut *parameters.as_mut_ptr();
        par.codec_type = ffmpeg::ffi::AVMediaType::AVMEDIA_TYPE_VIDEO;
        match video {
            Codec::Vp8 => {
                par.codec_id = ffmpeg::ffi::AVCodecID::AV_CODEC_ID_VP8;
                let (w, h) = vp8_size(keyframe).ok_or("a VP8 keyframe without its size")?;
                par.width = w as i32;
                par.height = h as i32;
            }
            Codec::H264 => {
                par.codec_id = ffmpeg::ffi::AVCodecID::AV_CODEC_ID_H264;
                let header = h264_parameter_sets(keyframe);
                let pad = ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
                let extradata = ffmpeg::ffi::av_mallocz(header.len() + pad) as *mut u8;
                std::ptr::copy_nonoverlapping(header.as_ptr(), extradata, header.len());
                par.extradata = extradata;
                par.extradata_size = header.len() as i32;
            }
            other => return Err(format!("{other:?} pictures are not recorded")),
        }
    }
    Ok(StreamInfo {
        kind: StreamKind::Video,
        parameters,
        time_base: Rational::new(1, 1000),
    })
}

/// The microphone's stream: Opus, 48 kHz stereo, with the OpusHead Matroska needs.
fn opus_stream() -> StreamInfo {
    // RFC 7845's identification header: version 1, 2 channels, 312 samples of pre-skip
    // (libopus's), 48 kHz, no gain, mapping family 0.
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, 2]);
    head.extend_from_slice(&312u16.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&[0, 0, 0]);
    let mut parameters = codec::Parameters::new();
    // SAFETY: as in `video_stream`.
    unsafe {
        let par = &mut *parameters.as_mut_ptr();
        par.codec_type = ffmpeg::ffi::AVMediaType::AVMEDIA_TYPE_AUDIO;
        par.codec_id = ffmpeg::ffi::AVCodecID::AV_CODEC_ID_OPUS;
        par.sample_rate = 48_000;
        ffmpeg::ffi::av_channel_layout_default(&mut par.ch_layout, 2);
        let pad = ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
        let extradata = ffmpeg::ffi::av_mallocz(head.len() + pad) as *mut u8;
        std::ptr::copy_nonoverlapping(head.as_ptr(), extradata, head.len());
        par.extradata = extradata;
        par.extradata_size = head.len() as i32;
    }
    StreamInfo {
        kind: StreamKind::Audio,
        parameters,
        time_base: Rational::new(1, 1000),
    }
}

/// A VP8 keyframe's picture size (RFC 6386 section 9.1: after the 3-byte frame tag and the
/// start code, 14 bits each of width and height).
fn vp8_size(frame: &[u8]) -> Option<(u16, u16)> {
    if frame.len() < 10 || frame[0] & 1 != 0 || frame[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let w = u16::from_le_bytes([frame[6], frame[7]]) & 0x3fff;
    let h = u16::from_le_bytes([frame[8], frame[9]]) & 0x3fff;
    Some((w, h))
}

/// The SPS and PPS NAL units of an Annex B access unit, each with its start code.
fn h264_parameter_sets(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let starts: Vec<usize> = frame
        .windows(3)
        .enumerate()
        .filter(|(_, w)| *w == [0, 0, 1])
        .map(|(i, _)| i + 3)
        .collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(frame.len(), |next| next - 3);
        let nal = &frame[start..end];
        let nal = nal.strip_suffix(&[0]).unwrap_or(nal);
        if matches!(nal.first().map(|b| b & 0x1f), Some(7 | 8)) {
            out.extend_from_slice(&[0, 0, 0, 1]);
            out.extend_from_slice(nal);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vp8_keyframe_gives_its_size_and_h264_its_parameter_sets() {
        let key = [0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01];
        assert_eq!(vp8_size(&key), Some((640, 360)));
        assert_eq!(vp8_size(&[0x51, 0, 0, 0x9d, 0x01, 0x2a, 0, 0, 0, 0]), None);
        let au = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 1, 0x65, 9, 9,
        ];
        assert_eq!(
            h264_parameter_sets(&au),
            [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3]
        );
    }

    #[test]
    fn a_guest_who_rejoins_gets_a_second_file() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("show");
        let first = free_name(&prefix, "ana");
        assert!(first.ends_with("show-ana.mkv"));
        std::fs::write(&first, b"").unwrap();
        assert!(free_name(&prefix, "ana").ends_with("show-ana-2.mkv"));
    }

    #[test]
    fn a_keyframe_is_asked_for_again_until_one_comes() {
        let dir = tempfile::tempdir().unwrap();
        let plan = IsoPlan {
            prefix: dir.path().join("show"),
            origin: Instant::now(),
        };
        let mut iso = IsoWriter::start(&plan, "ana");
        assert!(!iso.wants_keyframe(false), "asked when the file opened");
        iso.asked -= ASK_AGAIN;
        assert!(iso.wants_keyframe(false), "none came: asked again");
        assert!(!iso.wants_keyframe(false), "not at every frame");
        iso.asked -= ASK_AGAIN;
        assert!(!iso.wants_keyframe(true), "it came");
        iso.asked -= ASK_AGAIN;
        assert!(!iso.wants_keyframe(false), "started: never again");
    }
}
