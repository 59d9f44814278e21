//! A guest's camera, decoded: the `guest-video` thread takes the whole frames str0m
//! depacketized (H.264 as Annex B, or VP8), decodes them with FFmpeg and puts each picture,
//! made into the canvas's BT.709 I420, in the guest's feed. The queue to it is short: when it
//! is full (the decoder fell behind) or a frame is missing, frames are dropped until the next
//! keyframe, which the session is asked for.

use ffmpeg_next as ffmpeg;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use str0m::format::Codec;
use streamwerk_media::feeds::Feed;
use streamwerk_media::{PictureBuf, I420};
use streamwerk_sources::ToCanvas;

/// Frames queued for the decoder, at most (a third of a second at 30 fps).
const QUEUE: usize = 10;

struct Frame {
    codec: Codec,
    data: Arc<[u8]>,
    keyframe: bool,
}

/// The sending side, kept by the session.
pub(crate) struct VideoDecoder {
    tx: SyncSender<Frame>,
    /// Set when frames were lost: the session asks the guest's browser for a keyframe.
    wants_keyframe: Arc<AtomicBool>,
    /// Frames are dropped until a keyframe comes.
    waiting: bool,
}

impl VideoDecoder {
    /// Starts the decoder thread of a guest whose pictures go to `feed`.
    pub(crate) fn start(feed: Arc<Feed>, label: String) -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        let wants_keyframe = Arc::new(AtomicBool::new(false));
        let wants = wants_keyframe.clone();
        std::thread::Builder::new()
            .name("guest-video".into())
            .spawn(move || decode(rx, &feed, &wants, &label))
            .expect("spawning a thread");
        VideoDecoder {
            tx,
            wants_keyframe,
            waiting: true,
        }
    }

    /// Queues a frame; lost or dropped ones make it wait for (and ask for) a keyframe.
    pub(crate) fn send(&mut self, codec: Codec, data: Arc<[u8]>, keyframe: bool, contiguous: bool) {
        if keyframe {
            self.waiting = false;
        } else if !contiguous {
            self.waiting = true;
        }
        if self.waiting {
            self.wants_keyframe.store(true, Relaxed);
            return;
        }
        let frame = Frame {
            codec,
            data,
            keyframe,
        };
        if let Err(TrySendError::Full(_)) = self.tx.try_send(frame) {
            self.waiting = true;
            self.wants_keyframe.store(true, Relaxed);
        }
    }

    /// Asks for a keyframe at the next chance (an ISO file starts with one).
    pub(crate) fn ask_keyframe(&self) {
        self.wants_keyframe.store(true, Relaxed);
    }

    /// Whether a keyframe should be asked for (once per need).
    pub(crate) fn take_keyframe_request(&self) -> bool {
        self.wants_keyframe.swap(false, Relaxed)
    }
}

/// The decoder thread: until the session drops its sender.
fn decode(rx: Receiver<Frame>, feed: &Feed, wants_keyframe: &AtomicBool, label: &str) {
    let mut decoder: Option<(Codec, ffmpeg::decoder::Video)> = None;
    let mut decoded = ffmpeg::frame::Video::empty();
    let mut to_canvas = ToCanvas::default();
    let mut spare = PictureBuf::Yuv(I420::new(2, 2));
    while let Ok(frame) = rx.recv() {
        if decoder.as_ref().is_none_or(|(c, _)| *c != frame.codec) {
            if !frame.keyframe {
                continue;
            }
            match open(frame.codec) {
                Ok(d) => decoder = Some((frame.codec, d)),
                Err(e) => {
                    tracing::warn!("guest {label}: {e}");
                    continue;
                }
            }
        }
        let (_, d) = decoder.as_mut().expect("opened above");
        if d.send_packet(&ffmpeg::Packet::copy(&frame.data)).is_err() {
            wants_keyframe.store(true, Relaxed);
            continue;
        }
        while d.receive_frame(&mut decoded).is_ok() {
            match to_canvas.convert(&decoded, false, &mut spare) {
                Ok(()) => {
                    let used = std::mem::replace(&mut spare, PictureBuf::Yuv(I420::new(2, 2)));
                    if let Some(old) = feed.put(used) {
                        spare = old;
                    }
                }
                Err(e) => tracing::debug!("guest {label}: a picture not converted: {e}"),
            }
        }
    }
}

/// An FFmpeg decoder for the codec the guest's browser chose.
fn open(codec: Codec) -> Result<ffmpeg::decoder::Video, String> {
    let id = match codec {
        Codec::H264 => ffmpeg::codec::Id::H264,
        Codec::Vp8 => ffmpeg::codec::Id::VP8,
        other => {
            return Err(format!(
                "{other:?} is not decoded; the guest page offers H.264 and VP8"
            ))
        }
    };
    let found = ffmpeg::decoder::find(id).ok_or_else(|| format!("no {id:?} decoder in FFmpeg"))?;
    ffmpeg::codec::Context::new_with_codec(found)
        .decoder()
        .video()
        .map_err(|e| format!("the {id:?} decoder did not open: {e}"))
}
