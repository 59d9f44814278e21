//! An output session: the program encoded once (x264 + AAC) and fanned out to recordings and
//! destinations, which join and leave while it runs. It starts at the next frame of a running
//! program, so its timestamps start at zero, and ends when it is stopped or its duration ends.
//!
//! ```text
//! video thread --(frame pool, 3)--> encode-video --\
//!                                                   +--> FanOut --> sink threads
//! audio thread --(block pool, 16)-> encode-audio --/
//! ```

use crate::program::{Program, ProgramShared};
use crate::stats::UPLINK_WINDOW_S;
use crate::{EngineError, EngineStats, StatsSnapshot};
use crossbeam_channel::{bounded, Receiver, Sender};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_encode::{
    ffmpeg, AudioEncoder, EncodeError, EncodedPacket, StreamInfo, StreamKind, VideoEncoder,
};
use streamwerk_media::{AudioBlock, SAMPLE_RATE};
use streamwerk_outputs::{
    start_destination, start_recording, DelayLine, DestinationSpec, DestinationStatus, FanOut,
    Markers, OutputError, ReplayBuffer, SavedReplay, SinkFeed, SinkStats, SinkStatsSnapshot,
    MAX_DELAY, MAX_REPLAY,
};
use streamwerk_scene::{AudioEncoderSettings, RecordingFormat, VideoEncoderSettings};

/// Frames that can be between the video thread and x264 at once.
const FRAME_POOL: usize = 3;
/// Audio blocks that can be between the audio thread and the AAC encoder (about 340 ms).
const BLOCK_POOL: usize = 16;

/// What a session encodes with and where it sends it first.
pub struct SessionConfig {
    pub video: VideoEncoderSettings,
    pub audio: AudioEncoderSettings,
    pub recordings: Vec<(PathBuf, RecordingFormat)>,
    /// Streaming destinations; each connects in parallel and reconnects on its own.
    pub destinations: Vec<DestinationSpec>,
    /// End by itself after this long.
    pub duration: Option<Duration>,
    /// How long the destinations' packets are held (up to [`MAX_DELAY`]); recordings are not
    /// delayed. Zero: none.
    pub delay: Duration,
    /// Keep the last this long of the program for "save replay" (up to [`MAX_REPLAY`]).
    pub replay_buffer: Option<Duration>,
}

/// State the session's threads and the program's taps share.
pub(crate) struct SessionShared {
    program: Arc<ProgramShared>,
    /// Program clock time (ns) of the session's first frame.
    start_ns: u64,
    /// Program clock time (ns) at which the session ends; u64::MAX while it runs open-ended.
    end_ns: AtomicU64,
    stats: EngineStats,
    failure: Mutex<Option<EngineError>>,
}

impl SessionShared {
    pub(crate) fn ended(&self, at: Duration) -> bool {
        at.as_nanos() as u64 >= self.end_ns.load(Relaxed)
    }

    fn fail(&self, error: EngineError) {
        tracing::error!("{error}");
        self.failure.lock().unwrap().get_or_insert(error);
        self.end_ns
            .fetch_min(self.program.clock.elapsed().as_nanos() as u64, Relaxed);
    }
}

/// The video thread's end of a session: a pool of encoder frames and the encoder's queue.
pub(crate) struct VideoTap {
    pub session: Arc<SessionShared>,
    first_index: u64,
    pool: Receiver<ffmpeg::frame::Video>,
    frames: Sender<(ffmpeg::frame::Video, i64)>,
}

impl VideoTap {
    /// Hands frame `index` to the encoder, filled by `fill`; without a free frame it is
    /// counted as skipped. False once the encoder is gone.
    pub fn offer(&self, index: u64, fill: impl FnOnce(&mut ffmpeg::frame::Video)) -> bool {
        if index < self.first_index {
            return true;
        }
        match self.pool.try_recv() {
            Ok(mut frame) => {
                fill(&mut frame);
                self.frames
                    .send((frame, (index - self.first_index) as i64))
                    .is_ok()
            }
            Err(_) => {
                self.session.stats.frames_skipped.fetch_add(1, Relaxed);
                true
            }
        }
    }
}

