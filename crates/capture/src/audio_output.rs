//! The monitoring output: what the operator hears in headphones. The audio thread pushes each
//! mixed monitor block into a lock-free queue; the output device's callback plays from it and
//! fills any shortfall with silence, so a slow or missing output never holds the mix up. The
//! device is opened at 48 kHz (every PulseAudio, PipeWire, CoreAudio and WASAPI output takes
//! it) on a thread of its own and reopened every second when it fails.

use crate::{device_thread, CaptureError};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use crossbeam_channel::Receiver;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};

/// Sound queued for the device beyond this is dropped: monitoring must stay close to live.
const MAX_QUEUED: f64 = 0.2;
/// Sound held before playing starts, and again after the queue ran dry: the mix arrives in
/// 21 ms blocks on a thread that a busy machine can delay, and the device asks every 10 ms, so
/// without a margin each late block would be a click of silence.
const PRIME: usize = 2 * AUDIO_BLOCK * 2;

/// The device callback's side of the queue: a small jitter buffer in front of the device.
struct Playout {
    /// Playing from the queue; false until `prime` samples are queued.
    primed: bool,
    prime: usize,
    /// Interleaved samples beyond which the oldest are dropped.
    limit: usize,
}

impl Playout {
    fn new(prime: usize) -> Playout {
        Playout {
            primed: false,
            prime,
            limit: (SAMPLE_RATE as f64 * MAX_QUEUED) as usize * 2,
        }
    }

    /// Fills one device buffer from the queue, with silence while priming or short.
    fn fill(&mut self, consumer: &mut rtrb::Consumer<f32>, out: &mut [f32]) {
        let queued = consumer.slots();
        // Too much queued (the device stalled): drop the oldest to stay near live.
        if queued > self.limit + out.len() {
            if let Ok(chunk) = consumer.read_chunk(queued - self.limit) {
                chunk.commit_all();
            }
        }
        self.primed |= consumer.slots() >= self.prime;
        let take = if self.primed {
            consumer.slots().min(out.len())
        } else {
            0
        };
        if let Ok(chunk) = consumer.read_chunk(take) {
            let (a, b) = chunk.as_slices();
            out[..a.len()].copy_from_slice(a);
            out[a.len()..take].copy_from_slice(b);
            chunk.commit_all();
        }
        if take < out.len() {
            // Ran dry: hold the next sound until the margin is back.
            self.primed = false;
            out[take..].fill(0.0);
        }
    }
}

struct Shared {
    stop: AtomicBool,
    /// The producer end of the current device's queue; replaced on every (re)open.
    queue: Mutex<Option<rtrb::Producer<f32>>>,
    /// Samples dropped because the device did not take them in time.
    dropped: AtomicU64,
}

/// An open monitoring output. Dropping it closes the device.
pub struct AudioOutput {
    shared: Arc<Shared>,
    ended: Receiver<()>,
    /// Interleaving scratch, sized once.
    interleaved: Vec<f32>,
}

impl AudioOutput {
    /// Opens the system's default output (where the operator's headphones are).
    pub fn open_default() -> AudioOutput {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            queue: Mutex::new(None),
            dropped: AtomicU64::new(0),
        });
        let ended = device_thread::spawn("audio output", {
            let shared = shared.clone();
            move || output_thread(&shared)
        });
        AudioOutput {
            shared,
            ended,
            interleaved: Vec::new(),
        }
    }

    /// Queues one block for the device; never blocks.
    pub fn write(&mut self, block: &AudioBlock) {
        let mut queue = self.shared.queue.lock().unwrap();
        let Some(producer) = queue.as_mut() else {
            return;
        };
        self.interleaved.clear();
        for i in 0..AUDIO_BLOCK {
            // The device is stereo: a mono mix goes to both sides.
            for c in 0..2 {
                self.interleaved
                    .push(block.channel(c.min(block.channels - 1))[i]);
            }
        }
        let room = producer.slots().min(self.interleaved.len());
        if room < self.interleaved.len() {
            self.shared
                .dropped
                .fetch_add((self.interleaved.len() - room) as u64, Relaxed);
        }
        if let Ok(mut chunk) = producer.write_chunk(room) {
            let (a, b) = chunk.as_mut_slices();
            let (first, second) = self.interleaved[..room].split_at(a.len());
            a.copy_from_slice(first);
            b.copy_from_slice(second);
            chunk.commit_all();
        };
    }
}

