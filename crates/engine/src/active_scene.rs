use crate::EngineError;
use smallvec::SmallVec;
use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{AudioBlock, Image, Tick};
use streamwerk_scene::{Collection, Transform};
use streamwerk_sources::{open_audio, open_video, AudioSource, TextRenderer, VideoSource};

/// A scene made ready to run: its sources opened, its visible layers listed bottom first.
/// The video half and the audio half go to different threads, so they are kept apart.
pub struct ActiveScene {
    pub video: SceneVideo,
    pub audio: SceneAudio,
}

/// The picture side: video sources and the layers that place them.
pub struct SceneVideo {
    /// Keyed by the source's index in the collection.
    sources: Vec<(u64, Box<dyn VideoSource>)>,
    /// (position in `sources`, transform) per visible layer, bottom first.
    layers: Vec<(usize, Transform)>,
    fps: u32,
}

/// The sound side: the scene's audio sources, summed.
pub struct SceneAudio {
    sources: Vec<Box<dyn AudioSource>>,
    scratch: AudioBlock,
    dither: fastrand::Rng,
}

/// One step of 16-bit audio: the level of the master bus's dither.
const LSB_16: f32 = 1.0 / 32768.0;

impl ActiveScene {
    /// Opens every source the scene uses; sources a scene uses twice are opened once.
    pub fn open(collection: &Collection, scene_name: &str) -> Result<Self, EngineError> {
        let scene = collection
            .scene(scene_name)
            .ok_or_else(|| EngineError::UnknownScene {
                name: scene_name.to_string(),
                available: collection
                    .scenes
                    .iter()
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut text = TextRenderer::new();
        let mut video: Vec<(u64, Box<dyn VideoSource>)> = Vec::new();
        let mut audio: Vec<Box<dyn AudioSource>> = Vec::new();
        let mut layers = Vec::new();
        let mut opened: Vec<usize> = Vec::new();
        for layer in &scene.layers {
            let index = collection
                .sources
                .iter()
                .position(|s| s.id == layer.source)
                .expect("validated: layers refer to existing sources");
            let source = &collection.sources[index];
            if !opened.contains(&index) {
                opened.push(index);
                if let Some(v) = open_video(source, collection, &mut text)? {
                    video.push((index as u64, v));
                }
                if let Some(a) = open_audio(source)? {
                    audio.push(a);
                }
            }
            if layer.visible {
                if let Some(pos) = video.iter().position(|(key, _)| *key == index as u64) {
                    layers.push((pos, layer.transform.clone()));
                }
            }
        }
        Ok(ActiveScene {
            video: SceneVideo {
                sources: video,
                layers,
                fps: collection.canvas.fps,
            },
            audio: SceneAudio {
                sources: audio,
                scratch: AudioBlock::silent(collection.audio.channels as usize),
                dither: fastrand::Rng::with_seed(0x0057_524b),
            },
        })
    }
}

impl SceneVideo {
    pub fn fps(&self) -> u32 {
        self.fps
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
        for (_, source) in &mut self.sources {
            source.advance(tick);
        }
        let layers: SmallVec<[Layer; 32]> = self
            .layers
            .iter()
            .map(|(pos, transform)| {
                let (key, source) = &self.sources[*pos];
                Layer {
                    key: *key,
                    frame: source.frame(),
                    transform,
                }
            })
            .collect();
        compositor.compose(&layers)
    }
}

impl SceneAudio {
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
