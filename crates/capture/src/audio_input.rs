//! Sound inputs through cpal. A device runs on a thread of its own (cpal's streams are not
//! `Send` on every platform): its callback converts what arrives to f32 and pushes it into a
//! lock-free queue. The audio thread drains the queue through [`AudioInput::read`], which
//! resamples to the engine's 48 kHz and steers the resampling ratio by the queue's level, so
//! the device's clock and the master clock may differ without the queue growing or running dry.

use crate::device_thread;
use crate::CaptureError;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use crossbeam_channel::{unbounded, Receiver, Sender};
use rubato::audioadapter_buffers::direct::{InterleavedSlice, SequentialSlice};
use rubato::{Adjustable, Async, FixedAsync, PolynomialDegree, Resampler};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};

/// A sound input as the device list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AudioInputInfo {
    /// Stable identifier to put in a scene (`host:device`).
    pub id: String,
    /// What people call it.
    pub name: String,
    pub is_default: bool,
    pub channels: u16,
    pub sample_rate: u32,
}

/// Where a sound input stands; a source shows it and goes silent while it is not live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputState {
    Opening,
    Live,
    /// Gone or failing: silent, and tried again every second.
    Disconnected,
}

/// Lists the sound inputs of the default host: ALSA on Linux (a PulseAudio or PipeWire server
/// appears as its `pulse` and `default` devices through their ALSA plugins), CoreAudio on
/// macOS, WASAPI on Windows.
pub fn audio_inputs() -> Result<Vec<AudioInputInfo>, CaptureError> {
    let host = cpal::default_host();
    let default_id = host.default_input_device().and_then(|d| d.id().ok());
    let devices = host
        .input_devices()
        .map_err(|e| CaptureError::Devices(e.to_string()))?;
    Ok(devices
        .filter_map(|device| {
            let id = device.id().ok()?;
            let config = device.default_input_config().ok()?;
            Some(AudioInputInfo {
                name: device
                    .description()
                    .map(|d| d.name().to_string())
                    .unwrap_or_else(|_| id.to_string()),
                is_default: Some(&id) == default_id.as_ref(),
                id: id.to_string(),
                channels: config.channels(),
                sample_rate: config.sample_rate(),
            })
        })
        .collect())
}

/// What the device thread hands the reader each time it (re)opens the device.
struct Feed {
    samples: rtrb::Consumer<f32>,
    rate: u32,
    channels: usize,
}

struct Shared {
    state: AtomicU8,
    stop: AtomicBool,
    /// Samples the callback could not queue because the reader fell behind.
    overflowed: AtomicU64,
    /// Time of the last callback, in ms since the device thread started.
    last_data_ms: AtomicU64,
}

/// Counters of an input, for stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InputCounters {
    /// Blocks played as silence because the device had not delivered enough.
    pub underruns: u64,
    /// Device frames thrown away to catch up after a stall.
    pub frames_skipped: u64,
    pub samples_overflowed: u64,
}

/// An open sound input. Dropping it closes the device.
pub struct AudioInput {
    shared: Arc<Shared>,
    /// Closes when the device thread ends.
    ended: Receiver<()>,
    feeds: Receiver<Feed>,
    reader: Option<Reader>,
    counters: InputCounters,
}

/// The audio thread's end: the queue, the resampler and scratch space sized once per feed.
struct Reader {
    feed: Feed,
    resampler: Async<f32>,
    /// Device frames, interleaved, as the resampler reads them.
    input: Vec<f32>,
    /// One block at 48 kHz per device channel, planar.
    output: Vec<f32>,
    /// Queue level (device frames) the reader steers toward: enough to ride out the device's
    /// burst size, small enough to keep latency low.
    target: usize,
    primed: bool,
    /// Smoothed queue level, so one burst does not swing the ratio.
    level: f64,
}

/// Queue level to keep, in seconds: above the 10-40 ms bursts PulseAudio and ALSA deliver.
const TARGET_LATENCY: f64 = 0.1;
/// Level beyond which the reader skips ahead instead of resampling slowly back.
const MAX_LATENCY: f64 = 0.5;
/// A live device that delivers nothing for this long is treated as gone and reopened.
const STALL_MS: u64 = 2000;
/// Largest ratio correction: 0.5 % is far beyond real clock drift and inaudible.
const MAX_CORRECTION: f64 = 1.005;