/// The audio thread's end of a session.
pub(crate) struct AudioTap {
    pub session: Arc<SessionShared>,
    first_sample: u64,
    pool: Receiver<AudioBlock>,
    blocks: Sender<(AudioBlock, i64)>,
}

impl AudioTap {
    /// Hands the block starting at `start` to the encoder, mixed by `mix`; false once the
    /// encoder is gone.
    pub fn offer(&self, start: u64, mix: impl FnOnce(&mut AudioBlock)) -> bool {
        if start < self.first_sample {
            return true;
        }
        match self.pool.try_recv() {
            Ok(mut block) => {
                mix(&mut block);
                self.blocks
                    .send((block, (start - self.first_sample) as i64))
                    .is_ok()
            }
            Err(_) => {
                self.session.stats.audio_dropped.fetch_add(1, Relaxed);
                true
            }
        }
    }
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

    /// Waits for the thread (once) and returns how it ended.
    fn join(&mut self) -> Result<(), OutputError> {
        match self.thread.take().map(JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err(OutputError::Panicked),
        }
    }
}

/// A running output session.
pub struct Session {
    shared: Arc<SessionShared>,
    streams: [StreamInfo; 2],
    fanout: Arc<FanOut>,
    /// The destinations' fan-out: `fanout` itself, or behind the stream delay.
    destinations: Arc<FanOut>,
    delay: Option<(Arc<DelayLine>, JoinHandle<()>)>,
    /// (sink name, markers) of each recording.
    markers: Mutex<Vec<(String, Markers)>>,
    /// (sink name, buffer) while a replay buffer runs.
    replay: Mutex<Option<(String, Arc<ReplayBuffer>)>>,
    encoders: Vec<JoinHandle<()>>,
    sinks: Mutex<Vec<SinkThread>>,
    /// The snapshots of the last [`UPLINK_WINDOW_S`], oldest first: rates since the previous
    /// one, uplinks judged over the window.
    history: Mutex<VecDeque<StatsSnapshot>>,
}