impl Drop for AudioOutput {
    fn drop(&mut self) {
        tracing::debug!(
            "audio output closed; {} samples dropped",
            self.shared.dropped.load(Relaxed)
        );
        self.shared.stop.store(true, Relaxed);
        device_thread::join_briefly(&self.ended, "audio output");
    }
}

fn open_output(shared: &Shared) -> Result<(cpal::Stream, Arc<AtomicBool>), CaptureError> {
    let name = "default output".to_string();
    let device = cpal::default_host()
        .default_output_device()
        .ok_or_else(|| CaptureError::NoSuchOutput(name.clone()))?;
    let config = cpal::StreamConfig {
        channels: 2,
        sample_rate: SAMPLE_RATE,
        buffer_size: cpal::BufferSize::Fixed(SAMPLE_RATE / 100),
    };
    // Room for the largest backlog allowed, plus a block.
    let capacity = ((SAMPLE_RATE as f64 * MAX_QUEUED) as usize + AUDIO_BLOCK) * 2;
    let (producer, mut consumer) = rtrb::RingBuffer::<f32>::new(capacity);
    let failed = Arc::new(AtomicBool::new(false));
    let mut playout = Playout::new(PRIME);
    let stream = device
        .build_output_stream::<f32, _, _>(
            config,
            move |out: &mut [f32], _| playout.fill(&mut consumer, out),
            {
                let failed = failed.clone();
                move |e| {
                    tracing::warn!("audio output: {e}");
                    failed.store(true, Relaxed);
                }
            },
            None,
        )
        .map_err(|e| CaptureError::Open(name.clone(), e.to_string()))?;
    stream
        .play()
        .map_err(|e| CaptureError::Open(name, e.to_string()))?;
    *shared.queue.lock().unwrap() = Some(producer);
    Ok((stream, failed))
}

fn output_thread(shared: &Shared) {
    let mut reported = false;
    while !shared.stop.load(Relaxed) {
        match crate::quiet::quietly("opening the sound output", || open_output(shared)) {
            Ok((stream, failed)) => {
                reported = false;
                while !shared.stop.load(Relaxed) && !failed.load(Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                }
                *shared.queue.lock().unwrap() = None;
                device_thread::close_aside(stream);
            }
            Err(e) => {
                if !reported {
                    tracing::warn!("monitoring: {e}; retrying every second");
                    reported = true;
                }
            }
        }
        if !device_thread::wait_to_retry(&shared.stop) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays 4 s of blocks that reach the queue up to 17 ms late to a device asking every
    /// 10 ms; returns the interleaved samples heard after the first sound.
    fn play_late_blocks(prime: usize) -> Vec<f32> {
        let (mut producer, mut consumer) = rtrb::RingBuffer::<f32>::new(48_000);
        let mut playout = Playout::new(prime);
        let period = SAMPLE_RATE as usize / 100;
        let mut heard = Vec::new();
        let mut next = 0usize;
        for tick in 1..=400 {
            let now = tick * period;
            // Block k is mixed at k * AUDIO_BLOCK frames and delivered 0 to 800 frames late.
            while next * AUDIO_BLOCK + (next * 7 % 5) * 200 <= now {
                for _ in 0..AUDIO_BLOCK * 2 {
                    producer.push(1.0).unwrap();
                }
                next += 1;
            }
            let mut out = vec![f32::NAN; period * 2];
            playout.fill(&mut consumer, &mut out);
            heard.extend(out);
        }
        let start = heard.iter().position(|&v| v == 1.0).unwrap();
        heard.split_off(start)
    }

    #[test]
    fn late_blocks_play_without_gaps_once_primed() {
        let gaps = |heard: &[f32]| heard.iter().filter(|&&v| v != 1.0).count();
        assert!(
            gaps(&play_late_blocks(0)) > 0,
            "unprimed, late blocks leave gaps"
        );
        let heard = play_late_blocks(PRIME);
        assert_eq!(gaps(&heard), 0, "primed, no silence once playing");
        assert!(heard.len() > 3 * 48_000 * 2, "{} samples", heard.len());
    }
}
