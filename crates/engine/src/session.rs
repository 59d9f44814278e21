//! An output session: the program encoded once per canvas that has a sink (x264 each) with one
//! AAC encode shared by all, fanned out to recordings and destinations, which join and leave
//! while it runs. It starts at the next frame of a running program, so its timestamps start
//! at zero, and ends when it is stopped or its duration ends. A canvas's encoder starts with
//! its first sink and runs to the end of the session.
//!
//! ```text
//! video thread --(frame pool, 3)--> encode-video (per canvas) --> FanOut of that canvas
//!                                                                   ^       --> sink threads
//! audio thread --(block pool, 16)-> encode-audio -- same packets ---+ (every canvas)
//! ```

use crate::program::{Program, ProgramShared};
use crate::splice::Splice;
use crate::stats::{CanvasCounters, UPLINK_WINDOW_S};
use crate::{EngineError, EngineStats, StatsSnapshot};
use crossbeam_channel::{bounded, Receiver, Sender};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_encode::{
    ffmpeg, AudioEncoder, EncodeError, EncodedPacket, StreamInfo, VideoEncoder,
};
use streamwerk_media::{AudioBlock, SAMPLE_RATE};
use streamwerk_outputs::{
    start_destination, start_recording, CutPoint, DelayLine, DestinationSpec, DestinationStatus,
    FanOut, Markers, OutputError, ReplayBuffer, SavedReplay, SinkFeed, SinkStats,
    SinkStatsSnapshot, MAX_DELAY, MAX_REPLAY,
};
use streamwerk_scene::{AudioEncoderSettings, RecordingFormat, VideoEncoderSettings, MAIN_CANVAS};

/// Frames that can be between the video thread and one canvas's x264 at once.
const FRAME_POOL: usize = 3;
/// Audio blocks that can be between the audio thread and the AAC encoder (about 340 ms).
const BLOCK_POOL: usize = 16;

/// A recording of one canvas.
#[derive(Debug, Clone)]
pub struct RecordingSpec {
    pub canvas: String,
    pub path: PathBuf,
    pub format: RecordingFormat,
}

impl RecordingSpec {
    /// A recording of the main canvas.
    pub fn main(path: impl Into<PathBuf>, format: RecordingFormat) -> Self {
        RecordingSpec {
            canvas: MAIN_CANVAS.into(),
            path: path.into(),
            format,
        }
    }
}

/// What a session encodes with and where it sends it first.
pub struct SessionConfig {
    /// The main canvas's video encoder, and any other canvas's not in `canvas_video`.
    pub video: VideoEncoderSettings,
    /// Video encoder settings of other canvases, by canvas name.
    pub canvas_video: BTreeMap<String, VideoEncoderSettings>,
    pub audio: AudioEncoderSettings,
    pub recordings: Vec<RecordingSpec>,
    /// Streaming destinations as (canvas name, destination); each connects in parallel and
    /// reconnects on its own.
    pub destinations: Vec<(String, DestinationSpec)>,
    /// End by itself after this long.
    pub duration: Option<Duration>,
    /// How long the destinations' packets are held (up to [`MAX_DELAY`]); recordings are not
    /// delayed. Zero: none.
    pub delay: Duration,
    /// Keep the last this long of the main canvas for "save replay" (up to [`MAX_REPLAY`]).
    pub replay_buffer: Option<Duration>,
}