impl Program {
    /// Opens the encoders and the first sinks and starts encoding at the next frame.
    /// Everything that can fail on bad input fails here, before anything is written.
    pub fn start_session(&self, config: SessionConfig) -> Result<Session, EngineError> {
        if config.delay > MAX_DELAY {
            return Err(EngineError::DelayTooLong {
                asked_s: config.delay.as_secs_f64(),
                most_s: MAX_DELAY.as_secs(),
            });
        }
        let program = self.shared.clone();
        let canvas = program.canvas;
        let mut video_encoder =
            VideoEncoder::open(canvas.width, canvas.height, canvas.fps, &config.video)?;
        let audio_encoder = AudioEncoder::open(program.channels, config.audio.bitrate_kbps)?;
        let streams = [video_encoder.info().clone(), audio_encoder.info().clone()];

        let (frame_pool_tx, frame_pool_rx) = bounded(FRAME_POOL);
        for _ in 0..FRAME_POOL {
            frame_pool_tx
                .send(video_encoder.new_frame())
                .expect("pool has room");
        }
        let (block_pool_tx, block_pool_rx) = bounded(BLOCK_POOL);
        for _ in 0..BLOCK_POOL {
            block_pool_tx
                .send(AudioBlock::silent(program.channels as usize))
                .expect("pool has room");
        }
        let (frames_tx, frames_rx) = bounded(FRAME_POOL);
        let (blocks_tx, blocks_rx) = bounded(BLOCK_POOL);

        // Start at the next whole frame, and the audio at the same instant.
        let fps = canvas.fps as u64;
        let now = program.clock.elapsed().as_nanos() as u64;
        let first_index = (now * fps).div_ceil(1_000_000_000) + 1;
        let start_ns = first_index * 1_000_000_000 / fps;
        let first_sample = first_index * SAMPLE_RATE as u64 / fps;
        let end_ns = config
            .duration
            .map_or(u64::MAX, |d| start_ns + d.as_nanos() as u64);
        let shared = Arc::new(SessionShared {
            program,
            start_ns,
            end_ns: AtomicU64::new(end_ns),
            stats: EngineStats::default(),
            failure: Mutex::new(None),
        });

        let fanout = Arc::new(FanOut::new(Vec::new()));
        let (destinations, delay) = if config.delay.is_zero() {
            (fanout.clone(), None)
        } else {
            let destinations = Arc::new(FanOut::new(Vec::new()));
            let line = DelayLine::start(config.delay, destinations.clone(), fanout.keyframes());
            (destinations, Some(line))
        };
        let session = Session {
            shared: shared.clone(),
            streams,
            fanout,
            destinations,
            delay,
            markers: Mutex::new(Vec::new()),
            replay: Mutex::new(None),
            encoders: Vec::new(),
            sinks: Mutex::new(Vec::new()),
            history: Mutex::new(VecDeque::new()),
        };
        for (path, format) in config.recordings {
            session.add_recording(&path, format)?;
        }
        for spec in config.destinations {
            session.add_destination(spec)?;
        }
        if let Some(keep) = config.replay_buffer {
            session.start_replay(keep)?;
        }
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .expect("spawning a thread")
        };
        let encoders = vec![
            spawn("encode-video", {
                let shared = shared.clone();
                let out = session.outlet();
                let keyframes = session.fanout.keyframes();
                Box::new(move || {
                    let result = (|| {
                        for (mut frame, pts) in frames_rx {
                            video_encoder.encode(&mut frame, pts, keyframes.take(), &mut |p| {
                                publish(&shared, &out, p)
                            })?;
                            // The pool outlives this loop unless the video thread ended early.
                            let _ = frame_pool_tx.send(frame);
                        }
                        video_encoder.finish(&mut |p| publish(&shared, &out, p))
                    })();
                    if let Err(e) = result {
                        shared.fail(e.into());
                    }
                })
            }),
            spawn("encode-audio", {
                let shared = shared.clone();
                let out = session.outlet();
                Box::new(move || {
                    let mut encoder = audio_encoder;
                    let result: Result<(), EncodeError> = (|| {
                        for (block, pts) in blocks_rx {
                            encoder.encode(&block, pts, &mut |p| publish(&shared, &out, p))?;
                            let _ = block_pool_tx.send(block);
                        }
                        encoder.finish(&mut |p| publish(&shared, &out, p))
                    })();
                    if let Err(e) = result {
                        shared.fail(e.into());
                    }
                })
            }),
        ];
        let _ = self.taps.send(VideoTap {
            session: shared.clone(),
            first_index,
            pool: frame_pool_rx,
            frames: frames_tx,
        });
        let _ = self.audio_taps.send(AudioTap {
            session: shared,
            first_sample,
            pool: block_pool_rx,
            blocks: blocks_tx,
        });
        Ok(Session {
            encoders,
            ..session
        })
    }
}

impl Session {
    /// Starts recording to `path`; a session already running joins it at the next keyframe.
    /// Returns the sink's name, as in stats.
    pub fn add_recording(
        &self,
        path: &std::path::Path,
        format: RecordingFormat,
    ) -> Result<String, EngineError> {
        self.record(path, format, &self.fanout)
    }

    /// Records what the destinations get, behind the stream delay (a panic's discarded seconds
    /// are missing from it as from the stream); None without a delay, where that is the
    /// program's recording.
    pub fn add_aired_recording(
        &self,
        path: &std::path::Path,
        format: RecordingFormat,
    ) -> Result<Option<String>, EngineError> {
        if self.delay.is_none() {
            return Ok(None);
        }
        self.record(path, format, &self.destinations).map(Some)
    }

    fn record(
        &self,
        path: &std::path::Path,
        format: RecordingFormat,
        fanout: &FanOut,
    ) -> Result<String, EngineError> {
        let recording = start_recording(path, format, &self.streams)?;
        let name = self.track(&recording.feed, None, recording.thread);
        fanout.add(recording.feed);
        self.markers
            .lock()
            .unwrap()
            .push((name.clone(), recording.markers));
        Ok(name)
    }

