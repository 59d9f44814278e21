use crate::EngineError;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{AudioBlock, Image, Tick};
use streamwerk_scene::{Collection, Scene, Source, Transform};
use streamwerk_sources::{open_audio, open_video, AudioSource, TextRenderer, VideoSource};

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

/// The sound side: the scene's audio sources, summed.
pub struct SceneAudio {
    sources: Vec<Box<dyn AudioSource>>,
    scratch: AudioBlock,
    dither: fastrand::Rng,
}

/// A change of what is on screen, prepared away from the video thread: the sources that were
/// not open yet are opened here; [`SceneVideo::apply`] takes the others over from the running
/// scene.
pub struct ScenePlan {
    /// Definition of every source the scene shows, in the order the layers need them.
    needed: Vec<Source>,
    fresh: Vec<OpenVideo>,
    /// (index in `needed`, transform) per visible layer, bottom first.
    layers: Vec<(usize, Transform)>,
    pub audio: SceneAudio,
}

/// One step of 16-bit audio: the level of the master bus's dither.
const LSB_16: f32 = 1.0 / 32768.0;

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
        let (plan, audio) = ScenePlan::prepare(collection, scene_name, &[])?.split();
        let mut video = SceneVideo::empty(collection.canvas.fps);
        video.apply(plan);
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
    /// Prepares `scene_name` of `collection`, given the definitions of the video sources that
    /// will be open when the plan is applied (`open`): only the others are opened now.
    pub fn prepare(
        collection: &Collection,
        scene_name: &str,
        open: &[Source],
    ) -> Result<ScenePlan, EngineError> {
        let scene = find_scene(collection, scene_name)?;
        let mut text = TextRenderer::new();
        let mut needed: Vec<Source> = Vec::new();
        let mut fresh = Vec::new();
        let mut audio: Vec<Box<dyn AudioSource>> = Vec::new();
        let mut layers = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for layer in &scene.layers {
            let source = collection
                .source(&layer.source)
                .expect("validated: layers refer to existing sources");
            if !seen.contains(&source.id.as_str()) {
                seen.push(&source.id);
                if let Some(a) = open_audio(source)? {
                    audio.push(a);
                }
                if open.contains(source) {
                    needed.push(source.clone());
                } else if let Some(v) = open_video(source, collection, &mut text)? {
                    needed.push(source.clone());
                    fresh.push(OpenVideo {
                        definition: source.clone(),
                        key: NEXT_KEY.fetch_add(1, Relaxed),
                        source: v,
                    });
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
            audio: SceneAudio {
                sources: audio,
                scratch: AudioBlock::silent(collection.audio.channels as usize),
                dither: fastrand::Rng::with_seed(0x0057_524b),
            },
        })
    }

    /// Picture sizes of the sources this plan opens, by source id.
    pub fn fresh_sizes(&self) -> Vec<(String, u32, u32)> {
        self.fresh
            .iter()
            .map(|f| {
                let image = f.source.frame().image;
                (f.definition.id.clone(), image.width, image.height)
            })
            .collect()
    }

    /// Definitions of the video sources open once this plan is applied.
    pub fn open_after(&self) -> Vec<Source> {
        self.needed.clone()
    }

    /// Splits the plan for the two threads.
    pub fn split(self) -> (VideoPlan, SceneAudio) {
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
            let found = match fresh.iter().position(|f| f.definition == *definition) {
                Some(i) => Some(fresh.swap_remove(i)),
                None => old
                    .iter()
                    .position(|o| o.definition == *definition)
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

impl SceneAudio {
    /// No sound.
    pub fn silent(channels: usize) -> Self {
        SceneAudio {
            sources: Vec::new(),
            scratch: AudioBlock::silent(channels),
            dither: fastrand::Rng::with_seed(0x0057_524b),
        }
    }

    /// Mixes the block that starts at `start_sample` into `out`.
    pub fn mix(&mut self, start_sample: u64, out: &mut AudioBlock) {
        out.clear();
        for source in &mut self.sources {
            source.fill(start_sample, &mut self.scratch);
            for (o, s) in out.data.iter_mut().zip(&self.scratch.data) {
                *o += *s;
            }
        }
        // TPDF dither at the 16-bit level (-96 dBFS, inaudible), as a 16-bit chain would add.
        // Clean digital audio otherwise leaves bands of almost-zero energy that send FFmpeg's
        // AAC encoder into a slow search: 0.13 against 0.03 CPU s per second for a pure tone
        // (docs/benchmarks.md). Then keep the sum inside full scale.
        for o in &mut out.data {
            let tpdf = self.dither.f32() - self.dither.f32();
            *o = (*o + tpdf * LSB_16).clamp(-1.0, 1.0);
        }
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
    Ok(compositor.canvas().clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_scene::ToneSettings;
    use streamwerk_sources::Tone;

    #[test]
    fn the_mix_is_the_sum_plus_dither_below_one_16_bit_step() {
        let tone = ToneSettings {
            frequency_hz: 1000.0,
            level_dbfs: -20.0,
            beep_each_second: false,
        };
        let mut audio = SceneAudio {
            sources: vec![Box::new(Tone::new(&tone)), Box::new(Tone::new(&tone))],
            scratch: AudioBlock::silent(2),
            dither: fastrand::Rng::with_seed(7),
        };
        let mut mixed = AudioBlock::silent(2);
        audio.mix(48_000, &mut mixed);
        let mut single = AudioBlock::silent(2);
        Tone::new(&tone).fill(48_000, &mut single);
        let mut noise = 0f32;
        for (m, s) in mixed.data.iter().zip(&single.data) {
            let error = m - 2.0 * s;
            assert!(
                error.abs() < LSB_16,
                "dither stays within one 16-bit step: {error}"
            );
            noise = noise.max(error.abs());
        }
        assert!(noise > 0.0, "the dither is there");
    }
}
