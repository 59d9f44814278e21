//! A media file, decoded by FFmpeg on a thread of its own and played on the master clock.
//!
//! Picture and sound share one decoder and one anchor: the program sample at which the file's
//! start position plays, set by whichever half is asked first and rounded up to a frame
//! boundary. From then on the video half shows the frame whose time has come and the audio
//! half plays the samples of that same moment, so the two stay together however long the file
//! runs or loops. The decoder works a few frames and half a second of sound ahead, no further.
//!
//! Pictures stay YUV: BT.709 limited-range 4:2:0 planes are copied as decoded, anything else
//! (other matrices, full range, other layouts, odd sizes) is converted to that by swscale.
//! Pictures with alpha (VP9 in WebM with an alpha channel, ProRes 4444, PNG or QuickTime
//! animation with alpha) become premultiplied RGBA instead, so the scene shows through: VP9's
//! alpha is decoded with libvpx, since FFmpeg's own VP9 decoder ignores WebM's alpha track.
//!
//! Here: the queues both halves share and the play side (the sources the engine advances
//! and fills); `decode`: the decoder thread; `convert`: pictures made into I420 or RGBA.

use crate::{AudioSource, VideoSource};
use ffmpeg_next as ffmpeg;
use ffmpeg_next::{format, frame, media, software, ChannelLayout};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use streamwerk_media::{
    AudioBlock, Image, PictureBuf, Tick, VideoFrame, AUDIO_BLOCK, I420, SAMPLE_RATE,
};
use streamwerk_scene::MediaFileSettings;

mod convert;
pub use convert::ToCanvas;
mod decode;
pub(crate) use decode::Decoding;

/// Decoded pictures kept ahead of the clock.
const VIDEO_AHEAD: usize = 4;
/// Decoded sound kept ahead of the clock, in samples (0.5 s).
const AUDIO_AHEAD: usize = SAMPLE_RATE as usize / 2;
/// Hard bounds. The decoder stops once both halves have their lead, but a file whose sound
/// and picture are far apart in it (or a half nobody pulls) fills one queue while the other
/// waits: past these the oldest entries are dropped, so memory never follows the file.
const VIDEO_MAX: usize = 2 * VIDEO_AHEAD;
const AUDIO_MAX: usize = 2 * SAMPLE_RATE as usize;
/// Spare pictures kept for reuse; the rest of what comes back is freed.
const SPARE_PICTURES: usize = 2;
/// Compressed packets read ahead of their decoder, at most (a camera file at 50 Mbit/s
/// stores its halves more than 2 s apart before this is reached).
const PENDING_BYTES: usize = 16 << 20;

struct Queues {
    /// (time on the file's looping timeline in seconds, picture), oldest first.
    video: VecDeque<(f64, PictureBuf)>,
    /// Pictures shown and returned, for the decoder to fill again.
    free: Vec<PictureBuf>,
    /// Planar samples at 48 kHz; `audio_start` is the timeline sample of their first.
    audio: Vec<VecDeque<f32>>,
    audio_start: i64,
    /// The decoder reached the end and does not loop.
    ended: bool,
}

impl Queues {
    /// Keeps a shown picture for the decoder to fill again, up to a few spares.
    fn recycle(&mut self, picture: PictureBuf) {
        if self.free.len() < SPARE_PICTURES {
            self.free.push(picture);
        }
    }
}

pub(crate) struct Shared {
    queues: Mutex<Queues>,
    /// Signalled when a consumer took something: the decoder may have room again.
    taken: Condvar,
    pub(crate) stop: AtomicBool,
    /// Where on its timeline the source plays now (ms), as the picture half last asked: a
    /// network input that connects again continues from here.
    playing_ms: AtomicU64,
    /// Program sample at which `start_s` plays; u64::MAX until the first pull.
    anchor: AtomicU64,
    /// Program samples per video frame: anchors fall on frame boundaries.
    frame_samples: u64,
    start_s: f64,
    /// Blocks that came up short because the decoder had not caught up.
    underruns: AtomicU64,
    /// Pictures or samples dropped at the hard bounds.
    overflows: AtomicU64,
    /// Set when a half is dropped (a scene that shows the file but does not play its sound,
    /// or the reverse): the decoder stops decoding and queueing for it.
    video_gone: AtomicBool,
    audio_gone: AtomicBool,
}

