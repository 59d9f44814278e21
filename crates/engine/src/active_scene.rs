use crate::scene_audio::{AudioPlan, SceneAudio};
use crate::EngineError;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{Image, Tick};
use streamwerk_scene::{Collection, Scene, Source, Transform};
use streamwerk_sources::{TextRenderer, VideoSource};

/// A scene made ready to run: its sources opened, its visible layers listed bottom first.
/// The video half and the audio half go to different threads, so they are kept apart.
pub struct ActiveScene {
    pub video: SceneVideo,
    pub audio: SceneAudio,
}

/// The picture side: video sources and the layers that place them.
pub struct SceneVideo {
    sources: Vec<OpenVideo>,
    /// (position in `sources`, transform) per visible layer, bottom first.
    layers: Vec<(usize, Transform)>,
    fps: u32,
}

/// An open video source and the definition it was opened from, so an edit that leaves the
/// definition alone keeps the running source (and the compositor's caches of it).
struct OpenVideo {
    definition: Source,
    /// Unique for each opening, so the compositor never mistakes a reopened source for the
    /// one it cached.
    key: u64,
    source: Box<dyn VideoSource>,
}

/// A change of what is on screen, prepared away from the video thread: the sources that were
/// not open yet are opened here; [`SceneVideo::apply`] takes the others over from the running
/// scene.
pub struct ScenePlan {
    /// Definition of every source with a picture the scene shows, in the order the layers
    /// need them.
    needed: Vec<Source>,
    fresh: Vec<OpenVideo>,
    /// (index in `needed`, transform) per visible layer, bottom first.
    layers: Vec<(usize, Transform)>,
    audio: AudioPlan,
}

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

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
        let (plan, audio_plan) = ScenePlan::prepare(collection, scene_name, &[])?.split();
        let mut video = SceneVideo::empty(collection.canvas.fps);
        video.apply(plan);
        let mut audio = SceneAudio::silent(collection.audio.channels as usize);
        audio.apply(audio_plan);
        Ok(ActiveScene { video, audio })
    }
}

/// The video part of a [`ScenePlan`], for the video thread.
pub struct VideoPlan {
    needed: Vec<Source>,
    fresh: Vec<OpenVideo>,
    layers: Vec<(usize, Transform)>,
}

impl ScenePlan {
    /// Prepares `scene_name` of `collection`, given the definitions of the sources that will
    /// be open when the plan is applied (`open`): only the others are opened now.
    pub fn prepare(
        collection: &Collection,
        scene_name: &str,
        open: &[Source],
    ) -> Result<ScenePlan, EngineError> {
        let scene = find_scene(collection, scene_name)?;
        let mut text = TextRenderer::new();
        let mut needed: Vec<Source> = Vec::new();
        let mut fresh = Vec::new();
        let mut audio = AudioPlan::default();
        let mut layers = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for layer in &scene.layers {
            let source = collection
                .source(&layer.source)
                .expect("validated: layers refer to existing sources");
            if !seen.contains(&source.id.as_str()) {
                seen.push(&source.id);
                let running = open.iter().any(|o| o.same_media(source));
                if running {
                    if source.kind.has_video() {
                        needed.push(source.clone());
                    }
                    if source.kind.has_audio() {
                        audio.keep(source.clone());
                    }
                } else {
                    let opened = streamwerk_sources::open(source, collection, &mut text)?;
                    if let Some(v) = opened.video {
                        needed.push(source.clone());
                        fresh.push(OpenVideo {
                            definition: source.clone(),
                            key: NEXT_KEY.fetch_add(1, Relaxed),
                            source: v,
                        });
                    }
                    if let Some(a) = opened.audio {
                        audio.open(source.clone(), a);
                    }
                }
            }
            if layer.visible {
                if let Some(pos) = needed.iter().position(|d| d.id == source.id) {
                    layers.push((pos, layer.transform.clone()));
                }
            }
        }
        Ok(ScenePlan {
            needed,
            fresh,
            layers,
            audio,
        })
    }

    /// Picture sizes of the sources this plan opens, by source id.
    pub fn fresh_sizes(&self) -> Vec<(String, u32, u32)> {
        self.fresh
            .iter()
            .map(|f| {
                let (width, height) = f.source.frame().picture.size();
                (f.definition.id.clone(), width, height)
            })
            .collect()
    }

    /// Definitions of the sources open once this plan is applied.
    pub fn open_after(&self) -> Vec<Source> {
        let mut all = self.needed.clone();
        for source in self.audio.sources() {
            if !all.iter().any(|s| s.id == source.id) {
                all.push(source.clone());
            }
        }
        all
    }

    /// Splits the plan for the two threads.
    pub fn split(self) -> (VideoPlan, AudioPlan) {
        let audio = self.audio;
        let video = VideoPlan {
            needed: self.needed,
            fresh: self.fresh,
            layers: self.layers,
        };
        (video, audio)
    }
}

impl SceneVideo {
    /// Nothing on screen yet.
    pub fn empty(fps: u32) -> Self {
        SceneVideo {
            sources: Vec::new(),
            layers: Vec::new(),
            fps,
        }
    }

    pub fn fps(&self) -> u32 {
        self.fps
    }

    /// Switches to a prepared plan: sources it still needs are kept running, fresh ones
    /// come from the plan, the rest are closed.
    pub fn apply(&mut self, plan: VideoPlan) {
        let VideoPlan {
            needed,
            mut fresh,
            layers,
        } = plan;
        let mut old = std::mem::take(&mut self.sources);
        let mut sources = Vec::with_capacity(needed.len());
        let mut position = Vec::with_capacity(needed.len());
        for definition in &needed {
            let found = match fresh
                .iter()
                .position(|f| f.definition.same_media(definition))
            {
                Some(i) => Some(fresh.swap_remove(i)),
                None => old
                    .iter()
                    .position(|o| o.definition.same_media(definition))
                    .map(|i| old.swap_remove(i)),
            };
            position.push(found.is_some().then_some(sources.len()));
            if let Some(found) = found {
                sources.push(found);
            }
        }
        self.layers = layers
            .into_iter()
            .filter_map(|(i, transform)| position[i].map(|pos| (pos, transform)))
            .collect();
        self.sources = sources;
    }

    /// Advances every source to frame `index` and composes it.
    pub fn compose(
        &mut self,
        index: u64,
        compositor: &mut Compositor,
    ) -> streamwerk_compositor::ComposeStats {
        let tick = Tick {
            index,
            fps: self.fps,
        };
        for open in &mut self.sources {
            open.source.advance(tick);
        }
        let layers: SmallVec<[Layer; 32]> = self
            .layers
            .iter()
            .map(|(pos, transform)| {
                let open = &self.sources[*pos];
                Layer {
                    key: open.key,
                    frame: open.source.frame(),
                    transform,
                }
            })
            .collect();
        compositor.compose(&layers)
    }
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
    scene.video.compose(index, &mut compositor);
    Ok(compositor.rgba().clone())
}
