//! Transitions on the program's threads: what the video thread draws while one scene gives
//! way to the next (a crossfade, a slide, or a stinger file over a cut) and how the audio
//! thread fades their sound. Prepared on the control thread (a stinger's file is opened
//! there), run frame by frame; a new switch finishes a running transition at once.

use crate::active_scene::{new_key, Layers};
use crate::EngineError;
use streamwerk_compositor::Layer;
use streamwerk_media::{Tick, I420, SAMPLE_RATE};
use streamwerk_scene::{
    Collection, MediaFileSettings, SlideDirection, Source, SourceKind, Transform, Transition,
};
use streamwerk_sources::{AudioSource, TextRenderer, VideoSource};

/// A transition ready for the video thread.
pub(crate) struct TransitionPlan {
    kind: Kind,
    /// How many frames it lasts; 0 is a cut.
    frames: u64,
}

enum Kind {
    Fade,
    Slide(SlideDirection),
    Stinger {
        source: Box<dyn VideoSource>,
        key: u64,
        /// Per canvas, `main` first: the stinger covers it.
        transforms: Vec<Transform>,
        /// Frames into the transition at which the scene underneath switches.
        cut: u64,
    },
}

/// How the sound of the two scenes changes over: the scene going out fades over
/// `out_start..out_start + out_len` samples after the switch, the one coming in over
/// `in_start..in_start + in_len`. A stinger's own sound plays over both, `length` samples.
pub struct AudioTransition {
    pub(crate) out_start: u64,
    pub(crate) out_len: u64,
    pub(crate) in_start: u64,
    pub(crate) in_len: u64,
    pub(crate) stinger: Option<Box<dyn AudioSource>>,
    pub(crate) length: u64,
}

impl AudioTransition {
    /// The sound switches at once (and a running fade ends).
    pub(crate) fn cut() -> Self {
        AudioTransition {
            out_start: 0,
            out_len: 0,
            in_start: 0,
            in_len: 0,
            stinger: None,
            length: 0,
        }
    }

    /// The gain of the sound going out and of the sound coming in, `at` samples after the
    /// switch.
    pub(crate) fn gains(&self, at: u64) -> (f32, f32) {
        let ramp = |start: u64, len: u64| {
            if at < start {
                0.0
            } else if len == 0 || at >= start + len {
                1.0
            } else {
                (at - start) as f32 / len as f32
            }
        };
        (
            1.0 - ramp(self.out_start, self.out_len),
            ramp(self.in_start, self.in_len),
        )
    }

    /// Whether everything has faded (the stinger's sound included) `at` samples in.
    pub(crate) fn done(&self, at: u64) -> bool {
        at >= (self.out_start + self.out_len)
            .max(self.in_start + self.in_len)
            .max(self.length)
    }
}

/// Prepares `transition` for `collection`'s canvas: frames for the video thread, gains for
/// the audio thread.
pub(crate) fn prepare(
    transition: &Transition,
    collection: &Collection,
) -> Result<(TransitionPlan, AudioTransition), EngineError> {
    let fps = u64::from(collection.canvas.fps);
    let frames = |ms: u32| (u64::from(ms) * fps + 500) / 1000;
    let samples = |ms: u32| u64::from(ms) * u64::from(SAMPLE_RATE) / 1000;
    let crossfade = |ms: u32| AudioTransition {
        out_start: 0,
        out_len: samples(ms),
        in_start: 0,
        in_len: samples(ms),
        stinger: None,
        length: 0,
    };
    Ok(match transition {
        Transition::Cut => (
            TransitionPlan {
                kind: Kind::Fade,
                frames: 0,
            },
            AudioTransition::cut(),
        ),
        Transition::Fade { duration_ms } => (
            TransitionPlan {
                kind: Kind::Fade,
                frames: frames(*duration_ms),
            },
            crossfade(*duration_ms),
        ),
        Transition::Slide {
            direction,
            duration_ms,
        } => (
            TransitionPlan {
                kind: Kind::Slide(*direction),
                frames: frames(*duration_ms),
            },
            crossfade(*duration_ms),
        ),
        Transition::Stinger {
            path,
            cut_point_ms,
            duration_ms,
        } => {
            let resolved = collection.resolve(path);
            let failed = |reason: String| EngineError::Stinger {
                path: resolved.display().to_string(),
                reason,
            };
            let source = Source {
                id: "transition stinger".into(),
                name: String::new(),
                kind: SourceKind::MediaFile(MediaFileSettings {
                    path: resolved.clone(),
                    looping: false,
                    start_s: 0.0,
                }),
                audio: Default::default(),
            };
            let opened = streamwerk_sources::open(&source, collection, &mut TextRenderer::new())
                .map_err(|e| failed(e.to_string()))?;
            let video = opened
                .video
                .ok_or_else(|| failed("it has no picture".into()))?;
            let length_ms = match duration_ms {
                Some(ms) => *ms,
                None => streamwerk_sources::media_duration(&resolved)
                    .map(|s| (s * 1000.0).round() as u32)
                    .ok_or_else(|| {
                        failed("its length is unknown; give the transition a duration_ms".into())
                    })?
                    .min(streamwerk_scene::MAX_TRANSITION_MS),
            };
            let cut_ms = (*cut_point_ms).min(length_ms);
            let natural = video.frame().picture.size();
            let transforms = collection
                .canvas_sizes()
                .into_iter()
                .enumerate()
                .map(|(k, (_, w, h))| cover(natural, (w, h), k == 0))
                .collect();
            (
                TransitionPlan {
                    kind: Kind::Stinger {
                        source: video,
                        key: new_key(),
                        transforms,
                        cut: frames(cut_ms),
                    },
                    frames: frames(length_ms),
                },
                // The scene's sound fades out up to the cut and the next fades in after it,
                // under the stinger's own.
                AudioTransition {
                    out_start: 0,
                    out_len: samples(cut_ms),
                    in_start: samples(cut_ms),
                    in_len: samples(length_ms - cut_ms),
                    stinger: opened.audio,
                    length: samples(length_ms),
                },
            )
        }
    })
}