impl AudioInput {
    /// Opens the input whose id or name is `device` (the default input when `None`) on a thread
    /// of its own. A device that is missing or fails is retried every second meanwhile.
    pub fn open(device: Option<&str>) -> AudioInput {
        let shared = Arc::new(Shared {
            state: AtomicU8::new(InputState::Opening as u8),
            stop: AtomicBool::new(false),
            overflowed: AtomicU64::new(0),
            last_data_ms: AtomicU64::new(0),
        });
        let (feeds_tx, feeds) = unbounded();
        let wanted = device.map(str::to_string);
        let ended = device_thread::spawn("audio input", {
            let shared = shared.clone();
            move || input_thread(wanted.as_deref(), &shared, &feeds_tx)
        });
        AudioInput {
            shared,
            ended,
            feeds,
            reader: None,
            counters: InputCounters::default(),
        }
    }

    pub fn state(&self) -> InputState {
        match self.shared.state.load(Relaxed) {
            0 => InputState::Opening,
            1 => InputState::Live,
            _ => InputState::Disconnected,
        }
    }

    pub fn counters(&self) -> InputCounters {
        InputCounters {
            samples_overflowed: self.shared.overflowed.load(Relaxed),
            ..self.counters
        }
    }

    /// Fills `out` with the next block of sound at 48 kHz, or silence while the device has not
    /// delivered enough. Never blocks and, after the first block of a feed, never allocates.
    pub fn read(&mut self, out: &mut AudioBlock) {
        if let Some(feed) = self.feeds.try_iter().last() {
            match Reader::new(feed) {
                Ok(reader) => self.reader = Some(reader),
                Err(e) => tracing::error!("audio input: cannot resample: {e}"),
            }
        }
        out.clear();
        if let Some(reader) = &mut self.reader {
            reader.read(out, &mut self.counters);
        }
    }
}

impl Drop for AudioInput {
    fn drop(&mut self) {
        tracing::debug!("audio input closed: {:?}", self.counters());
        self.shared.stop.store(true, Relaxed);
        device_thread::join_briefly(&self.ended, "audio input");
    }
}

impl Reader {
    fn new(feed: Feed) -> Result<Reader, rubato::ResamplerConstructionError> {
        let resampler = Async::new_poly(
            SAMPLE_RATE as f64 / feed.rate as f64,
            MAX_CORRECTION,
            PolynomialDegree::Cubic,
            AUDIO_BLOCK,
            feed.channels,
            FixedAsync::Output,
        )?;
        let input = vec![0.0; resampler.input_frames_max() * feed.channels];
        let output = vec![0.0; AUDIO_BLOCK * feed.channels];
        let target = (feed.rate as f64 * TARGET_LATENCY) as usize;
        Ok(Reader {
            target,
            level: target as f64,
            feed,
            resampler,
            input,
            output,
            primed: false,
        })
    }

    fn read(&mut self, out: &mut AudioBlock, counters: &mut InputCounters) {
        let channels = self.feed.channels;
        let available = self.feed.samples.slots() / channels;
        if !self.primed {
            if available < self.target {
                return;
            }
            self.primed = true;
            self.level = available as f64;
        }
        let max = (self.feed.rate as f64 * MAX_LATENCY) as usize;
        if available > max {
            let skip = available - self.target;
            if let Ok(chunk) = self.feed.samples.read_chunk(skip * channels) {
                chunk.commit_all();
            }
            counters.frames_skipped += skip as u64;
            self.level = self.target as f64;
            return self.read(out, counters);
        }
        // Steer: a queue above the target means the device runs fast, so read more input per
        // output block (a lower ratio), and the other way round.
        self.level += (available as f64 - self.level) * 0.05;
        let error = (self.level - self.target as f64) / self.feed.rate as f64; // seconds
        let relative = (1.0 - error * 0.2).clamp(1.0 / MAX_CORRECTION, MAX_CORRECTION);
        let _ = self.resampler.set_resample_ratio_relative(relative, true);

        let need = self.resampler.input_frames_next();
        if available < need {
            counters.underruns += 1;
            self.primed = false;
            return;
        }
        let Ok(chunk) = self.feed.samples.read_chunk(need * channels) else {
            return;
        };
        let (a, b) = chunk.as_slices();
        self.input[..a.len()].copy_from_slice(a);
        self.input[a.len()..a.len() + b.len()].copy_from_slice(b);
        chunk.commit_all();

        let input = InterleavedSlice::new(&self.input[..], channels, need).expect("sized");
        let mut output =
            SequentialSlice::new_mut(&mut self.output[..], channels, AUDIO_BLOCK).expect("sized");
        if let Err(e) = self
            .resampler
            .process_into_buffer(&input, &mut output, None)
        {
            tracing::error!("audio input: resampling failed: {e}");
            return;
        }
        map_channels(&self.output, channels, out);
    }
}

