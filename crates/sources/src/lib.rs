//! Everything that makes pictures or sound for the compositor and the mixer. A video source is
//! pulled once per tick on the video thread and answers with its current picture and what
//! changed; an audio source fills one block at a given sample time on the audio thread. Sources
//! that capture from hardware will run their own threads and hand over their latest frame here.

mod still;
mod test_pattern;
mod text;
mod tone;

pub use still::Still;
pub use test_pattern::TestPattern;
pub use text::{TextRenderer, TextStyle};
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
}

/// A source of sound, pulled by the audio thread.
pub trait AudioSource: Send {
    /// Fills `out` with the block that starts at `start_sample` on the master clock.
    fn fill(&mut self, start_sample: u64, out: &mut AudioBlock);
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
    #[error("source `{id}`: the {kind} source kind is not available in this build yet; remove it from the scene or use a test_pattern in its place")]
    Unavailable { id: String, kind: &'static str },
}

/// Opens the video side of `source`, or `None` for sound-only kinds.
pub fn open_video(
    source: &Source,
    collection: &Collection,
    text: &mut TextRenderer,
) -> Result<Option<Box<dyn VideoSource>>, SourceError> {
    let canvas: Canvas = collection.canvas;
    Ok(Some(match &source.kind {
        SourceKind::TestPattern(s) => Box::new(TestPattern::new(s, canvas, text)),
        SourceKind::Color(s) => Box::new(Still::new(Image::filled(
            s.width,
            s.height,
            s.color.premultiplied(),
        ))),
        SourceKind::Image(s) => {
            let path = collection.resolve(&s.path);
            Box::new(Still::new(still::load_image(&path).map_err(|reason| {
                SourceError::Image {
                    id: source.id.clone(),
                    path,
                    reason,
                }
            })?))
        }
        SourceKind::Text(s) => {
            let font = match &s.font {
                Some(path) => {
                    let path = collection.resolve(path);
                    Some(text.load_font(&path).map_err(|reason| SourceError::Font {
                        id: source.id.clone(),
                        path,
                        reason,
                    })?)
                }
                None => None,
            };
            Box::new(Still::new(text.render(&TextStyle::from_settings(s, font))))
        }
        SourceKind::Tone(_) | SourceKind::Microphone(_) => return Ok(None),
        SourceKind::Camera(_) | SourceKind::MediaFile(_) => {
            return Err(SourceError::Unavailable {
                id: source.id.clone(),
                kind: source.kind.name(),
            })
        }
    }))
}

/// Opens the sound side of `source`, or `None` for picture-only kinds.
pub fn open_audio(source: &Source) -> Result<Option<Box<dyn AudioSource>>, SourceError> {
    match &source.kind {
        SourceKind::Tone(s) => Ok(Some(Box::new(Tone::new(s)))),
        SourceKind::Microphone(_) | SourceKind::MediaFile(_) => Err(SourceError::Unavailable {
            id: source.id.clone(),
            kind: source.kind.name(),
        }),
        _ => Ok(None),
    }
}
