//! The program: what is on screen and heard, composed and mixed on the master clock for as
//! long as the studio is open, whether or not anything is encoded.
//!
//! ```text
//! ScenePlan (control thread) --plans--> video thread --latest frame--> Preview (UI)
//!                            --mixes--> audio thread
//! Session taps (encoders) <--frames/blocks-- video / audio thread, while a session runs
//! ```
//! Both threads are paced by the clock and never block on a consumer. Edits and scene switches
//! arrive as plans prepared off the video thread: only new sources are opened, the others keep
//! running, so an edit costs no frame.

use crate::active_scene::{Canvases, OpenSources, SceneVideo, Shown, VideoPlan};
use crate::meters::{MeterBoard, Meters};
use crate::preview::Preview;
use crate::scene_audio::{AudioPlan, SceneAudio};
use crate::session::{AudioTap, VideoTap};
use crate::splice::Splice;
use crate::{EngineError, EngineStats, ScenePlan};
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_encode::copy_planes;
use streamwerk_media::{AudioBlock, MasterClock, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_scene::{AudioMix, Canvas, Collection, Transition, MAIN_CANVAS};

/// State the program's threads and its sessions share.
pub(crate) struct ProgramShared {
    pub clock: MasterClock,
    pub canvas: Canvas,
    /// Every canvas as (name, width, height), `main` first: taps and stats number them so.
    pub canvases: Vec<(String, u32, u32)>,
    pub channels: u16,
    /// Clock time (ns) at which the program ends; u64::MAX while it runs.
    end_ns: AtomicU64,
    pub stats: EngineStats,
    /// Each canvas's (program, preview scene) pictures, by number.
    canvas_previews: Vec<CanvasPreviews>,
    pub meters: Arc<MeterBoard>,
}

/// Where the video thread offers its pictures, each only while watched: the program and, in
/// studio mode, the preview scene, of the main canvas and of each other one. They outlive any
/// one program.
#[derive(Clone, Default)]
pub struct Previews {
    /// The main canvas's program.
    program: Arc<Preview>,
    /// The main canvas's preview scene.
    preview_scene: Arc<Preview>,
    /// Other canvases' (program, preview scene) by canvas name, made when first asked for.
    canvases: Arc<Mutex<BTreeMap<String, CanvasPreviews>>>,
}

/// A canvas's program picture and its studio-mode preview scene.
pub type CanvasPreviews = (Arc<Preview>, Arc<Preview>);

impl Previews {
    /// The program picture of canvas `name` and its studio-mode preview scene (`main`:
    /// [`Previews::program`], [`Previews::preview_scene`]). A canvas is composed while one of
    /// its pictures is watched, even when nothing encodes it.
    pub fn canvas(&self, name: &str) -> CanvasPreviews {
        if name == MAIN_CANVAS {
            return (self.program.clone(), self.preview_scene.clone());
        }
        let mut canvases = self.canvases.lock().unwrap();
        canvases.entry(name.to_string()).or_default().clone()
    }
}

/// What the control side tells the audio thread.
enum AudioControl {
    Plan(AudioPlan),
    /// A fader, mute or filter change for one source: applied at the next block.
    Mix(String, AudioMix),
}

/// Rendering counters of a program, for a status bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgramStats {
    /// Frames composed per second since the previous call.
    pub fps: f64,
    pub frames_lagged: u64,
    pub compose_ms_avg: f64,
}

/// A running program. Dropping it without [`Program::wait`] detaches its threads.
pub struct Program {
    /// (clock seconds, frames rendered) at the previous [`Program::stats`].
    last_stats: Mutex<(f64, u64)>,
    pub(crate) shared: Arc<ProgramShared>,
    threads: Vec<JoinHandle<()>>,
    /// The sources open once every plan sent so far is applied.
    planned: Mutex<OpenSources>,
    /// Picture size of every video source opened so far, by id: the UI's handles need them.
    sizes: Mutex<Vec<(String, u32, u32)>>,
    plans: Sender<VideoPlan>,
    mixes: Sender<AudioControl>,
    pub(crate) taps: Sender<VideoTap>,
    pub(crate) audio_taps: Sender<AudioTap>,
}

