//! A media file, decoded by FFmpeg on a thread of its own and played on the master clock.
//!
//! Picture and sound share one decoder and one anchor: the program sample at which the file's
//! start position plays, set by whichever half is asked first and rounded up to a frame
//! boundary. From then on the video half shows the frame whose time has come and the audio
//! half plays the samples of that same moment, so the two stay together however long the file
//! runs or loops. The decoder works a few frames and half a second of sound ahead, no further.

use crate::{AudioSource, VideoSource};
use ffmpeg_next as ffmpeg;
use ffmpeg_next::{format, frame, media, software, ChannelLayout};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use streamwerk_media::{AudioBlock, Image, Tick, VideoFrame, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_scene::MediaFileSettings;

/// Decoded pictures kept ahead of the clock.
const VIDEO_AHEAD: usize = 4;
/// Decoded sound kept ahead of the clock, in samples (0.5 s).
const AUDIO_AHEAD: usize = SAMPLE_RATE as usize / 2;

struct Queues {
    /// (time on the file's looping timeline in seconds, picture), oldest first.
    video: VecDeque<(f64, Image)>,
    /// Pictures shown and returned, for the decoder to fill again.
    free: Vec<Image>,
    /// Planar samples at 48 kHz; `audio_start` is the timeline sample of their first.
    audio: Vec<VecDeque<f32>>,
    audio_start: i64,
    /// The decoder reached the end and does not loop.
    ended: bool,
}

struct Shared {
    queues: Mutex<Queues>,
    /// Signalled when a consumer took something: the decoder may have room again.
    taken: Condvar,
    stop: AtomicBool,
    /// Program sample at which `start_s` plays; u64::MAX until the first pull.
    anchor: AtomicU64,
    /// Program samples per video frame: anchors fall on frame boundaries.
    frame_samples: u64,
    start_s: f64,
    /// Blocks that came up short because the decoder had not caught up.
    underruns: AtomicU64,
}

impl Shared {
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
    current: Image,
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

/// What the decoder thread works with.
struct Decoding {
    input: format::context::Input,
    video: Option<VideoDecoding>,
    audio: Option<AudioDecoding>,
    looping: bool,
}

struct VideoDecoding {
    stream: usize,
    decoder: ffmpeg::decoder::Video,
    /// Made on the decoder thread (it cannot move between threads), again if the picture
    /// format changes mid-file.
    scaler: Option<software::scaling::Context>,
    time_base: f64,
    start: i64,
    decoded: frame::Video,
    rgba: frame::Video,
}

struct AudioDecoding {
    stream: usize,
    decoder: ffmpeg::decoder::Audio,
    resampler: software::resampling::Context,
    /// The layout the resampler was made for: files that leave it unset get the default.
    layout: ChannelLayout,
    time_base: f64,
    start: i64,
    decoded: frame::Audio,
    resampled: frame::Audio,
    /// File position (48 kHz samples) of the next sound to decode, once known.
    cursor: Option<i64>,
    /// Samples `resampled` has room for. FFmpeg takes the frame's sample count as its room,
    /// and each conversion leaves the count it wrote there, so it is set back before each.
    room: usize,
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
    let shared = Arc::new(Shared {
        queues: Mutex::new(Queues {
            video: VecDeque::new(),
            free: Vec::new(),
            audio: vec![VecDeque::new(); channels],
            audio_start: 0,
            ended: false,
        }),
        taken: Condvar::new(),
        stop: AtomicBool::new(false),
        anchor: AtomicU64::new(u64::MAX),
        frame_samples: (SAMPLE_RATE / fps) as u64,
        start_s: settings.start_s,
        underruns: AtomicU64::new(0),
    });
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
                let mut decoding = match Decoding::open(&path, looping, channels, shared.start_s) {
                    Ok(d) => d,
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                let size = decoding
                    .video
                    .as_ref()
                    .map(|v| (v.decoder.width(), v.decoder.height()));
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
    let handle = Arc::new(DecoderHandle(shared.clone()));
    Ok((
        picture_size.map(|(width, height)| MediaVideo {
            shared: shared.clone(),
            // Black at the picture's size until the first frame's time: the layout editor
            // sizes the layer from it.
            current: Image::filled(width, height, [0, 0, 0, 255]),
            generation: 0,
            _decoder: handle.clone(),
        }),
        has_audio.then(|| MediaAudio {
            shared,
            _decoder: handle,
        }),
    ))
}

fn open_video(stream: &format::stream::Stream) -> Result<VideoDecoding, String> {
    let context =
        ffmpeg::codec::Context::from_parameters(stream.parameters()).map_err(|e| e.to_string())?;
    let decoder = context.decoder().video().map_err(|e| e.to_string())?;
    Ok(VideoDecoding {
        stream: stream.index(),
        time_base: f64::from(stream.time_base()),
        start: stream.start_time().max(0),
        decoder,
        scaler: None,
        decoded: frame::Video::empty(),
        rgba: frame::Video::empty(),
    })
}

fn open_audio(stream: &format::stream::Stream, channels: usize) -> Result<AudioDecoding, String> {
    let context =
        ffmpeg::codec::Context::from_parameters(stream.parameters()).map_err(|e| e.to_string())?;
    let decoder = context.decoder().audio().map_err(|e| e.to_string())?;
    let layout = match decoder.channel_layout() {
        l if l.is_empty() => ChannelLayout::default(decoder.channels() as i32),
        l => l,
    };
    // Mono stays mono and is spread to both sides at full level when queued; FFmpeg's upmix
    // would put it 3 dB down on each.
    let target = if channels == 1 || layout.channels() == 1 {
        ChannelLayout::MONO
    } else {
        ChannelLayout::STEREO
    };
    let resampler = software::resampling::Context::get(
        decoder.format(),
        layout,
        decoder.rate(),
        format::Sample::F32(format::sample::Type::Planar),
        target,
        SAMPLE_RATE,
    )
    .map_err(|e| e.to_string())?;
    Ok(AudioDecoding {
        stream: stream.index(),
        time_base: f64::from(stream.time_base()),
        start: stream.start_time().max(0),
        decoder,
        resampler,
        layout,
        decoded: frame::Audio::empty(),
        resampled: frame::Audio::empty(),
        cursor: None,
        room: 0,
    })
}

impl Decoding {
    fn open(path: &Path, looping: bool, channels: usize, start_s: f64) -> Result<Decoding, String> {
        let input = format::input(&path).map_err(|e| e.to_string())?;
        let video = match input.streams().best(media::Type::Video) {
            Some(stream) => Some(open_video(&stream)?),
            None => None,
        };
        let audio = match input.streams().best(media::Type::Audio) {
            Some(stream) => Some(open_audio(&stream, channels)?),
            None => None,
        };
        if video.is_none() && audio.is_none() {
            return Err("it has neither video nor audio".into());
        }
        let mut decoding = Decoding {
            input,
            video,
            audio,
            looping,
        };
        if start_s > 0.0 {
            decoding.seek(start_s)?;
        }
        Ok(decoding)
    }

    fn seek(&mut self, seconds: f64) -> Result<(), String> {
        let ts = (seconds * f64::from(ffmpeg::ffi::AV_TIME_BASE)) as i64;
        self.input.seek(ts, ..ts + 1).map_err(|e| e.to_string())?;
        if let Some(v) = &mut self.video {
            v.decoder.flush();
        }
        if let Some(a) = &mut self.audio {
            a.decoder.flush();
            a.cursor = None;
        }
        Ok(())
    }

    /// Decodes until the end (looping if asked) or until stopped.
    fn run(&mut self, shared: &Shared) -> Result<(), String> {
        // Added to a pass's timestamps: where that pass starts on the looping timeline.
        let mut offset = 0.0;
        loop {
            let end = self.one_pass(shared, offset)?;
            if shared.stop.load(Relaxed) || !self.looping || end <= shared.start_s {
                return Ok(());
            }
            offset += end - shared.start_s;
            tracing::debug!(
                "media file: pass ended at {end:.3} s; looping, next pass at {offset:.3} s"
            );
            self.seek(shared.start_s)?;
        }
    }

    /// Decodes from the current position to the end; returns the end time (file seconds):
    /// the sound's, counted in samples, unless the picture runs on for longer than a rounding.
    fn one_pass(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let (video_end, audio_end) = self.decode_pass(shared, offset)?;
        Ok(if video_end > audio_end + 0.002 {
            video_end
        } else {
            audio_end
        })
    }

    /// Returns the end of the picture and of the sound (file seconds; 0 for a missing one).
    fn decode_pass(&mut self, shared: &Shared, offset: f64) -> Result<(f64, f64), String> {
        let (mut video_end, mut audio_end) = (0f64, 0f64);
        let mut packet = ffmpeg::Packet::empty();
        loop {
            if !self.wait_for_room(shared) {
                return Ok((video_end, audio_end));
            }
            match packet.read(&mut self.input) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => break,
                // A damaged packet: skip it, as players do.
                Err(_) => continue,
            }
            let index = packet.stream();
            if let Some(v) = self.video.as_mut().filter(|v| v.stream == index) {
                let _ = v.decoder.send_packet(&packet);
                video_end = video_end.max(v.drain(shared, offset)?);
            } else if let Some(a) = self.audio.as_mut().filter(|a| a.stream == index) {
                let _ = a.decoder.send_packet(&packet);
                audio_end = audio_end.max(a.drain(shared, offset)?);
            }
        }
        if let Some(v) = &mut self.video {
            let _ = v.decoder.send_eof();
            video_end = video_end.max(v.drain(shared, offset)?);
            v.decoder.flush();
        }
        if let Some(a) = &mut self.audio {
            let _ = a.decoder.send_eof();
            audio_end = audio_end.max(a.drain(shared, offset)?);
            a.decoder.flush();
        }
        Ok((video_end, audio_end))
    }

    /// Waits while both queues are full; false once stopped.
    fn wait_for_room(&self, shared: &Shared) -> bool {
        let mut queues = shared.queues.lock().unwrap();
        loop {
            if shared.stop.load(Relaxed) {
                return false;
            }
            let video_full = self.video.is_none() || queues.video.len() >= VIDEO_AHEAD;
            let audio_full = self.audio.is_none() || queues.audio[0].len() >= AUDIO_AHEAD;
            if !(video_full && audio_full) {
                return true;
            }
            queues = shared
                .taken
                .wait_timeout(queues, Duration::from_millis(100))
                .unwrap()
                .0;
        }
    }
}

impl VideoDecoding {
    /// Moves every picture the decoder has into the queue; returns the latest end time.
    fn drain(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let mut end = 0f64;
        while self.decoder.receive_frame(&mut self.decoded).is_ok() {
            let pts = self.decoded.timestamp().unwrap_or(self.start);
            let at = (pts - self.start) as f64 * self.time_base;
            let duration = self.decoded.packet().duration as f64 * self.time_base;
            end = end.max(at + duration.max(0.0));
            // A seek lands on the keyframe before the start: what ends before it is not shown.
            if at + duration.max(1e-3) <= shared.start_s + 1e-6 {
                continue;
            }
            let (w, h, pixel) = (
                self.decoded.width(),
                self.decoded.height(),
                self.decoded.format(),
            );
            let fits = self.scaler.as_ref().is_some_and(|s| {
                let input = s.input();
                (input.width, input.height, input.format) == (w, h, pixel)
            });
            if !fits {
                self.scaler = Some(
                    software::scaling::Context::get(
                        pixel,
                        w,
                        h,
                        format::Pixel::RGBA,
                        w,
                        h,
                        software::scaling::Flags::BILINEAR,
                    )
                    .map_err(|e| e.to_string())?,
                );
            }
            let scaler = self.scaler.as_mut().expect("made above");
            scaler
                .run(&self.decoded, &mut self.rgba)
                .map_err(|e| e.to_string())?;
            let (w, h) = (self.rgba.width(), self.rgba.height());
            let mut queues = shared.queues.lock().unwrap();
            let mut picture = queues.free.pop().unwrap_or_else(|| Image::new(0, 0));
            picture.width = w;
            picture.height = h;
            picture.data.resize(w as usize * h as usize * 4, 0);
            let stride = self.rgba.stride(0);
            let row = w as usize * 4;
            for (y, out) in picture.data.chunks_exact_mut(row).enumerate() {
                out.copy_from_slice(&self.rgba.data(0)[y * stride..y * stride + row]);
            }
            queues.video.push_back((at + offset, picture));
        }
        Ok(end)
    }
}

impl AudioDecoding {
    /// Moves every decoded block into the queue at 48 kHz; returns the latest end time.
    fn drain(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let mut end = 0f64;
        while self.decoder.receive_frame(&mut self.decoded).is_ok() {
            let pts = self.decoded.timestamp().unwrap_or(self.start);
            let at = (pts - self.start) as f64 * self.time_base;
            if self.decoded.channel_layout().is_empty() {
                self.decoded.set_channel_layout(self.layout);
            }
            // Room for this frame at 48 kHz plus what the resampler holds back.
            let needed = self.decoded.samples() * SAMPLE_RATE as usize
                / self.decoded.rate().max(1) as usize
                + 256;
            if needed > self.room {
                let output = self.resampler.output();
                self.room = needed.max(4096);
                self.resampled = frame::Audio::new(output.format, self.room, output.channel_layout);
            }
            self.resampled.set_samples(self.room);
            self.resampler
                .run(&self.decoded, &mut self.resampled)
                .map_err(|e| e.to_string())?;
            let n = self.resampled.samples();
            // Where this sound sits in the file, in samples: counted on from the previous frame,
            // since containers round timestamps (to the millisecond in MKV); taken from the
            // timestamp after a seek or across a gap in the file.
            let stamped = (at * SAMPLE_RATE as f64).round() as i64;
            let position = match self.cursor {
                Some(cursor) if (stamped - cursor).abs() <= 480 => cursor,
                _ => stamped,
            };
            self.cursor = Some(position + n as i64);
            // Sound from before the start (a seek lands early) is cut off.
            let start = (shared.start_s * SAMPLE_RATE as f64).round() as i64;
            let early = (start - position).clamp(0, n as i64) as usize;
            let first = position + (offset * SAMPLE_RATE as f64).round() as i64 + early as i64;
            let mut queues = shared.queues.lock().unwrap();
            let queued = queues.audio[0].len() as i64;
            let next = queues.audio_start + queued;
            if queued == 0 {
                queues.audio_start = first;
            } else if first > next + 480 {
                // A gap of more than 10 ms in the file: fill it with silence.
                for channel in &mut queues.audio {
                    channel.extend(std::iter::repeat_n(0.0, (first - next) as usize));
                }
            }
            for (c, channel) in queues.audio.iter_mut().enumerate() {
                let plane = c.min(self.resampled.planes() - 1);
                channel.extend(&self.resampled.plane::<f32>(plane)[early..n]);
            }
            // The end by sample count: exact, where timestamps are rounded.
            let queued_end = queues.audio_start + queues.audio[0].len() as i64;
            end = queued_end as f64 / SAMPLE_RATE as f64 - offset;
        }
        Ok(end)
    }
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
            queues.free.push(old);
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
            image: &self.current,
            generation: self.generation,
            damage: None,
            opaque: true,
        }
    }
}

impl Drop for MediaAudio {
    fn drop(&mut self) {
        tracing::debug!(
            "media file: {} blocks came up short while the decoder caught up",
            self.shared.underruns.load(Relaxed)
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
