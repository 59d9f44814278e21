//! Everything that makes pictures or sound for the compositor and the mixer. A video source is
//! pulled once per tick on the video thread and answers with its current picture and what
//! changed; an audio source fills one block at a given sample time on the audio thread. Sources
//! that capture from hardware run their own threads and hand over their latest frame or samples here.

mod camera;
mod card;
mod guest;
mod media_file;
mod microphone;
mod network_input;
mod still;
mod template;
mod test_pattern;
mod text;
mod tone;

pub use camera::CameraSource;
pub use guest::{GuestSound, GuestSource};
pub use media_file::{duration as media_duration, MediaAudio, MediaVideo, ToCanvas};
pub use microphone::Microphone;
pub use still::{load_image, Still};
pub use template::{Template, TemplateFonts};
pub use test_pattern::TestPattern;
pub use text::{Face, TextRenderer, TextStyle};
pub use tone::Tone;

use std::path::PathBuf;
use streamwerk_media::{AudioBlock, Image, Tick, VideoFrame};
use streamwerk_scene::{Canvas, Collection, Source, SourceKind};

/// A source of pictures, pulled by the video thread.
pub trait VideoSource: Send {
    /// Brings the picture up to `tick`. Must not block: a capture source swaps in its latest
    /// frame, a synthetic one draws.
    fn advance(&mut self, tick: Tick);

    /// The current picture; a source may appear in several layers, so this only reads.
    fn frame(&self) -> VideoFrame<'_>;

    /// Whether a layer shows it in each view (by [`view`] number; None: no layer there),
    /// told after every scene change: a graphic animates in and out in each view apart (its
    /// layer stays composed while hidden, so the way out is seen), so it can be out on one
    /// canvas and in on another.
    fn set_shown(&mut self, _shown: &[Option<bool>]) {}

    /// The picture for `view`, or None where it draws nothing (a graphic that has animated
    /// out there): that layer is left out of composing. Most sources look the same in every
    /// view.
    fn frame_in(&self, _view: usize) -> Option<VideoFrame<'_>> {
        Some(self.frame())
    }
}

/// The number of a view: a canvas's program, or its studio-mode preview scene. The numbers do
/// not depend on how many canvases there are, so a view keeps its number across plans.
pub fn view(canvas: usize, preview: bool) -> usize {
    canvas * 2 + usize::from(preview)
}

/// A source of sound, pulled by the audio thread.
pub trait AudioSource: Send {
    /// Fills `out` with the block that starts at `start_sample` on the master clock.
    fn fill(&mut self, start_sample: u64, out: &mut AudioBlock);

    /// Whether the device behind it delivers; generators always do.
    fn state(&self) -> DeviceState {
        DeviceState::Live
    }
}

/// Where a capture source stands, for the mixer's strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    Opening,
    Live,
    /// Missing or failing: silent (or a placeholder picture) and retried every second.
    Disconnected,
    /// A remote guest connected but waiting in the lobby: heard by nobody yet.
    Waiting,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("source `{id}`: cannot read image {}: {reason}", path.display())]
    Image {
        id: String,
        path: PathBuf,
        reason: String,
    },
    #[error("source `{id}`: cannot load font {}: {reason}", path.display())]
    Font {
        id: String,
        path: PathBuf,
        reason: String,
    },
    #[error("source `{id}`: cannot play {}: {reason}; check that the file is a video or audio file FFmpeg reads", path.display())]
    Media {
        id: String,
        path: PathBuf,
        reason: String,
    },
}

/// The two halves of an open source: its picture for the video thread and its sound for the
/// audio thread. A media file has both, sharing one decoder.
#[derive(Default)]
pub struct Opened {
    pub video: Option<Box<dyn VideoSource>>,
    pub audio: Option<Box<dyn AudioSource>>,
}

/// Opens `source`. Hardware that is missing does not fail here: a camera shows a placeholder
/// and a microphone stays silent until the device appears.
pub fn open(
    source: &Source,
    collection: &Collection,
    text: &mut TextRenderer,
) -> Result<Opened, SourceError> {
    let canvas: Canvas = collection.canvas;
    let video = |v: Box<dyn VideoSource>| Opened {
        video: Some(v),
        audio: None,
    };
    Ok(match &source.kind {
        SourceKind::TestPattern(s) => video(Box::new(TestPattern::new(s, canvas, text))),
        SourceKind::Color(s) => video(Box::new(Still::new(Image::filled(
            s.width,
            s.height,
            s.color.premultiplied(),
        )))),
        SourceKind::Image(s) => {
            let path = collection.resolve(&s.path);
            video(Box::new(Still::new(still::load_image(&path).map_err(
                |reason| SourceError::Image {
                    id: source.id.clone(),
                    path,
                    reason,
                },
            )?)))
        }
        SourceKind::Text(s) => {
            let font = load_font(&source.id, s.font.as_deref(), collection, text)?;
            video(Box::new(Still::new(
                text.render(&TextStyle::from_settings(s, font)),
            )))
        }
        SourceKind::Template(s) => {
            let fonts = TemplateFonts {
                headline: load_font(&source.id, s.font.as_deref(), collection, text)?,
                body: load_font(&source.id, s.body_font.as_deref(), collection, text)?,
            };
            video(Box::new(Template::new(s, canvas.fps, fonts, text)))
        }
        SourceKind::Camera(s) => video(Box::new(CameraSource::open(s, canvas, text))),
        SourceKind::Guest(s) => Opened {
            video: Some(Box::new(GuestSource::open(s, canvas, text))),
            audio: Some(Box::new(GuestSound::open(s))),
        },
        SourceKind::Tone(s) => Opened {
            video: None,
            audio: Some(Box::new(Tone::new(s))),
        },
        SourceKind::Microphone(s) => Opened {
            video: None,
            audio: Some(Box::new(Microphone::open(s))),
        },
        SourceKind::MediaFile(s) if network_input::is_network(&s.path) => {
            let channels = collection.audio.channels as usize;
            let (video, audio) =
                network_input::open(&s.path.to_string_lossy(), canvas.fps, channels);
            Opened {
                video: Some(Box::new(video)),
                audio: Some(Box::new(audio)),
            }
        }
        SourceKind::MediaFile(s) => {
            let path = collection.resolve(&s.path);
            let channels = collection.audio.channels as usize;
            let (video, audio) =
                media_file::open(s, &path, canvas.fps, channels).map_err(|reason| {
                    SourceError::Media {
                        id: source.id.clone(),
                        path,
                        reason,
                    }
                })?;
            Opened {
                video: video.map(|v| Box::new(v) as Box<dyn VideoSource>),
                audio: audio.map(|a| Box::new(a) as Box<dyn AudioSource>),
            }
        }
    })
}

/// Loads a source's font file, when it names one, and returns its face.
fn load_font(
    id: &str,
    font: Option<&std::path::Path>,
    collection: &Collection,
    text: &mut TextRenderer,
) -> Result<Option<Face>, SourceError> {
    let Some(path) = font else { return Ok(None) };
    let path = collection.resolve(path);
    text.load_font(&path)
        .map(Some)
        .map_err(|reason| SourceError::Font {
            id: id.to_string(),
            path,
            reason,
        })
}
