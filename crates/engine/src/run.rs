//! The threads of a running engine and how they stop.
//!
//! ```text
//! video thread --(frame pool, 3)--> video encoder thread --\
//!                                                           +--> FanOut --> sink threads
//! audio thread --(block pool, 16)-> audio encoder thread --/
//! ```
//! Both producers are paced by the master clock and never block on a consumer: without a free
//! buffer the frame or block is counted and skipped. The engine ends at a clock time (`end`), so
//! video and audio stop at the same instant and the recording's streams have equal length.

use crate::active_scene::{SceneAudio, SceneVideo};
use crate::{ActiveScene, EngineError, EngineStats, StatsSnapshot};
use crossbeam_channel::{bounded, Receiver, Sender};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_compositor::Compositor;
use streamwerk_encode::{
    copy_planes, ffmpeg, AudioEncoder, EncodeError, EncodedPacket, StreamKind, VideoEncoder,
};
use streamwerk_media::{AudioBlock, MasterClock, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_outputs::{
    start_destination, start_recording, DestinationSpec, DestinationStatus, FanOut, OutputError,
    SinkStats, SinkStatsSnapshot,
};
use streamwerk_scene::{Collection, Profile, RecordingFormat};

/// Frames that can be between the video thread and x264 at once.
const FRAME_POOL: usize = 3;
/// Audio blocks that can be between the audio thread and the AAC encoder (about 340 ms).
const BLOCK_POOL: usize = 16;

/// What to run.
pub struct EngineConfig {
    pub collection: Collection,
    pub scene: String,
    pub profile: Profile,
    pub recordings: Vec<(PathBuf, RecordingFormat)>,
    /// Streaming destinations; each connects in parallel and reconnects on its own.
    pub destinations: Vec<DestinationSpec>,
    /// Stop by itself after this long.
    pub duration: Option<Duration>,
}

/// State the threads share.
struct Shared {
    clock: MasterClock,
    /// Clock time (ns) at which the program ends; u64::MAX while it runs open-ended.
    end_ns: AtomicU64,
    stats: EngineStats,
    failure: Mutex<Option<EngineError>>,
}

impl Shared {
    fn ended(&self, at: Duration) -> bool {
        at.as_nanos() as u64 >= self.end_ns.load(Relaxed)
    }

    fn stop_now(&self) {
        self.end_ns
            .fetch_min(self.clock.elapsed().as_nanos() as u64, Relaxed);
    }

    fn fail(&self, error: EngineError) {
        tracing::error!("{error}");
        self.failure.lock().unwrap().get_or_insert(error);
        self.stop_now();
    }
}

/// A running engine. Dropping it without [`Engine::wait`] detaches the threads.
pub struct Engine {
    shared: Arc<Shared>,
    producers: Vec<JoinHandle<()>>,
    encoders: Vec<JoinHandle<()>>,
    sinks: Vec<SinkThread>,
    last: Mutex<Option<StatsSnapshot>>,
}

/// A sink's thread and the counters it keeps, which outlive the fan-out.
struct SinkThread {
    name: String,
    stats: Arc<SinkStats>,
    destination: Option<Arc<DestinationStatus>>,
    /// Taken when joined, so the counters can be read after the thread ends.
    thread: Option<JoinHandle<Result<(), OutputError>>>,
}

impl SinkThread {
    fn snapshot(&self) -> SinkStatsSnapshot {
        let mut snapshot = self.stats.snapshot(&self.name);
        snapshot.destination = self.destination.as_ref().map(|d| d.snapshot());
        snapshot
    }
}

impl Engine {
    /// Opens sources, encoders and sinks, then starts the clock and the threads. Everything
    /// that can fail on bad input fails here, before anything is written.
    pub fn start(config: EngineConfig) -> Result<Engine, EngineError> {
        let EngineConfig {
            collection,
            scene,
            profile,
            recordings,
            destinations,
            duration,
        } = config;
        let canvas = collection.canvas;
        let ActiveScene { video, audio } = ActiveScene::open(&collection, &scene)?;
        let mut video_encoder =
            VideoEncoder::open(canvas.width, canvas.height, canvas.fps, &profile.video)?;
        let audio_encoder =
            AudioEncoder::open(collection.audio.channels, profile.audio.bitrate_kbps)?;
        let streams = [video_encoder.info().clone(), audio_encoder.info().clone()];

        let mut feeds = Vec::new();
        let mut sinks = Vec::new();
        for (path, format) in &recordings {
            let recording = start_recording(path, *format, &streams)?;
            sinks.push(SinkThread {
                name: recording.feed.name.clone(),
                stats: recording.feed.stats.clone(),
                destination: None,
                thread: Some(recording.thread),
            });
            feeds.push(recording.feed);
        }
        for spec in destinations {
            let destination = start_destination(spec, &streams)?;
            sinks.push(SinkThread {
                name: destination.feed.name.clone(),
                stats: destination.feed.stats.clone(),
                destination: Some(destination.status),
                thread: Some(destination.thread),
            });
            feeds.push(destination.feed);
        }
        let fanout = Arc::new(FanOut::new(feeds));

        let (frame_pool_tx, frame_pool_rx) = bounded(FRAME_POOL);
        for _ in 0..FRAME_POOL {
            frame_pool_tx
                .send(video_encoder.new_frame())
                .expect("pool has room");
        }
        let (block_pool_tx, block_pool_rx) = bounded(BLOCK_POOL);
        for _ in 0..BLOCK_POOL {
            block_pool_tx
                .send(AudioBlock::silent(collection.audio.channels as usize))
                .expect("pool has room");
        }
        let (frames_tx, frames_rx) = bounded(FRAME_POOL);
        let (blocks_tx, blocks_rx) = bounded(BLOCK_POOL);

        let shared = Arc::new(Shared {
            clock: MasterClock::start(),
            end_ns: AtomicU64::new(duration.map_or(u64::MAX, |d| d.as_nanos() as u64)),
            stats: EngineStats::default(),
            failure: Mutex::new(None),
        });
        let compositor = Compositor::new(canvas.width, canvas.height);
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .expect("spawning a thread")
        };
        let producers = vec![
            spawn("video", {
                let shared = shared.clone();
                Box::new(move || video_thread(&shared, video, compositor, frame_pool_rx, frames_tx))
            }),
            spawn("audio", {
                let shared = shared.clone();
                Box::new(move || audio_thread(&shared, audio, block_pool_rx, blocks_tx))
            }),
        ];
        let encoders = vec![
            spawn("encode-video", {
                let (shared, fanout) = (shared.clone(), fanout.clone());
                Box::new(move || {
                    let result = (|| {
                        for (mut frame, pts) in frames_rx {
                            video_encoder
                                .encode(&mut frame, pts, &mut |p| publish(&shared, &fanout, p))?;
                            // The pool outlives this loop unless the video thread ended early.
                            let _ = frame_pool_tx.send(frame);
                        }
                        video_encoder.finish(&mut |p| publish(&shared, &fanout, p))
                    })();
                    if let Err(e) = result {
                        shared.fail(e.into());
                    }
                })
            }),
            spawn("encode-audio", {
                let shared = shared.clone();
                Box::new(move || {
                    let mut encoder = audio_encoder;
                    let result: Result<(), EncodeError> = (|| {
                        for (block, pts) in blocks_rx {
                            encoder.encode(&block, pts, &mut |p| publish(&shared, &fanout, p))?;
                            let _ = block_pool_tx.send(block);
                        }
                        encoder.finish(&mut |p| publish(&shared, &fanout, p))
                    })();
                    if let Err(e) = result {
                        shared.fail(e.into());
                    }
                })
            }),
        ];
        Ok(Engine {
            shared,
            producers,
            encoders,
            sinks,
            last: Mutex::new(None),
        })
    }

    /// Ends the program now: video and audio stop at the same clock time, encoders flush and
    /// every recording is finalised.
    pub fn stop(&self) {
        self.shared.stop_now();
    }

    /// True once the video and audio threads have ended (duration reached, stopped, failed).
    pub fn is_finished(&self) -> bool {
        self.producers.iter().all(JoinHandle::is_finished)
    }

    /// Counters now, with rates since the previous call.
    pub fn stats(&self) -> StatsSnapshot {
        let mut last = self.last.lock().unwrap();
        let sinks = self.sinks.iter().map(SinkThread::snapshot).collect();
        let snapshot = self.shared.stats.snapshot(
            self.shared.clock.elapsed().as_secs_f64(),
            last.as_ref(),
            sinks,
        );
        *last = Some(snapshot.clone());
        snapshot
    }

    /// Waits for every thread, in pipeline order, and returns the final counters or the first
    /// failure. Recordings are finalised either way.
    pub fn wait(self) -> Result<StatsSnapshot, EngineError> {
        for handle in self.producers.into_iter().chain(self.encoders) {
            if handle.join().is_err() {
                self.shared.fail(EngineError::Panicked);
            }
        }
        // The encoder threads held the fan-out; with them gone the sink queues close.
        let mut sink_error = None;
        let mut sinks = Vec::new();
        for mut sink in self.sinks {
            let thread = sink.thread.take().expect("each sink is joined once");
            match thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    sink_error.get_or_insert(e);
                }
                Err(_) => {
                    sink_error.get_or_insert(OutputError::Panicked);
                }
            }
            sinks.push(sink.snapshot());
        }
        if let Some(e) = self.shared.failure.lock().unwrap().take() {
            return Err(e);
        }
        if let Some(e) = sink_error {
            return Err(e.into());
        }
        let elapsed = self.shared.clock.elapsed().as_secs_f64();
        Ok(self.shared.stats.snapshot(elapsed, None, sinks))
    }
}