impl Program {
    /// Opens the sources of what `shown` names and starts the clock and the video and audio
    /// threads; the frames go to `previews` while they are watched.
    pub fn start(
        collection: &Collection,
        shown: Shown,
        previews: Previews,
    ) -> Result<Program, EngineError> {
        let plan = ScenePlan::prepare(collection, shown, None, &OpenSources::default())?;
        let planned = plan.open_after();
        let sizes = plan.fresh_sizes();
        let (plan, audio) = plan.split();
        let canvas = collection.canvas;
        let canvases = collection.canvas_sizes();
        let canvas_previews = canvases
            .iter()
            .map(|(name, ..)| previews.canvas(name))
            .collect();
        let shared = Arc::new(ProgramShared {
            clock: MasterClock::start(),
            canvas,
            canvases,
            canvas_previews,
            channels: collection.audio.channels,
            end_ns: AtomicU64::new(u64::MAX),
            stats: EngineStats::default(),
            meters: Arc::new(MeterBoard::default()),
        });
        let (plans, plans_rx) = unbounded();
        let (mixes, mixes_rx) = unbounded();
        let (taps, taps_rx) = unbounded();
        let (audio_taps, audio_taps_rx) = unbounded();
        plans.send(plan).expect("receiver alive");
        mixes
            .send(AudioControl::Plan(audio))
            .expect("receiver alive");
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .expect("spawning a thread")
        };
        let threads = vec![
            spawn("video", {
                let shared = shared.clone();
                Box::new(move || video_thread(&shared, plans_rx, taps_rx))
            }),
            spawn("audio", {
                let shared = shared.clone();
                Box::new(move || audio_thread(&shared, mixes_rx, audio_taps_rx))
            }),
        ];
        Ok(Program {
            last_stats: Mutex::new((0.0, 0)),
            shared,
            threads,
            planned: Mutex::new(planned),
            sizes: Mutex::new(sizes),
            plans,
            mixes,
            taps,
            audio_taps,
        })
    }

    /// Shows what `shown` names of `collection` from the next frame: an edit, or with a
    /// `transition` a scene switch (a running transition is finished first). Sources whose
    /// definition did not change keep running; the canvas cannot change here.
    pub fn show(
        &self,
        collection: &Collection,
        shown: Shown,
        transition: Option<&Transition>,
    ) -> Result<(), EngineError> {
        self.show_marked(collection, shown, transition, None)
    }

    /// Cuts to `shown` (a collection's safe scene) and throws away what `session`'s stream
    /// delay holds and everything its encoders still make of before the cut, sound included,
    /// so nothing composed before the panic that viewers have not seen reaches them. Returns
    /// the packets thrown away so far.
    pub fn panic(
        &self,
        collection: &Collection,
        shown: Shown,
        session: Option<&crate::Session>,
    ) -> Result<usize, EngineError> {
        // Discarding starts before the cut is sent: until the threads say where they applied
        // it, everything is held back.
        let (splice, dropped) = session.map_or((None, 0), |s| s.discard_delayed());
        self.show_marked(collection, shown, Some(&Transition::Cut), splice)?;
        Ok(dropped)
    }

    fn show_marked(
        &self,
        collection: &Collection,
        shown: Shown,
        transition: Option<&Transition>,
        splice: Option<Arc<Splice>>,
    ) -> Result<(), EngineError> {
        if collection.canvas != self.shared.canvas
            || collection.canvas_sizes() != self.shared.canvases
        {
            return Err(EngineError::CanvasChanged);
        }
        let mut planned = self.planned.lock().unwrap();
        let mut plan = ScenePlan::prepare(collection, shown, transition, &planned)?;
        if let Some(splice) = splice {
            plan.mark(splice);
        }
        *planned = plan.open_after();
        let mut sizes = self.sizes.lock().unwrap();
        for (id, w, h) in plan.fresh_sizes() {
            sizes.retain(|(known, ..)| *known != id);
            sizes.push((id, w, h));
        }
        drop(sizes);
        let (video, audio) = plan.split();
        // The threads outlive the program's senders unless they ended; then nothing shows.
        let _ = self.plans.send(video);
        let _ = self.mixes.send(AudioControl::Plan(audio));
        Ok(())
    }

    /// Changes a source's fader, mute, offset or filters from the next audio block, without
    /// a new plan. The collection should be changed alike, so the next plan agrees.
    pub fn set_mix(&self, source: &str, mix: &AudioMix) {
        let _ = self
            .mixes
            .send(AudioControl::Mix(source.to_string(), mix.clone()));
    }

    /// Meter readings since the previous call: peak, RMS, loudness per source and master.
    pub fn meters(&self) -> Meters {
        self.shared.meters.take()
    }

    /// The picture size of each video source shown so far, by source id.
    pub fn source_sizes(&self) -> Vec<(String, u32, u32)> {
        self.sizes.lock().unwrap().clone()
    }

    /// Rendering counters now, with the frame rate since the previous call.
    pub fn stats(&self) -> ProgramStats {
        let stats = &self.shared.stats;
        let now = self.shared.clock.elapsed().as_secs_f64();
        let rendered = stats.frames_rendered.load(Relaxed);
        let mut last = self.last_stats.lock().unwrap();
        let fps = if now > last.0 {
            (rendered - last.1) as f64 / (now - last.0)
        } else {
            0.0
        };
        *last = (now, rendered);
        ProgramStats {
            fps,
            frames_lagged: stats.frames_lagged.load(Relaxed),
            compose_ms_avg: if rendered > 0 {
                stats.compose_ns.load(Relaxed) as f64 / rendered as f64 / 1e6
            } else {
                0.0
            },
        }
    }

    pub fn canvas(&self) -> Canvas {
        self.shared.canvas
    }

    /// Ends the program now (sessions end with it).
    pub fn stop(&self) {
        self.shared
            .end_ns
            .fetch_min(self.shared.clock.elapsed().as_nanos() as u64, Relaxed);
    }

    /// Waits for the threads; true if one of them panicked.
    pub fn wait(self) -> Result<(), EngineError> {
        let mut panicked = false;
        for handle in self.threads {
            panicked |= handle.join().is_err();
        }
        if panicked {
            Err(EngineError::Panicked)
        } else {
            Ok(())
        }
    }
}