impl Shared {
    /// A source's shared state, before anything is decoded: it plays from `start_s`.
    pub(crate) fn new(start_s: f64, fps: u32, channels: usize) -> Arc<Shared> {
        Arc::new(Shared {
            queues: Mutex::new(Queues {
                video: VecDeque::new(),
                free: Vec::new(),
                audio: vec![VecDeque::new(); channels],
                audio_start: 0,
                ended: false,
            }),
            taken: Condvar::new(),
            stop: AtomicBool::new(false),
            playing_ms: AtomicU64::new(0),
            anchor: AtomicU64::new(u64::MAX),
            frame_samples: (SAMPLE_RATE / fps) as u64,
            // On the program's frame grid: the pictures of a file at the canvas's rate then
            // fall on ticks, not between two (where one of each pair would never be shown,
            // and the picture would trail its sound by half a frame). At most half a frame
            // from the asked.
            start_s: (start_s * f64::from(fps)).round() / f64::from(fps),
            underruns: AtomicU64::new(0),
            overflows: AtomicU64::new(0),
            video_gone: AtomicBool::new(false),
            audio_gone: AtomicBool::new(false),
        })
    }

    /// Where the source plays now on its timeline, in seconds.
    pub(crate) fn playing_s(&self) -> f64 {
        self.playing_ms.load(Relaxed) as f64 / 1000.0
    }

    /// The anchor, set on first use to the first frame boundary at or after `program_sample`.
    fn anchor(&self, program_sample: u64) -> u64 {
        let boundary = program_sample.div_ceil(self.frame_samples) * self.frame_samples;
        match self
            .anchor
            .compare_exchange(u64::MAX, boundary, Relaxed, Relaxed)
        {
            Ok(_) => boundary,
            Err(existing) => existing,
        }
    }
}

/// The picture half.
pub struct MediaVideo {
    shared: Arc<Shared>,
    current: PictureBuf,
    generation: u64,
    _decoder: Arc<DecoderHandle>,
}

/// The sound half.
pub struct MediaAudio {
    shared: Arc<Shared>,
    _decoder: Arc<DecoderHandle>,
}

/// Stops the decoder when both halves are gone.
struct DecoderHandle(Arc<Shared>);

impl Drop for DecoderHandle {
    fn drop(&mut self) {
        self.0.stop.store(true, Relaxed);
        self.0.taken.notify_all();
    }
}

/// Opens `path` and starts decoding at `settings.start_s`. Either half is `None` when the
/// file has no such stream.
pub fn open(
    settings: &MediaFileSettings,
    path: &Path,
    fps: u32,
    channels: usize,
) -> Result<(Option<MediaVideo>, Option<MediaAudio>), String> {
    ffmpeg::init().map_err(|e| e.to_string())?;
    let shared = Shared::new(settings.start_s, fps, channels);
    // FFmpeg's scaler cannot move between threads: the decoder thread opens the file itself
    // and reports here what it found.
    let (opened_tx, opened) = crossbeam_channel::bounded(1);
    let path = path.to_path_buf();
    let looping = settings.looping;
    std::thread::Builder::new()
        .name("media decoder".into())
        .spawn({
            let shared = shared.clone();
            move || {
                let opened = format::input(&path).map_err(|e| e.to_string());
                let decoding = opened
                    .and_then(|input| Decoding::new(input, looping, channels, shared.start_s));
                let mut decoding = match decoding {
                    Ok(d) => d,
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                let size = decoding.picture();
                let _ = opened_tx.send(Ok((size, decoding.audio.is_some())));
                if let Err(e) = decoding.run(&shared) {
                    tracing::warn!("media file {}: {e}", path.display());
                }
                shared.queues.lock().unwrap().ended = true;
            }
        })
        .map_err(|e| e.to_string())?;
    let (picture_size, has_audio) = opened
        .recv()
        .map_err(|_| "the decoder thread ended".to_string())??;
    Ok(halves(shared, picture_size, has_audio))
}

/// The picture half (of `picture`'s size, with alpha or not) and the sound half of a
/// source whose decoder thread fills `shared`.
pub(crate) fn halves(
    shared: Arc<Shared>,
    picture: Option<((u32, u32), bool)>,
    has_audio: bool,
) -> (Option<MediaVideo>, Option<MediaAudio>) {
    let handle = Arc::new(DecoderHandle(shared.clone()));
    (
        picture.map(|((width, height), alpha)| MediaVideo {
            shared: shared.clone(),
            // Black (or clear, with alpha) at the picture's size until the first frame's
            // time: the layout editor sizes the layer from it.
            current: if alpha {
                PictureBuf::Rgba(Image::new(width, height))
            } else {
                PictureBuf::Yuv(I420::new(width, height))
            },
            generation: 0,
            _decoder: handle.clone(),
        }),
        has_audio.then(|| MediaAudio {
            shared,
            _decoder: handle,
        }),
    )
}

impl VideoSource for MediaVideo {
    fn advance(&mut self, tick: Tick) {
        let shared = &self.shared;
        let program = tick.index * shared.frame_samples;
        let anchor = shared.anchor(program);
        if program < anchor {
            return;
        }
        let now = shared.start_s + (program - anchor) as f64 / SAMPLE_RATE as f64;
        shared.playing_ms.store((now * 1000.0) as u64, Relaxed);
        let mut queues = shared.queues.lock().unwrap();
        let mut took = false;
        // Every picture nearer to now than the next tick is; the last of them is shown.
        // (Containers round times to the millisecond: a frame due at 1.0333 s may say 1.034.)
        let half_tick = shared.frame_samples as f64 / SAMPLE_RATE as f64 / 2.0;
        while queues
            .video
            .front()
            .is_some_and(|(at, _)| *at < now + half_tick)
        {
            let (_, picture) = queues.video.pop_front().expect("checked");
            let old = std::mem::replace(&mut self.current, picture);
            queues.recycle(old);
            took = true;
        }
        drop(queues);
        if took {
            self.generation += 1;
            shared.taken.notify_one();
        }
    }

    fn frame(&self) -> VideoFrame<'_> {
        VideoFrame {
            picture: self.current.picture(),
            generation: self.generation,
            damage: None,
            opaque: matches!(self.current, PictureBuf::Yuv(_)),
        }
    }
}