    /// Connects a destination (in the background); it streams from the next keyframe.
    /// Returns the sink's name, as in stats.
    pub fn add_destination(&self, spec: DestinationSpec) -> Result<String, EngineError> {
        let destination = start_destination(spec, &self.streams, self.fanout.keyframes())?;
        let name = self.track(
            &destination.feed,
            Some(destination.status),
            destination.thread,
        );
        self.destinations.add(destination.feed);
        Ok(name)
    }

    /// Keeps a sink's thread and counters; returns its name.
    fn track(
        &self,
        feed: &SinkFeed,
        destination: Option<Arc<DestinationStatus>>,
        thread: JoinHandle<Result<(), OutputError>>,
    ) -> String {
        let name = feed.name.clone();
        self.sinks.lock().unwrap().push(SinkThread {
            name: name.clone(),
            stats: feed.stats.clone(),
            destination,
            thread: Some(thread),
        });
        name
    }

    /// Where the encoders' packets go: the recordings' fan-out and the stream delay, if any.
    fn outlet(&self) -> Outlet {
        Outlet {
            fanout: self.fanout.clone(),
            delay: self.delay.as_ref().map(|(line, _)| line.clone()),
        }
    }

    /// How long the destinations' stream is held.
    pub fn delay(&self) -> Duration {
        self.delay
            .as_ref()
            .map_or(Duration::ZERO, |(line, _)| line.delay())
    }

    /// Throws away what the stream delay holds, so viewers never see it; destinations stay
    /// connected and resume at the next keyframe. The number of packets dropped (0 without a
    /// delay).
    pub fn discard_delayed(&self) -> usize {
        self.delay.as_ref().map_or(0, |(line, _)| line.discard())
    }

    /// Stops one sink: a recording is finalised, a destination disconnects. The others go on.
    /// Starts keeping the last `keep` of the program (from the next keyframe); a running
    /// buffer is replaced.
    pub fn start_replay(&self, keep: Duration) -> Result<(), EngineError> {
        if keep > MAX_REPLAY || keep.is_zero() {
            return Err(EngineError::ReplayTooLong {
                asked_s: keep.as_secs_f64(),
                most_s: MAX_REPLAY.as_secs(),
            });
        }
        self.stop_replay()?;
        let (buffer, feed, thread) = ReplayBuffer::start(keep, &self.streams);
        let name = self.track(&feed, None, thread);
        self.fanout.add(feed);
        *self.replay.lock().unwrap() = Some((name, buffer));
        Ok(())
    }

    /// Stops the replay buffer, if one runs, letting go of what it kept.
    pub fn stop_replay(&self) -> Result<(), EngineError> {
        let running = self.replay.lock().unwrap().take();
        match running {
            Some((name, _)) => self.remove_sink(&name),
            None => Ok(()),
        }
    }

    /// Writes the replay buffer to `path` (Matroska, from a keyframe).
    pub fn save_replay(&self, path: &std::path::Path) -> Result<SavedReplay, EngineError> {
        let buffer = self.replay.lock().unwrap().as_ref().map(|(_, b)| b.clone());
        Ok(buffer.ok_or(EngineError::NoReplayBuffer)?.save(path)?)
    }

    /// Marks this moment in every recording (a chapter, titled "Marker N" without a title);
    /// returns where, in seconds into the session, and how many recordings got it.
    pub fn add_marker(&self, title: Option<&str>) -> Result<(f64, usize), EngineError> {
        let at = self.elapsed_s();
        let markers = self.markers.lock().unwrap();
        for (_, recording) in markers.iter() {
            recording.add((at * 1000.0).round() as i64, title)?;
        }
        Ok((at, markers.len()))
    }

    pub fn remove_sink(&self, name: &str) -> Result<(), EngineError> {
        self.markers
            .lock()
            .unwrap()
            .retain(|(sink, _)| sink != name);
        if !self.fanout.remove(name) {
            self.destinations.remove(name);
        }
        let removed = {
            let mut sinks = self.sinks.lock().unwrap();
            let at = sinks.iter().position(|s| s.name == name);
            at.map(|i| sinks.remove(i))
        };
        match removed {
            Some(mut sink) => Ok(sink.join()?),
            None => Ok(()),
        }
    }