impl ProgramShared {
    fn ended(&self, at: Duration) -> bool {
        at.as_nanos() as u64 >= self.end_ns.load(Relaxed)
    }
}

fn video_thread(shared: &ProgramShared, plans: Receiver<VideoPlan>, new_taps: Receiver<VideoTap>) {
    let fps = shared.canvas.fps;
    let frame_ns = 1_000_000_000 / fps as u64;
    let stats = &shared.stats;
    let mut scene = SceneVideo::empty(fps);
    // The main canvas is always composed (the studio shows it); another only while a
    // session encodes it or its picture is watched.
    let mut canvases: Vec<Option<Canvases>> = shared
        .canvases
        .iter()
        .enumerate()
        .map(|(k, &(_, w, h))| (k == 0).then(|| Canvases::new(w, h)))
        .collect();
    let mut taps: Vec<VideoTap> = Vec::new();
    // Which canvases' preview scene is watched this frame.
    let mut preview_watched = vec![false; canvases.len()];
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
        for mut plan in plans.try_iter() {
            if let Some(splice) = plan.splice.take() {
                splice.video_at(index);
            }
            scene.apply(plan);
        }
        taps.extend(new_taps.try_iter());
        for (watched, (_, preview)) in preview_watched.iter_mut().zip(&shared.canvas_previews) {
            *watched = preview.is_watched();
        }
        for (k, canvas) in canvases.iter_mut().enumerate().skip(1) {
            let (program, _) = &shared.canvas_previews[k];
            let wanted =
                taps.iter().any(|t| t.canvas == k) || program.is_watched() || preview_watched[k];
            if wanted && canvas.is_none() {
                let (_, w, h) = shared.canvases[k];
                *canvas = Some(Canvases::new(w, h));
            } else if !wanted {
                *canvas = None;
            }
        }
        let started = std::time::Instant::now();
        scene.render(index, &mut canvases, &preview_watched);
        let took = started.elapsed().as_nanos() as u64;
        stats.frames_rendered.fetch_add(1, Relaxed);
        stats.compose_ns.fetch_add(took, Relaxed);
        stats.compose_ns_max.fetch_max(took, Relaxed);
        if let Some(main) = &canvases[0] {
            // What guests watch: taken only when their return encoder asks for it.
            streamwerk_media::program_return::program_return().offer(main.program());
        }
        for (canvas, (program, preview)) in canvases.iter().zip(&shared.canvas_previews) {
            if let Some(canvas) = canvas {
                program.offer(canvas.program());
                if let Some(picture) = canvas.preview() {
                    preview.offer(picture);
                }
            }
        }
        // Dropping a tap closes its encoder's queue: that encoder drains and ends.
        taps.retain(|t| {
            let picture = canvases[t.canvas].as_ref().expect("made above for its tap");
            !t.session.ended(at) && t.offer(index, |frame| copy_planes(picture.program(), frame))
        });
        index += 1;
    }
}

fn audio_thread(
    shared: &ProgramShared,
    controls: Receiver<AudioControl>,
    taps: Receiver<AudioTap>,
) {
    let stats = &shared.stats;
    let mut scene = SceneAudio::silent(shared.channels as usize);
    scene.meter_into(shared.meters.clone());
    let mut block = AudioBlock::silent(shared.channels as usize);
    let mut tap: Option<AudioTap> = None;
    let mut start = 0u64;
    let at = |sample: u64| Duration::from_nanos(sample * 1_000_000_000 / SAMPLE_RATE as u64);
    loop {
        // The block whose middle passes the end is the last one, so audio ends within half a
        // block (11 ms) of video.
        let middle = at(start + AUDIO_BLOCK as u64 / 2);
        if shared.ended(middle) {
            break;
        }
        // A block is complete once its last sample's time has come.
        shared.clock.sleep_until(at(start + AUDIO_BLOCK as u64));
        for control in controls.try_iter() {
            match control {
                AudioControl::Plan(mut plan) => {
                    if let Some(splice) = plan.splice.take() {
                        splice.audio_at(start);
                    }
                    scene.apply(plan)
                }
                AudioControl::Mix(source, mix) => scene.set_mix(&source, &mix),
            }
        }
        if let Some(new) = taps.try_iter().last() {
            tap = Some(new);
        }
        stats.audio_blocks.fetch_add(1, Relaxed);
        // Mixed whether or not anything encodes: the meters and live inputs' queues need it.
        scene.mix(start, &mut block);
        if let Some(t) = &tap {
            // Dropping the tap closes the encoder's queue.
            if t.session.ended(middle)
                || !t.offer(start, |into| into.data.copy_from_slice(&block.data))
            {
                tap = None;
            }
        }
        start += AUDIO_BLOCK as u64;
    }
}