fn publish(shared: &Shared, fanout: &FanOut, packet: EncodedPacket) {
    let stats = &shared.stats;
    match packet.kind {
        StreamKind::Video => {
            stats.frames_encoded.fetch_add(1, Relaxed);
            stats.video_bytes.fetch_add(packet.size() as u64, Relaxed);
        }
        StreamKind::Audio => {
            stats.audio_bytes.fetch_add(packet.size() as u64, Relaxed);
        }
    }
    fanout.publish(packet);
}

fn video_thread(
    shared: &Shared,
    mut scene: SceneVideo,
    mut compositor: Compositor,
    pool: Receiver<ffmpeg::frame::Video>,
    frames: Sender<(ffmpeg::frame::Video, i64)>,
) {
    let fps = scene.fps();
    let frame_ns = 1_000_000_000 / fps as u64;
    let stats = &shared.stats;
    let mut index = 0u64;
    loop {
        let at = Duration::from_nanos(index * 1_000_000_000 / fps as u64);
        if shared.ended(at) {
            break;
        }
        shared.clock.sleep_until(at);
        let late = shared.clock.elapsed().saturating_sub(at).as_nanos() as u64;
        if late >= frame_ns {
            // Whole frame periods missed: count them and render the current one instead.
            let missed = late / frame_ns;
            stats.frames_lagged.fetch_add(missed, Relaxed);
            index += missed;
            continue;
        }
        let started = std::time::Instant::now();
        scene.compose(index, &mut compositor);
        let took = started.elapsed().as_nanos() as u64;
        stats.frames_rendered.fetch_add(1, Relaxed);
        stats.compose_ns.fetch_add(took, Relaxed);
        stats.compose_ns_max.fetch_max(took, Relaxed);
        match pool.try_recv() {
            Ok(mut frame) => {
                copy_planes(compositor.i420(), &mut frame);
                if frames.send((frame, index as i64)).is_err() {
                    break; // the encoder failed and is gone
                }
            }
            Err(_) => {
                stats.frames_skipped.fetch_add(1, Relaxed);
            }
        }
        index += 1;
    }
}

fn audio_thread(
    shared: &Shared,
    mut scene: SceneAudio,
    pool: Receiver<AudioBlock>,
    blocks: Sender<(AudioBlock, i64)>,
) {
    let stats = &shared.stats;
    let mut start = 0u64;
    loop {
        // The block whose middle passes the end is the last one, so audio ends within half a
        // block (11 ms) of video.
        let middle = Duration::from_nanos(
            (start + AUDIO_BLOCK as u64 / 2) * 1_000_000_000 / SAMPLE_RATE as u64,
        );
        if shared.ended(middle) {
            break;
        }
        // A block is complete once its last sample's time has come.
        let complete =
            Duration::from_nanos((start + AUDIO_BLOCK as u64) * 1_000_000_000 / SAMPLE_RATE as u64);
        shared.clock.sleep_until(complete);
        match pool.try_recv() {
            Ok(mut block) => {
                scene.mix(start, &mut block);
                if blocks.send((block, start as i64)).is_err() {
                    break;
                }
                stats.audio_blocks.fetch_add(1, Relaxed);
            }
            Err(_) => {
                stats.audio_dropped.fetch_add(1, Relaxed);
            }
        }
        start += AUDIO_BLOCK as u64;
    }
}