    /// A destination's status, for "reconnect now".
    pub fn destination(&self, name: &str) -> Option<Arc<DestinationStatus>> {
        let sinks = self.sinks.lock().unwrap();
        sinks
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.destination.clone())
    }

    /// Names of the sinks, as they appear in stats.
    pub fn sink_names(&self) -> Vec<String> {
        self.sinks
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// Ends the session at the program's next frame: encoders flush, recordings finalise.
    pub fn stop(&self) {
        let now = self.shared.program.clock.elapsed().as_nanos() as u64;
        self.shared.end_ns.fetch_min(now, Relaxed);
    }

    /// True once both encoders have drained.
    pub fn is_finished(&self) -> bool {
        self.encoders.iter().all(JoinHandle::is_finished)
    }

    fn elapsed_s(&self) -> f64 {
        let now = self.shared.program.clock.elapsed().as_nanos() as u64;
        now.saturating_sub(self.shared.start_ns) as f64 / 1e9
    }

    /// Counters now, with rates since the previous call.
    pub fn stats(&self) -> StatsSnapshot {
        let mut history = self.history.lock().unwrap();
        let sinks = self
            .sinks
            .lock()
            .unwrap()
            .iter()
            .map(SinkThread::snapshot)
            .collect();
        let mut snapshot = self.shared.stats.snapshot(
            &self.shared.program.stats,
            self.elapsed_s(),
            history.back(),
            sinks,
        );
        while history
            .front()
            .is_some_and(|s| snapshot.elapsed_s - s.elapsed_s > UPLINK_WINDOW_S)
        {
            history.pop_front();
        }
        snapshot.rate_sinks(history.back(), history.front());
        snapshot.delay = self.delay.as_ref().map(|(line, _)| line.snapshot());
        history.push_back(snapshot.clone());
        snapshot
    }

    /// Waits for the encoders and every sink, and returns the final counters or the first
    /// failure. Recordings are finalised either way.
    pub fn wait(self) -> Result<StatsSnapshot, EngineError> {
        for handle in self.encoders {
            if handle.join().is_err() {
                self.shared.fail(EngineError::Panicked);
            }
        }
        // The encoder threads held the fan-outs; with them gone the sink queues close, the
        // destinations' once the delay has let out what it holds.
        drop(self.fanout);
        let delay = self.delay.map(|(line, thread)| {
            line.close();
            if thread.join().is_err() {
                self.shared.fail(EngineError::Panicked);
            }
            line.snapshot()
        });
        drop(self.destinations);
        let mut sink_error = None;
        let mut sinks = Vec::new();
        for mut sink in self.sinks.into_inner().unwrap() {
            if let Err(e) = sink.join() {
                sink_error.get_or_insert(e);
            }
            sinks.push(sink.snapshot());
        }
        if let Some(e) = self.shared.failure.lock().unwrap().take() {
            return Err(e);
        }
        if let Some(e) = sink_error {
            return Err(e.into());
        }
        let elapsed = {
            let now = self.shared.program.clock.elapsed().as_nanos() as u64;
            let end = now.min(self.shared.end_ns.load(Relaxed));
            end.saturating_sub(self.shared.start_ns) as f64 / 1e9
        };
        let mut snapshot =
            self.shared
                .stats
                .snapshot(&self.shared.program.stats, elapsed, None, sinks);
        snapshot.delay = delay;
        Ok(snapshot)
    }
}

/// The encoders' end of the fan-outs.
struct Outlet {
    fanout: Arc<FanOut>,
    delay: Option<Arc<DelayLine>>,
}

fn publish(shared: &SessionShared, out: &Outlet, packet: EncodedPacket) {
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
    let packet = Arc::new(packet);
    if let Some(delay) = &out.delay {
        delay.push(packet.clone());
    }
    out.fanout.publish_shared(packet);
}