/// State the session's threads and the program's taps share.
pub(crate) struct SessionShared {
    program: Arc<ProgramShared>,
    /// Program frame index of the session's first frame: pts 0 on every canvas.
    first_index: u64,
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

/// The video thread's end of one canvas's encoder: a pool of encoder frames and its queue.
pub(crate) struct VideoTap {
    pub session: Arc<SessionShared>,
    /// The canvas's number in the program (`main` is 0).
    pub canvas: usize,
    /// The first frame this encoder takes: the session's first, or the next after it joined.
    first_index: u64,
    counters: Arc<CanvasCounters>,
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
                let pts = (index - self.session.first_index) as i64;
                self.frames.send((frame, pts)).is_ok()
            }
            Err(_) => {
                self.counters.frames_skipped.fetch_add(1, Relaxed);
                if self.counters.primary {
                    self.session.stats.frames_skipped.fetch_add(1, Relaxed);
                }
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

/// One canvas's encoded stream and the fan-outs that carry it to its sinks.
struct CanvasOutput {
    /// The canvas's number in the program (`main` is 0) and name.
    canvas: usize,
    name: String,
    /// Its video stream and the session's audio stream, for sinks that join (FFmpeg's
    /// parameters are not shareable between threads by themselves).
    streams: Mutex<[StreamInfo; 2]>,
    /// The recordings' (and replay buffer's) fan-out, fed as packets are encoded.
    fanout: Arc<FanOut>,
    /// The destinations' fan-out: `fanout` itself, or behind the stream delay.
    destinations: Arc<FanOut>,
    delay: Option<Arc<DelayLine>>,
}

impl CanvasOutput {
    /// Hands an encoded packet (of this canvas's video, or the shared audio) to its sinks.
    fn publish(&self, packet: Arc<EncodedPacket>) {
        if let Some(delay) = &self.delay {
            delay.push(packet.clone());
        }
        self.fanout.publish_shared(packet);
    }
}

/// A sink's thread and the counters it keeps, which outlive the fan-out.
struct SinkThread {
    name: String,
    /// The canvas it gets.
    canvas: String,
    stats: Arc<SinkStats>,
    destination: Option<Arc<DestinationStatus>>,
    /// Taken when joined, so the counters can be read after the thread ends.
    thread: Option<JoinHandle<Result<(), OutputError>>>,
}

impl SinkThread {
    fn snapshot(&self) -> SinkStatsSnapshot {
        let mut snapshot = self.stats.snapshot(&self.name);
        snapshot.destination = self.destination.as_ref().map(|d| d.snapshot());
        snapshot.canvas = Some(self.canvas.clone());
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

/// An encoded canvas's name, size and counters.
type EncodedCanvas = (String, (u32, u32), Arc<CanvasCounters>);

/// A running output session.
pub struct Session {
    shared: Arc<SessionShared>,
    /// The program's way to the video thread, for the taps of canvases that start later.
    taps: Sender<VideoTap>,
    video: VideoEncoderSettings,
    canvas_video: BTreeMap<String, VideoEncoderSettings>,
    audio_info: StreamInfo,
    delay: Duration,
    /// Every canvas encoded so far; the audio encoder publishes to all of them.
    outputs: Arc<RwLock<Vec<Arc<CanvasOutput>>>>,
    /// Each encoded canvas's (name, size, counters), kept after the outputs close.
    counters: Mutex<Vec<EncodedCanvas>>,
    /// (sink name, markers) of each recording.
    markers: Mutex<Vec<(String, Markers)>>,
    /// (sink name, buffer) while a replay buffer runs.
    replay: Mutex<Option<(String, Arc<ReplayBuffer>)>>,
    /// The encoder threads: audio, then one per canvas.
    encoders: Mutex<Vec<JoinHandle<()>>>,
    /// The stream delay's threads, one per canvas.
    delay_threads: Mutex<Vec<JoinHandle<()>>>,
    sinks: Mutex<Vec<SinkThread>>,
    /// The snapshots of the last [`UPLINK_WINDOW_S`], oldest first: rates since the previous
    /// one, uplinks judged over the window.
    history: Mutex<VecDeque<StatsSnapshot>>,
    /// Set once the first sinks are added: a sink added later joins a running show.
    running: AtomicBool,
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .expect("spawning a thread")
}

impl Program {
    /// Opens the audio encoder, the video encoders of the canvases the first sinks use and
    /// those sinks, and starts encoding at the next frame. Everything that can fail on bad
    /// input fails here, before anything is written.
    pub fn start_session(&self, config: SessionConfig) -> Result<Session, EngineError> {
        if config.delay > MAX_DELAY {
            return Err(EngineError::DelayTooLong {
                asked_s: config.delay.as_secs_f64(),
                most_s: MAX_DELAY.as_secs(),
            });
        }
        let program = self.shared.clone();
        let audio_encoder = AudioEncoder::open(program.channels, config.audio.bitrate_kbps)?;
        let audio_info = audio_encoder.info().clone();
        let (block_pool_tx, block_pool_rx) = bounded(BLOCK_POOL);
        for _ in 0..BLOCK_POOL {
            block_pool_tx
                .send(AudioBlock::silent(program.channels as usize))
                .expect("pool has room");
        }
        let (blocks_tx, blocks_rx) = bounded(BLOCK_POOL);

        // Start at the next whole frame, and the audio at the same instant.
        let fps = program.canvas.fps as u64;
        let first_index = next_frame(&program);
        let start_ns = first_index * 1_000_000_000 / fps;
        let first_sample = first_index * SAMPLE_RATE as u64 / fps;
        let end_ns = config
            .duration
            .map_or(u64::MAX, |d| start_ns + d.as_nanos() as u64);
        let shared = Arc::new(SessionShared {
            program,
            first_index,
            start_ns,
            end_ns: AtomicU64::new(end_ns),
            stats: EngineStats::default(),
            failure: Mutex::new(None),
        });
        let session = Session {
            shared: shared.clone(),
            taps: self.taps.clone(),
            video: config.video,
            canvas_video: config.canvas_video,
            audio_info,
            delay: config.delay,
            outputs: Arc::default(),
            counters: Mutex::new(Vec::new()),
            markers: Mutex::new(Vec::new()),
            replay: Mutex::new(None),
            encoders: Mutex::new(Vec::new()),
            delay_threads: Mutex::new(Vec::new()),
            sinks: Mutex::new(Vec::new()),
            history: Mutex::new(VecDeque::new()),
            running: AtomicBool::new(false),
        };
        let started = (|| {
            for recording in &config.recordings {
                session.add_recording(recording)?;
            }
            for (canvas, spec) in config.destinations {
                session.add_destination(&canvas, spec)?;
            }
            if let Some(keep) = config.replay_buffer {
                session.start_replay(keep)?;
            }
            Ok(())
        })();
        if let Err(e) = started {
            // The canvases' encoders wait for frames the video thread will not send.
            session.stop();
            return Err(e);
        }
        session.running.store(true, Relaxed);
        let outputs = session.outputs.clone();
        let audio = spawn("encode-audio", {
            let shared = shared.clone();
            move || {
                let mut encoder = audio_encoder;
                let publish = |p: EncodedPacket| {
                    shared.stats.audio_bytes.fetch_add(p.size() as u64, Relaxed);
                    let packet = Arc::new(p);
                    for output in outputs.read().unwrap().iter() {
                        output.publish(packet.clone());
                    }
                };
                let result: Result<(), EncodeError> = (|| {
                    for (block, pts) in blocks_rx {
                        encoder.encode(&block, pts, &mut |p| publish(p))?;
                        let _ = block_pool_tx.send(block);
                    }
                    encoder.finish(&mut |p| publish(p))
                })();
                if let Err(e) = result {
                    shared.fail(e.into());
                }
            }
        });
        session.encoders.lock().unwrap().push(audio);
        let _ = self.audio_taps.send(AudioTap {
            session: shared,
            first_sample,
            pool: block_pool_rx,
            blocks: blocks_tx,
        });
        Ok(session)
    }
}

/// The program's next whole frame after now, with a frame to spare for the video thread to
/// get the tap first.
fn next_frame(program: &ProgramShared) -> u64 {
    let now = program.clock.elapsed().as_nanos() as u64;
    (now * program.canvas.fps as u64).div_ceil(1_000_000_000) + 1
}

impl Session {
    /// The output of canvas `name`, its encoder opened and started at the next frame if it
    /// was not encoded yet in this session.
    fn output(&self, name: &str) -> Result<Arc<CanvasOutput>, EngineError> {
        let program = &self.shared.program;
        let canvas = program
            .canvases
            .iter()
            .position(|(n, ..)| n == name)
            .ok_or_else(|| EngineError::UnknownCanvas {
                name: name.to_string(),
                available: program
                    .canvases
                    .iter()
                    .map(|(n, ..)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut outputs = self.outputs.write().unwrap();
        if let Some(found) = outputs.iter().find(|o| o.canvas == canvas) {
            return Ok(found.clone());
        }
        let (_, width, height) = program.canvases[canvas];
        let settings = self.canvas_video.get(name).unwrap_or(&self.video);
        let mut encoder = VideoEncoder::open(width, height, program.canvas.fps, settings)?;
        let (pool_tx, pool_rx) = bounded(FRAME_POOL);
        for _ in 0..FRAME_POOL {
            pool_tx.send(encoder.new_frame()).expect("pool has room");
        }
        let (frames_tx, frames_rx) = bounded(FRAME_POOL);
        let fanout = Arc::new(FanOut::new(Vec::new()));
        let (destinations, delay) = if self.delay.is_zero() {
            (fanout.clone(), None)
        } else {
            let destinations = Arc::new(FanOut::new(Vec::new()));
            let (line, thread) =
                DelayLine::start(self.delay, destinations.clone(), fanout.keyframes());
            self.delay_threads.lock().unwrap().push(thread);
            (destinations, Some(line))
        };
        let counters = Arc::new(CanvasCounters {
            primary: outputs.is_empty(),
            ..Default::default()
        });
        let output = Arc::new(CanvasOutput {
            canvas,
            name: name.to_string(),
            streams: Mutex::new([encoder.info().clone(), self.audio_info.clone()]),
            fanout,
            destinations,
            delay,
        });
        let thread = spawn(&format!("encode-{name}"), {
            let shared = self.shared.clone();
            let output = output.clone();
            let counters = counters.clone();
            move || {
                let keyframes = output.fanout.keyframes();
                let publish = |p: EncodedPacket| {
                    let bytes = p.size() as u64;
                    counters.frames_encoded.fetch_add(1, Relaxed);
                    counters.video_bytes.fetch_add(bytes, Relaxed);
                    shared.stats.video_bytes.fetch_add(bytes, Relaxed);
                    if counters.primary {
                        shared.stats.frames_encoded.fetch_add(1, Relaxed);
                    }
                    output.publish(Arc::new(p));
                };
                let result = (|| {
                    for (mut frame, pts) in frames_rx {
                        encoder.encode(&mut frame, pts, keyframes.take(), &mut |p| publish(p))?;
                        // The pool outlives this loop unless the video thread ended early.
                        let _ = pool_tx.send(frame);
                    }
                    encoder.finish(&mut |p| publish(p))
                })();
                if let Err(e) = result {
                    shared.fail(e.into());
                }
            }
        });
        self.encoders.lock().unwrap().push(thread);
        self.counters
            .lock()
            .unwrap()
            .push((name.to_string(), (width, height), counters.clone()));
        let _ = self.taps.send(VideoTap {
            session: self.shared.clone(),
            canvas,
            first_index: next_frame(program).max(self.shared.first_index),
            counters,
            pool: pool_rx,
            frames: frames_tx,
        });
        outputs.push(output.clone());
        Ok(output)
    }

    /// Starts a recording of its canvas; a session already running joins it at the next
    /// keyframe. Returns the sink's name, as in stats.
    pub fn add_recording(&self, spec: &RecordingSpec) -> Result<String, EngineError> {
        let output = self.output(&spec.canvas)?;
        self.record(&spec.path, spec.format, &output, &output.fanout)
    }

    /// Records what the destinations get, behind the stream delay (a panic's discarded seconds
    /// are missing from it as from the stream); None without a delay, where that is the
    /// program's recording.
    pub fn add_aired_recording(&self, spec: &RecordingSpec) -> Result<Option<String>, EngineError> {
        if self.delay.is_zero() {
            return Ok(None);
        }
        let output = self.output(&spec.canvas)?;
        self.record(&spec.path, spec.format, &output, &output.destinations)
            .map(Some)
    }

    fn record(
        &self,
        path: &std::path::Path,
        format: RecordingFormat,
        output: &CanvasOutput,
        fanout: &FanOut,
    ) -> Result<String, EngineError> {
        // One of the session's first sinks: the file keeps the show's timeline.
        let with_show = !self.running.load(Relaxed);
        let recording =
            start_recording(path, format, &output.streams.lock().unwrap()[..], with_show)?;
        let name = self.track(&recording.feed, output, None, recording.thread);
        fanout.add(recording.feed);
        self.markers
            .lock()
            .unwrap()
            .push((name.clone(), recording.markers));
        Ok(name)
    }

    /// Connects a destination to canvas `canvas` (in the background); it streams from the
    /// next keyframe. Returns the sink's name, as in stats.
    pub fn add_destination(
        &self,
        canvas: &str,
        spec: DestinationSpec,
    ) -> Result<String, EngineError> {
        let output = self.output(canvas)?;
        let destination = start_destination(
            spec,
            &output.streams.lock().unwrap()[..],
            output.fanout.keyframes(),
        )?;
        let name = self.track(
            &destination.feed,
            &output,
            Some(destination.status),
            destination.thread,
        );
        output.destinations.add(destination.feed);
        Ok(name)
    }

    /// Keeps a sink's thread and counters; returns its name.
    fn track(
        &self,
        feed: &SinkFeed,
        output: &CanvasOutput,
        destination: Option<Arc<DestinationStatus>>,
        thread: JoinHandle<Result<(), OutputError>>,
    ) -> String {
        let name = feed.name.clone();
        self.sinks.lock().unwrap().push(SinkThread {
            name: name.clone(),
            canvas: output.name.clone(),
            stats: feed.stats.clone(),
            destination,
            thread: Some(thread),
        });
        name
    }

    /// How long the destinations' stream is held.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// Throws away what the stream delay holds on every canvas, so viewers never see it, and
    /// what comes out of the encoders until the cut the returned splice marks (the program's
    /// threads mark it as they apply the cut); destinations stay connected and resume at the
    /// first keyframe after it. The number of packets dropped so far (0 without a delay).
    pub(crate) fn discard_delayed(&self) -> (Option<Arc<Splice>>, usize) {
        let lines: Vec<Arc<DelayLine>> = self
            .outputs
            .read()
            .unwrap()
            .iter()
            .filter_map(|o| o.delay.clone())
            .collect();
        if lines.is_empty() {
            return (None, 0);
        }
        let point = Arc::new(CutPoint::default());
        let dropped = lines.iter().map(|line| line.discard(point.clone())).sum();
        let fps = self.shared.program.canvas.fps as u64;
        let first = self.shared.first_index;
        let splice = Splice::new(first, first * SAMPLE_RATE as u64 / fps, point);
        (Some(Arc::new(splice)), dropped)
    }

    /// Starts keeping the last `keep` of the main canvas (from the next keyframe); a running
    /// buffer is replaced.
    pub fn start_replay(&self, keep: Duration) -> Result<(), EngineError> {
        if keep > MAX_REPLAY || keep.is_zero() {
            return Err(EngineError::ReplayTooLong {
                asked_s: keep.as_secs_f64(),
                most_s: MAX_REPLAY.as_secs(),
            });
        }
        self.stop_replay()?;
        let output = self.output(MAIN_CANVAS)?;
        let (buffer, feed, thread) = ReplayBuffer::start(keep, &output.streams.lock().unwrap()[..]);
        let name = self.track(&feed, &output, None, thread);
        output.fanout.add(feed);
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

    /// Stops one sink: a recording is finalised, a destination disconnects. The others go on.
    pub fn remove_sink(&self, name: &str) -> Result<(), EngineError> {
        self.markers
            .lock()
            .unwrap()
            .retain(|(sink, _)| sink != name);
        for output in self.outputs.read().unwrap().iter() {
            if !output.fanout.remove(name) {
                output.destinations.remove(name);
            }
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

    /// True once every encoder has drained.
    pub fn is_finished(&self) -> bool {
        self.encoders
            .lock()
            .unwrap()
            .iter()
            .all(JoinHandle::is_finished)
    }

    fn elapsed_s(&self) -> f64 {
        let now = self.shared.program.clock.elapsed().as_nanos() as u64;
        now.saturating_sub(self.shared.start_ns) as f64 / 1e9
    }

    /// The session's counters with each sink's and each canvas's, at `elapsed_s`.
    fn snapshot(&self, elapsed_s: f64, previous: Option<&StatsSnapshot>) -> StatsSnapshot {
        let sinks = self
            .sinks
            .lock()
            .unwrap()
            .iter()
            .map(SinkThread::snapshot)
            .collect();
        let mut snapshot =
            self.shared
                .stats
                .snapshot(&self.shared.program.stats, elapsed_s, previous, sinks);
        snapshot.canvases = self
            .counters
            .lock()
            .unwrap()
            .iter()
            .map(|(name, size, counters)| counters.snapshot(name, *size, elapsed_s, previous))
            .collect();
        snapshot.delay = self
            .outputs
            .read()
            .unwrap()
            .iter()
            .find_map(|o| o.delay.as_ref().map(|line| line.snapshot()));
        snapshot
    }

    /// Counters now, with rates since the previous call.
    pub fn stats(&self) -> StatsSnapshot {
        let mut history = self.history.lock().unwrap();
        let mut snapshot = self.snapshot(self.elapsed_s(), history.back());
        while history
            .front()
            .is_some_and(|s| snapshot.elapsed_s - s.elapsed_s > UPLINK_WINDOW_S)
        {
            history.pop_front();
        }
        snapshot.rate_sinks(history.back(), history.front());
        history.push_back(snapshot.clone());
        snapshot
    }

    /// Waits for the encoders and every sink, and returns the final counters or the first
    /// failure. Recordings are finalised either way.
    pub fn wait(self) -> Result<StatsSnapshot, EngineError> {
        for handle in std::mem::take(&mut *self.encoders.lock().unwrap()) {
            if handle.join().is_err() {
                self.shared.fail(EngineError::Panicked);
            }
        }
        // With the encoders gone, the stream delays let out what they hold and end; dropping
        // the fan-outs then closes the sinks' queues.
        for output in self.outputs.read().unwrap().iter() {
            if let Some(line) = &output.delay {
                line.close();
            }
        }
        for thread in std::mem::take(&mut *self.delay_threads.lock().unwrap()) {
            if thread.join().is_err() {
                self.shared.fail(EngineError::Panicked);
            }
        }
        let elapsed = {
            let now = self.shared.program.clock.elapsed().as_nanos() as u64;
            let end = now.min(self.shared.end_ns.load(Relaxed));
            end.saturating_sub(self.shared.start_ns) as f64 / 1e9
        };
        let delay = self
            .outputs
            .read()
            .unwrap()
            .iter()
            .find_map(|o| o.delay.as_ref().map(|line| line.snapshot()));
        let outputs = std::mem::take(&mut *self.outputs.write().unwrap());
        drop(outputs);
        let mut sink_error = None;
        for sink in self.sinks.lock().unwrap().iter_mut() {
            if let Err(e) = sink.join() {
                sink_error.get_or_insert(e);
            }
        }
        if let Some(e) = self.shared.failure.lock().unwrap().take() {
            return Err(e);
        }
        if let Some(e) = sink_error {
            return Err(e.into());
        }
        let mut snapshot = self.snapshot(elapsed, None);
        snapshot.delay = delay;
        Ok(snapshot)
    }
}