/// Where a stinger of `natural` size lands on a canvas: stretched over the main one, as made
/// for it; centred and scaled to cover another (a 16:9 stinger over a vertical canvas keeps
/// its shape, its sides cut off).
fn cover(natural: (u32, u32), (w, h): (u32, u32), stretch: bool) -> Transform {
    let (nw, nh) = (natural.0 as f32, natural.1 as f32);
    let (w, h) = (w as f32, h as f32);
    let (width, height) = if stretch || nw < 1.0 || nh < 1.0 {
        (w, h)
    } else {
        let s = (w / nw).max(h / nh);
        (nw * s, nh * s)
    };
    Transform {
        x: ((w - width) / 2.0).round(),
        y: ((h - height) / 2.0).round(),
        width: Some(width.round()),
        height: Some(height.round()),
        ..Transform::default()
    }
}

/// Checks that `transition` can run on `collection` (a stinger's file opens and has a
/// picture), without running it.
pub fn check_transition(
    collection: &Collection,
    transition: &Transition,
) -> Result<(), EngineError> {
    prepare(transition, collection).map(drop)
}

/// Where a running transition stands at one frame.
#[derive(Clone, Copy)]
pub(crate) struct Step {
    /// The transition's first frame.
    pub first: bool,
    /// Past its last frame: program alone from here.
    pub done: bool,
    /// A stinger has not reached its cut point yet.
    pub before_cut: bool,
    /// 0 at the first frame, towards 1 at the last.
    amount: f32,
}

/// A transition on the video thread.
pub(crate) struct Running {
    plan: TransitionPlan,
    /// The layers of the scene going out on each canvas, as the program's are kept.
    pub outgoing: Vec<Layers>,
    /// The frame it started at (its first composed frame).
    start: Option<u64>,
}

impl Running {
    pub fn new(plan: TransitionPlan, outgoing: Vec<Layers>) -> Self {
        Running {
            plan,
            outgoing,
            start: None,
        }
    }

    /// A cut: nothing to run.
    pub fn is_instant(&self) -> bool {
        self.plan.frames == 0
    }

    /// Advances the stinger, if any, with the program's sources.
    pub fn advance(&mut self, tick: Tick) {
        if let Kind::Stinger { source, .. } = &mut self.plan.kind {
            source.advance(tick);
        }
    }

    /// Where the transition stands at frame `index`.
    pub fn step(&mut self, index: u64) -> Step {
        let first = self.start.is_none();
        let k = index - *self.start.get_or_insert(index);
        let frames = self.plan.frames;
        Step {
            first,
            done: k >= frames,
            before_cut: matches!(self.plan.kind, Kind::Stinger { cut, .. } if k < cut),
            amount: k as f32 / frames as f32,
        }
    }

    /// The stinger's layer over canvas `k`, once its file shows a picture.
    pub fn stinger(&self, k: usize) -> Option<Option<Layer<'_>>> {
        match &self.plan.kind {
            Kind::Stinger {
                source,
                key,
                transforms,
                ..
            } => {
                let frame = source.frame();
                Some((frame.generation > 0).then(|| Layer {
                    key: *key,
                    frame,
                    transform: &transforms[k.min(transforms.len() - 1)],
                }))
            }
            _ => None,
        }
    }

    /// Draws a fade's or a slide's picture at `step` from the two composed scenes.
    pub fn draw(&self, step: Step, from: &I420, to: &I420, out: &mut I420) {
        match self.plan.kind {
            Kind::Slide(direction) => {
                streamwerk_compositor::slide(from, to, direction, ease(step.amount), out)
            }
            _ => streamwerk_compositor::fade(from, to, step.amount, out),
        }
    }
}

/// Cubic ease in and out: a slide starts and lands gently, as OBS's does.
pub fn ease(t: f32) -> f32 {
    if t < 0.5 {
        4.0 * t * t * t
    } else {
        1.0 - (-2.0 * t + 2.0).powi(3) / 2.0
    }
}
