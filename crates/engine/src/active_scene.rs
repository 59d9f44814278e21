use crate::scene_audio::{AudioPlan, SceneAudio};
use crate::splice::Splice;
use crate::transition::{self, AudioTransition, Running, TransitionPlan};
use crate::EngineError;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{Image, Tick, I420};
use streamwerk_scene::{Collection, Scene, Source, SourceKind, Transform, Transition};
use streamwerk_sources::{view, TextRenderer, VideoSource};

/// A scene made ready to run: its sources opened, its visible layers listed bottom first.
/// The video half and the audio half go to different threads, so they are kept apart.
pub struct ActiveScene {
    pub video: SceneVideo,
    pub audio: SceneAudio,
}

/// Layers as (position in the open sources, transform), bottom first.
pub(crate) type Layers = Vec<(usize, Transform)>;

/// The picture side: the open video sources, shared by every canvas, and the layer lists
/// that place them, one list per canvas (`main` first): program, the studio-mode preview
/// scene, and during a transition the scene going out.
pub struct SceneVideo {
    pub(crate) sources: Vec<OpenVideo>,
    program: Vec<Layers>,
    /// The preview scene of studio mode on each canvas; None while studio mode is off.
    preview: Option<Vec<Layers>>,
    pub(crate) transition: Option<Running>,
    fps: u32,
}

/// An open video source and the definition it was opened from, so an edit that leaves the
/// definition alone keeps the running source (and the compositor's caches of it).
pub(crate) struct OpenVideo {
    definition: Source,
    /// Unique for each opening, so the compositor never mistakes a reopened source for the
    /// one it cached.
    pub(crate) key: u64,
    pub(crate) source: Box<dyn VideoSource>,
}

/// What the program shows: the scene on air and, in studio mode, the scene being prepared.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub program: &'a str,
    pub preview: Option<&'a str>,
}

impl<'a> Shown<'a> {
    /// Program only (studio mode off).
    pub fn program(scene: &'a str) -> Self {
        Shown {
            program: scene,
            preview: None,
        }
    }
}

/// The sources open (video half, audio half) once every plan sent so far is applied: what
/// the next plan can take over instead of opening.
#[derive(Default, Clone)]
pub struct OpenSources {
    video: Vec<Source>,
    audio: Vec<Source>,
    /// Files found to have no picture, or no sound: that half is never waited for.
    no_video: Vec<Source>,
    no_audio: Vec<Source>,
}

/// A change of what is on screen, prepared away from the video thread: the sources that were
/// not open yet are opened here; [`SceneVideo::apply`] takes the others over from the running
/// scene.
pub struct ScenePlan {
    video: VideoPlan,
    audio: AudioPlan,
    no_video: Vec<Source>,
    no_audio: Vec<Source>,
}

pub(crate) fn new_key() -> u64 {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    NEXT_KEY.fetch_add(1, Relaxed)
}