/// Planar device channels to the engine's layout: equal counts copy, mono spreads to every
/// channel, stereo folds to mono by averaging, extra channels are left out.
fn map_channels(planar: &[f32], channels: usize, out: &mut AudioBlock) {
    let plane = |c: usize| &planar[c * AUDIO_BLOCK..(c + 1) * AUDIO_BLOCK];
    if out.channels == 1 && channels > 1 {
        let (l, r) = (plane(0), plane(1));
        for (o, (l, r)) in out.channel_mut(0).iter_mut().zip(l.iter().zip(r)) {
            *o = 0.5 * (l + r);
        }
        return;
    }
    for c in 0..out.channels {
        out.channel_mut(c)
            .copy_from_slice(plane(c.min(channels - 1)));
    }
}

fn input_thread(wanted: Option<&str>, shared: &Arc<Shared>, feeds: &Sender<Feed>) {
    let started = Instant::now();
    let mut reported = false;
    while !shared.stop.load(Relaxed) {
        match crate::quiet::quietly("opening a sound input", || {
            open_stream(wanted, shared, started)
        }) {
            Ok((stream, feed, failed)) => {
                tracing::info!(
                    "audio input {}: live at {} Hz, {} channels",
                    wanted.unwrap_or("(default)"),
                    feed.rate,
                    feed.channels
                );
                reported = false;
                if feeds.send(feed).is_err() {
                    return;
                }
                shared.state.store(InputState::Live as u8, Relaxed);
                shared
                    .last_data_ms
                    .store(started.elapsed().as_millis() as u64, Relaxed);
                // Watch for an error or a stall: a removed device may just stop calling back.
                while !shared.stop.load(Relaxed) && !failed.load(Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let silent_ms = (started.elapsed().as_millis() as u64)
                        .saturating_sub(shared.last_data_ms.load(Relaxed));
                    if silent_ms > STALL_MS {
                        break;
                    }
                }
                device_thread::close_aside(stream);
                if shared.stop.load(Relaxed) {
                    return;
                }
                tracing::warn!(
                    "audio input {}: lost; retrying every second",
                    wanted.unwrap_or("(default)")
                );
                shared.state.store(InputState::Disconnected as u8, Relaxed);
            }
            Err(e) => {
                if !reported {
                    tracing::warn!("{e}; retrying every second");
                    reported = true;
                }
                shared.state.store(InputState::Disconnected as u8, Relaxed);
                if !device_thread::wait_to_retry(&shared.stop) {
                    return;
                }
            }
        }
    }
}

/// The device whose id or name is `wanted`, or the default input.
fn find_device(wanted: Option<&str>) -> Option<cpal::Device> {
    let host = cpal::default_host();
    let Some(wanted) = wanted else {
        return host.default_input_device();
    };
    host.input_devices().ok()?.find(|d| {
        d.id().is_ok_and(|id| id.to_string() == wanted)
            || d.description().is_ok_and(|desc| desc.name() == wanted)
    })
}

type Opened = (cpal::Stream, Feed, Arc<AtomicBool>);