impl Drop for MediaVideo {
    fn drop(&mut self) {
        self.shared.video_gone.store(true, Relaxed);
        let mut queues = self.shared.queues.lock().unwrap();
        queues.video.clear();
        queues.free.clear();
        drop(queues);
        self.shared.taken.notify_one();
    }
}

impl Drop for MediaAudio {
    fn drop(&mut self) {
        self.shared.audio_gone.store(true, Relaxed);
        let mut queues = self.shared.queues.lock().unwrap();
        for channel in &mut queues.audio {
            *channel = VecDeque::new();
        }
        drop(queues);
        self.shared.taken.notify_one();
        tracing::debug!(
            "media file: {} blocks came up short while the decoder caught up, {} pictures or \
             samples dropped at the queue bounds",
            self.shared.underruns.load(Relaxed),
            self.shared.overflows.load(Relaxed)
        );
    }
}

impl AudioSource for MediaAudio {
    fn fill(&mut self, start_sample: u64, out: &mut AudioBlock) {
        out.clear();
        let shared = &self.shared;
        let anchor = shared.anchor(start_sample);
        // Timeline sample of this block's first sample; before the anchor it is silence.
        let first = (shared.start_s * SAMPLE_RATE as f64).round() as i64 + start_sample as i64
            - anchor as i64;
        let mut queues = shared.queues.lock().unwrap();
        // Drop what is older than this block.
        let stale = (first - queues.audio_start).clamp(0, queues.audio[0].len() as i64) as usize;
        for channel in &mut queues.audio {
            channel.drain(..stale);
        }
        queues.audio_start += stale as i64;
        // Copy what overlaps [first, first + block).
        let skip = (queues.audio_start - first).max(0) as usize;
        let available = queues.audio[0].len();
        let count = AUDIO_BLOCK.saturating_sub(skip).min(available);
        if count + skip < AUDIO_BLOCK && !queues.ended && first + AUDIO_BLOCK as i64 > 0 {
            shared.underruns.fetch_add(1, Relaxed);
        }
        let queued_channels = queues.audio.len();
        for c in 0..out.channels {
            let channel = &queues.audio[c.min(queued_channels - 1)];
            let target = &mut out.channel_mut(c)[skip.min(AUDIO_BLOCK)..];
            for (o, v) in target.iter_mut().zip(channel.iter().take(count)) {
                *o = *v;
            }
        }
        let used = if skip < AUDIO_BLOCK { count } else { 0 };
        for channel in &mut queues.audio {
            channel.drain(..used.min(channel.len()));
        }
        queues.audio_start += used as i64;
        drop(queues);
        shared.taken.notify_one();
    }
}

/// How long a file plays, in seconds, if its container says.
pub fn duration(path: &Path) -> Option<f64> {
    ffmpeg::init().ok()?;
    let input = format::input(&path).ok()?;
    let d = input.duration();
    (d > 0).then(|| d as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE))
}