fn find_scene<'a>(collection: &'a Collection, name: &str) -> Result<&'a Scene, EngineError> {
    collection
        .scene(name)
        .ok_or_else(|| EngineError::UnknownScene {
            name: name.to_string(),
            available: collection
                .scenes
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl ActiveScene {
    /// Opens every source the scene uses; sources a scene uses twice are opened once.
    pub fn open(collection: &Collection, scene_name: &str) -> Result<Self, EngineError> {
        let plan = ScenePlan::prepare(
            collection,
            Shown::program(scene_name),
            None,
            &OpenSources::default(),
        )?;
        let (plan, audio_plan) = plan.split();
        let mut video = SceneVideo::empty(collection.canvas.fps);
        video.apply(plan);
        let mut audio = SceneAudio::silent(collection.audio.channels as usize);
        audio.apply(audio_plan);
        Ok(ActiveScene { video, audio })
    }
}

/// The video part of a [`ScenePlan`], for the video thread.
pub struct VideoPlan {
    /// A cut: a running transition ends at once, its scene going out with it.
    cut: bool,
    /// A panic's cut: told the first frame composed with this plan.
    pub(crate) splice: Option<Arc<Splice>>,
    needed: Vec<Source>,
    fresh: Vec<OpenVideo>,
    /// Layers index `needed`; one list per canvas.
    program: Vec<Layers>,
    preview: Option<Vec<Layers>>,
    transition: Option<TransitionPlan>,
    /// Whether a visible layer shows each of `needed` in each view (a canvas's program or
    /// preview scene; None: no layer there). A hidden graphic's layer is listed too, so it
    /// can animate out of that view while it stays in the others.
    shown: Vec<Vec<Option<bool>>>,
}

impl ScenePlan {
    /// Prepares what `shown` names, given the sources that will be open when the plan is
    /// applied (`open`): only the others are opened now. With a `transition` the program
    /// changes through it (a stinger's file is opened here); without, at the next frame.
    pub fn prepare(
        collection: &Collection,
        shown: Shown,
        transition: Option<&Transition>,
        open: &OpenSources,
    ) -> Result<ScenePlan, EngineError> {
        let program_scene = find_scene(collection, shown.program)?;
        let preview_scene = shown
            .preview
            .map(|name| find_scene(collection, name))
            .transpose()?;
        let mut text = TextRenderer::new();
        let mut plan = ScenePlan {
            video: VideoPlan {
                cut: transition.is_some_and(Transition::is_cut),
                splice: None,
                needed: Vec::new(),
                fresh: Vec::new(),
                program: Vec::new(),
                preview: None,
                transition: None,
                shown: Vec::new(),
            },
            audio: AudioPlan::default(),
            no_video: Vec::new(),
            no_audio: Vec::new(),
        };
        let canvases = collection.canvas_names();
        plan.video.program = canvases
            .iter()
            .enumerate()
            .map(|(k, canvas)| {
                plan.add_layers(
                    collection,
                    program_scene,
                    (k, canvas),
                    true,
                    open,
                    &mut text,
                )
            })
            .collect::<Result<_, _>>()?;
        if let Some(scene) = preview_scene {
            plan.video.preview = Some(
                canvases
                    .iter()
                    .enumerate()
                    .map(|(k, canvas)| {
                        plan.add_layers(collection, scene, (k, canvas), false, open, &mut text)
                    })
                    .collect::<Result<_, _>>()?,
            );
        }
        if let Some(t) = transition.filter(|t| !t.is_cut()) {
            let (video, audio) = transition::prepare(t, collection)?;
            plan.video.transition = Some(video);
            plan.audio.transition = Some(audio);
        } else if transition.is_some() {
            // A cut during a transition finishes it, as any switch does.
            plan.audio.transition = Some(AudioTransition::cut());
        }
        Ok(plan)
    }

    /// Opens what `scene` needs on `canvas` (number, name) that is not open or planned yet
    /// and returns its layers there. Only the program plays sound: a preview scene's sources
    /// are opened for their pictures.
    fn add_layers(
        &mut self,
        collection: &Collection,
        scene: &Scene,
        (k, canvas): (usize, &str),
        sound: bool,
        open: &OpenSources,
        text: &mut TextRenderer,
    ) -> Result<Layers, EngineError> {
        let mut layers = Vec::new();
        for layer in scene.layers_on(canvas) {
            let source = collection
                .source(&layer.source)
                .expect("validated: layers refer to existing sources");
            self.add_source(collection, source, sound, open, text)?;
            let animated = matches!(&source.kind, SourceKind::Template(t) if t.template.animates());
            if layer.visible || animated {
                if let Some(pos) = self.video.needed.iter().position(|d| d.id == source.id) {
                    layers.push((pos, layer.transform.clone()));
                    let shown = &mut self.video.shown;
                    shown.resize(shown.len().max(pos + 1), Vec::new());
                    let views = &mut shown[pos];
                    let view = streamwerk_sources::view(k, !sound);
                    views.resize(views.len().max(view + 1), None);
                    views[view] = Some(views[view].unwrap_or(false) | layer.visible);
                }
            }
        }
        Ok(layers)
    }

    fn add_source(
        &mut self,
        collection: &Collection,
        source: &Source,
        sound: bool,
        open: &OpenSources,
        text: &mut TextRenderer,
    ) -> Result<(), EngineError> {
        let video = &mut self.video;
        let wants_video =
            source.kind.has_video() && !video.needed.iter().any(|s| s.id == source.id);
        let wants_audio =
            sound && source.kind.has_audio() && !self.audio.sources().any(|s| s.id == source.id);
        if !wants_video && !wants_audio {
            return Ok(());
        }
        let known = |list: &[Source]| list.iter().any(|o| o.same_media(source));
        // A half the file does not have counts as running (a video without sound is not
        // reopened by every edit).
        let video_running = !source.kind.has_video() || known(&open.video) || known(&open.no_video);
        let audio_running = !source.kind.has_audio() || known(&open.audio) || known(&open.no_audio);
        // Both halves of a file share a decoder: one half running alone (a file that was
        // only in the preview) is opened again whole, so picture and sound start together.
        let reopen =
            (wants_video && !video_running) || (wants_audio && !(audio_running && video_running));
        let fresh_here = video.fresh.iter().any(|f| f.definition.same_media(source))
            || self.audio.is_fresh(source);
        if !reopen || fresh_here {
            if wants_video && !known(&open.no_video) {
                video.needed.push(source.clone());
            }
            if wants_audio && !known(&open.no_audio) {
                self.audio.keep(source.clone());
            }
            for (list, missing) in [
                (&mut self.no_video, known(&open.no_video)),
                (&mut self.no_audio, known(&open.no_audio)),
            ] {
                if missing && !list.iter().any(|s| s.same_media(source)) {
                    list.push(source.clone());
                }
            }
            return Ok(());
        }
        let opened = streamwerk_sources::open(source, collection, text)?;
        if source.kind.has_video() && opened.video.is_none() {
            self.no_video.push(source.clone());
        }
        if source.kind.has_audio() && opened.audio.is_none() {
            self.no_audio.push(source.clone());
        }
        if let Some(v) = opened.video.filter(|_| source.kind.has_video()) {
            if wants_video {
                video.needed.push(source.clone());
            }
            video.fresh.push(OpenVideo {
                definition: source.clone(),
                key: new_key(),
                source: v,
            });
        }
        if let Some(a) = opened.audio.filter(|_| wants_audio) {
            self.audio.open(source.clone(), a);
        }
        Ok(())
    }

    /// Picture sizes of the sources this plan opens, by source id.
    pub fn fresh_sizes(&self) -> Vec<(String, u32, u32)> {
        self.video
            .fresh
            .iter()
            .map(|f| {
                let (width, height) = f.source.frame().picture.size();
                (f.definition.id.clone(), width, height)
            })
            .collect()
    }

    /// The sources open once this plan is applied.
    pub fn open_after(&self) -> OpenSources {
        OpenSources {
            video: self.video.needed.clone(),
            audio: self.audio.sources().cloned().collect(),
            no_video: self.no_video.clone(),
            no_audio: self.no_audio.clone(),
        }
    }

    /// Marks the plan as a panic's cut: each thread tells `splice` where it applied it.
    pub(crate) fn mark(&mut self, splice: Arc<Splice>) {
        self.audio.splice = Some(splice.clone());
        self.video.splice = Some(splice);
    }

    /// Splits the plan for the two threads.
    pub fn split(self) -> (VideoPlan, AudioPlan) {
        (self.video, self.audio)
    }
}

/// The video thread's canvases: program, the picture going out during a transition, the
/// studio-mode preview, and the blend of the first two. The last three are made on first use.
pub struct Canvases {
    width: u32,
    height: u32,
    program: Compositor,
    outgoing: Option<Compositor>,
    preview: Option<Compositor>,
    mixed: Option<I420>,
    /// The program picture is `mixed` this frame.
    showing_mixed: bool,
    /// The preview scene was composed this frame and changed.
    preview_changed: bool,
}

impl Canvases {
    pub fn new(width: u32, height: u32) -> Self {
        Canvases {
            width,
            height,
            program: Compositor::new(width, height),
            outgoing: None,
            preview: None,
            mixed: None,
            showing_mixed: false,
            preview_changed: false,
        }
    }

    /// What goes on air this frame.
    pub fn program(&self) -> &I420 {
        match (&self.mixed, self.showing_mixed) {
            (Some(mixed), true) => mixed,
            _ => self.program.i420(),
        }
    }

    /// The studio-mode preview scene, when this frame composed it with a change: a still
    /// preview scene is not handed on (and encoded for the page) again and again.
    pub fn preview(&self) -> Option<&I420> {
        self.preview
            .as_ref()
            .filter(|_| self.preview_changed)
            .map(Compositor::i420)
    }
}

impl SceneVideo {
    /// Nothing on screen yet.
    pub fn empty(fps: u32) -> Self {
        SceneVideo {
            sources: Vec::new(),
            program: Vec::new(),
            preview: None,
            transition: None,
            fps,
        }
    }

    pub fn fps(&self) -> u32 {
        self.fps
    }

    /// Switches to a prepared plan: sources it still needs are kept running, fresh ones come
    /// from the plan, the rest are closed, except those the picture going out of a
    /// transition still shows. A plan with a transition first finishes a running one.
    pub fn apply(&mut self, plan: VideoPlan) {
        let VideoPlan {
            cut,
            needed,
            mut fresh,
            program,
            preview,
            transition,
            shown,
            splice: _,
        } = plan;
        if cut {
            // Nothing of the scene going out stays on screen: its sources close below.
            self.transition = None;
        }
        let mut old: Vec<Option<OpenVideo>> = std::mem::take(&mut self.sources)
            .into_iter()
            .map(Some)
            .collect();
        // Where each old source went in the new list.
        let mut moved: Vec<Option<usize>> = vec![None; old.len()];
        let mut sources = Vec::with_capacity(needed.len());
        let mut position = Vec::with_capacity(needed.len());
        for (i, definition) in needed.iter().enumerate() {
            let found = match fresh
                .iter()
                .position(|f| f.definition.same_media(definition))
            {
                Some(i) => Some(fresh.swap_remove(i)),
                None => old
                    .iter()
                    .position(|o| {
                        o.as_ref()
                            .is_some_and(|o| o.definition.same_media(definition))
                    })
                    .and_then(|i| {
                        moved[i] = Some(sources.len());
                        old[i].take()
                    }),
            };
            position.push(found.is_some().then_some(sources.len()));
            if let Some(mut found) = found {
                found
                    .source
                    .set_shown(shown.get(i).map_or(&[], Vec::as_slice));
                sources.push(found);
            }
        }
        // The pictures going out, one per canvas: the program until now when a transition
        // starts (a running one is finished at once), else the running transition's.
        let outgoing = match &transition {
            Some(_) => Some(std::mem::take(&mut self.program)),
            None => self
                .transition
                .as_mut()
                .map(|t| std::mem::take(&mut t.outgoing)),
        };
        let outgoing = outgoing.map(|lists| {
            let mut kept_lists = Vec::with_capacity(lists.len());
            for layers in lists {
                let mut kept_layers = Vec::with_capacity(layers.len());
                for (i, transform) in layers {
                    if moved[i].is_none() {
                        let Some(kept) = old[i].take() else { continue };
                        moved[i] = Some(sources.len());
                        sources.push(kept);
                    }
                    if let Some(pos) = moved[i] {
                        kept_layers.push((pos, transform));
                    }
                }
                kept_lists.push(kept_layers);
            }
            kept_lists
        });
        // Layers index `needed`; each gets its source's place in the new list.
        let place = |layers: Layers| -> Layers {
            layers
                .into_iter()
                .filter_map(|(i, transform)| position[i].map(|pos| (pos, transform)))
                .collect()
        };
        self.preview = preview.map(|lists| lists.into_iter().map(place).collect());
        self.program = program.into_iter().map(place).collect();
        self.sources = sources;
        match (transition, outgoing) {
            (Some(plan), Some(outgoing)) => self.transition = Some(Running::new(plan, outgoing)),
            (None, Some(outgoing)) => {
                if let Some(t) = &mut self.transition {
                    t.outgoing = outgoing;
                }
            }
            _ => {}
        }
        if self.transition.as_ref().is_some_and(Running::is_instant) {
            self.end_transition();
        }
    }

    /// Every layer list that stays after a transition: program on each canvas, preview.
    fn lists_mut(&mut self) -> impl Iterator<Item = &mut Layers> {
        self.program
            .iter_mut()
            .chain(self.preview.iter_mut().flatten())
    }

    /// Ends the running transition: the sources only the pictures going out showed close.
    fn end_transition(&mut self) {
        self.transition = None;
        let mut used = vec![false; self.sources.len()];
        for list in self.lists_mut() {
            for (i, _) in list.iter() {
                used[*i] = true;
            }
        }
        if used.iter().all(|u| *u) {
            return;
        }
        let mut new_index = vec![0; used.len()];
        let mut kept = 0;
        for (i, u) in used.iter().enumerate() {
            new_index[i] = kept;
            kept += usize::from(*u);
        }
        let mut i = 0;
        self.sources.retain(|_| {
            i += 1;
            used[i - 1]
        });
        for list in self.lists_mut() {
            for (pos, _) in list.iter_mut() {
                *pos = new_index[*pos];
            }
        }
    }

    /// Advances every open source to frame `index`.
    fn advance(&mut self, index: u64) {
        let tick = Tick {
            index,
            fps: self.fps,
        };
        for open in &mut self.sources {
            open.source.advance(tick);
        }
        if let Some(t) = &mut self.transition {
            t.advance(tick);
        }
    }

    /// Advances every source to frame `index` and composes the main canvas's program (no
    /// transition, no preview): stills and benchmarks.
    pub fn compose(
        &mut self,
        index: u64,
        compositor: &mut Compositor,
    ) -> streamwerk_compositor::ComposeStats {
        self.advance(index);
        compositor.compose(&layers(
            &self.sources,
            self.on_canvas(0),
            view(0, false),
            None,
        ))
    }

    /// The program's layers on canvas `k` (none for a canvas the plan did not know).
    fn on_canvas(&self, k: usize) -> &[(usize, Transform)] {
        self.program.get(k).map_or(&[], Vec::as_slice)
    }

    /// Advances every source to frame `index` and composes program (through the running
    /// transition) on each canvas present in `canvases` (by number, `main` first) and, in
    /// studio mode, the preview scene on those `preview` marks (its watched ones). Returns
    /// what composing the main canvas's own scene (the one coming in, during a transition)
    /// did.
    pub fn render(
        &mut self,
        index: u64,
        canvases: &mut [Option<Canvases>],
        preview: &[bool],
    ) -> streamwerk_compositor::ComposeStats {
        self.advance(index);
        let step = self.transition.as_mut().map(|t| t.step(index));
        if step.is_some_and(|s| s.done) {
            self.end_transition();
        }
        let step = step.filter(|_| self.transition.is_some());
        let mut main = Default::default();
        for (k, c) in canvases.iter_mut().enumerate() {
            let Some(c) = c else { continue };
            c.showing_mixed = false;
            c.preview_changed = false;
            let list = self.preview.as_ref().and_then(|lists| lists.get(k));
            if let (Some(true), Some(list)) = (preview.get(k), list) {
                let (w, h) = (c.width, c.height);
                let compositor = c.preview.get_or_insert_with(|| Compositor::new(w, h));
                let stats = compositor.compose(&layers(&self.sources, list, view(k, true), None));
                c.preview_changed = stats.dirty_rects > 0;
            }
            let stats = self.draw(k, step, c);
            if k == 0 {
                main = stats;
            }
        }
        main
    }

    /// Composes canvas `k`'s program at `step` of the running transition (None: without one).
    fn draw(
        &self,
        k: usize,
        step: Option<transition::Step>,
        canvases: &mut Canvases,
    ) -> streamwerk_compositor::ComposeStats {
        let (w, h) = (canvases.width, canvases.height);
        let program = self.on_canvas(k);
        // The scene going out is program on this canvas too, so it draws in the same view.
        let on = view(k, false);
        let (Some(t), Some(step)) = (&self.transition, step) else {
            return canvases
                .program
                .compose(&layers(&self.sources, program, on, None));
        };
        let outgoing_layers = t.outgoing.get(k).map_or(&[][..], Vec::as_slice);
        if let Some(stinger) = t.stinger(k) {
            // The stinger covers the change: the scene underneath switches at its cut point.
            let base = if step.before_cut {
                outgoing_layers
            } else {
                program
            };
            return canvases
                .program
                .compose(&layers(&self.sources, base, on, stinger));
        }
        if step.first {
            // The program's caches hold the scene going out: that compositor takes it over.
            let outgoing = canvases
                .outgoing
                .get_or_insert_with(|| Compositor::new(w, h));
            std::mem::swap(outgoing, &mut canvases.program);
        }
        let outgoing = canvases
            .outgoing
            .get_or_insert_with(|| Compositor::new(w, h));
        outgoing.compose(&layers(&self.sources, outgoing_layers, on, None));
        let stats = canvases
            .program
            .compose(&layers(&self.sources, program, on, None));
        let mixed = canvases.mixed.get_or_insert_with(|| I420::new(w, h));
        let outgoing = canvases.outgoing.as_ref().expect("made above");
        t.draw(step, outgoing.i420(), canvases.program.i420(), mixed);
        canvases.showing_mixed = true;
        stats
    }
}

/// The compositor's layers of `list` as view number `view` shows them (plus a stinger on
/// top). Each compositor always composes one view, so its caches follow that view's pictures.
fn layers<'a>(
    sources: &'a [OpenVideo],
    list: &'a [(usize, Transform)],
    view: usize,
    top: Option<Layer<'a>>,
) -> SmallVec<[Layer<'a>; 32]> {
    list.iter()
        // A graphic that has animated out of this view draws nothing: left out, not
        // blended as blank.
        .filter_map(|(pos, transform)| {
            let open = &sources[*pos];
            Some(Layer {
                key: open.key,
                frame: open.source.frame_in(view)?,
                transform,
            })
        })
        .chain(top)
        .collect()
}

/// Composes one frame of `scene_name` at `seconds`, for previews and layout checks.
pub fn render_frame(
    collection: &Collection,
    scene_name: &str,
    seconds: f64,
) -> Result<Image, EngineError> {
    let mut scene = ActiveScene::open(collection, scene_name)?;
    let mut compositor = Compositor::new(collection.canvas.width, collection.canvas.height);
    let index = (seconds.max(0.0) * collection.canvas.fps as f64).round() as u64;
    // The scene starts at frame 0, as a program does: graphics shown at the start have
    // finished entering by a later frame.
    if index > 0 {
        scene.video.compose(0, &mut compositor);
    }
    scene.video.compose(index, &mut compositor);
    Ok(compositor.rgba().clone())
}

/// The picture size of every source the collection's scenes show, by id: opens them once
/// (files read, text rendered), for layouts made without a window.
pub fn source_sizes(collection: &Collection) -> Result<Vec<(String, u32, u32)>, EngineError> {
    let mut open = OpenSources::default();
    let mut sizes = Vec::new();
    for scene in &collection.scenes {
        let plan = ScenePlan::prepare(collection, Shown::program(&scene.name), None, &open)?;
        sizes.extend(plan.fresh_sizes());
        open = plan.open_after();
    }
    Ok(sizes)
}