fn open_stream(
    wanted: Option<&str>,
    shared: &Arc<Shared>,
    started: Instant,
) -> Result<Opened, CaptureError> {
    let name = wanted.unwrap_or("default input").to_string();
    let device = find_device(wanted).ok_or_else(|| CaptureError::NoSuchInput(name.clone()))?;
    let config = device
        .default_input_config()
        .map_err(|e| CaptureError::Open(name.clone(), e.to_string()))?;
    let channels = config.channels() as usize;
    let rate = config.sample_rate();
    // One second of room: the reader drains every 21 ms, so this only fills if it stops.
    let (producer, consumer) = rtrb::RingBuffer::new(rate as usize * channels);
    let failed = Arc::new(AtomicBool::new(false));
    let format = config.sample_format();
    let mut stream_config = config.config();
    // Ask for 10 ms periods: left alone, ALSA's PulseAudio plugin calls back every 16 frames.
    if let cpal::SupportedBufferSize::Range { min, max } = config.buffer_size() {
        stream_config.buffer_size = cpal::BufferSize::Fixed((rate / 100).clamp(*min, *max));
    }
    let sink = Sink {
        producer,
        shared: shared.clone(),
        started,
    };
    let stream = match format {
        SampleFormat::F32 => build::<f32>(&device, &stream_config, sink, failed.clone()),
        SampleFormat::I16 => build::<i16>(&device, &stream_config, sink, failed.clone()),
        SampleFormat::I32 => build::<i32>(&device, &stream_config, sink, failed.clone()),
        SampleFormat::U16 => build::<u16>(&device, &stream_config, sink, failed.clone()),
        SampleFormat::U8 => build::<u8>(&device, &stream_config, sink, failed.clone()),
        other => {
            return Err(CaptureError::Open(
                name,
                format!("sample format {other} is not supported"),
            ))
        }
    }
    .map_err(|e| CaptureError::Open(name.clone(), e.to_string()))?;
    stream
        .play()
        .map_err(|e| CaptureError::Open(name, e.to_string()))?;
    Ok((
        stream,
        Feed {
            samples: consumer,
            rate,
            channels,
        },
        failed,
    ))
}

/// The callback's end of the queue.
struct Sink {
    producer: rtrb::Producer<f32>,
    shared: Arc<Shared>,
    started: Instant,
}

fn build<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    mut sink: Sink,
    failed: Arc<AtomicBool>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    device.build_input_stream::<T, _, _>(
        *config,
        move |data: &[T], _| {
            let shared = &sink.shared;
            tracing::trace!("audio input callback: {} samples", data.len());
            shared
                .last_data_ms
                .store(sink.started.elapsed().as_millis() as u64, Relaxed);
            let room = sink.producer.slots().min(data.len());
            if room < data.len() {
                shared
                    .overflowed
                    .fetch_add((data.len() - room) as u64, Relaxed);
            }
            if let Ok(mut chunk) = sink.producer.write_chunk(room) {
                let (a, b) = chunk.as_mut_slices();
                for (slot, v) in a.iter_mut().chain(b.iter_mut()).zip(data) {
                    *slot = v.to_sample::<f32>();
                }
                chunk.commit_all();
            }
        },
        move |e| {
            tracing::warn!("audio input: {e}");
            failed.store(true, Relaxed);
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_folds_to_mono_and_mono_spreads() {
        let mut planar = vec![0.0; 2 * AUDIO_BLOCK];
        planar[..AUDIO_BLOCK].fill(0.5);
        planar[AUDIO_BLOCK..].fill(0.1);
        let mut mono = AudioBlock::silent(1);
        map_channels(&planar, 2, &mut mono);
        assert!(mono.channel(0).iter().all(|v| (v - 0.3).abs() < 1e-6));
        let mut stereo = AudioBlock::silent(2);
        map_channels(&planar[..AUDIO_BLOCK], 1, &mut stereo);
        assert!(stereo.data.iter().all(|v| *v == 0.5));
    }

    #[test]
    fn reader_resamples_44k1_to_48k_and_keeps_the_pitch() {
        let (mut producer, consumer) = rtrb::RingBuffer::new(44_100);
        let mut reader = Reader::new(Feed {
            samples: consumer,
            rate: 44_100,
            channels: 1,
        })
        .unwrap();
        // 0.2 s of 1 kHz at 44.1 kHz: below the skip-ahead level, enough for 8 blocks.
        let step = std::f64::consts::TAU * 1000.0 / 44_100.0;
        for n in 0..8_820 {
            producer
                .push(((n as f64 * step).sin() * 0.5) as f32)
                .unwrap();
        }
        let mut counters = InputCounters::default();
        let mut out = AudioBlock::silent(1);
        let mut crossings = 0;
        let mut total = 0;
        for _ in 0..8 {
            reader.read(&mut out, &mut counters);
            let ch = out.channel(0);
            total += ch.len();
            crossings += ch.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        }
        // 8 blocks at 48 kHz = 170.7 ms: about 170 cycles of 1 kHz.
        let hz = crossings as f64 * SAMPLE_RATE as f64 / total as f64;
        assert!((hz - 1000.0).abs() < 15.0, "{hz} Hz");
        assert_eq!(counters.underruns, 0);
    }
}
