//! Chapter markers of a recording. Each one is written at once to a sidecar file beside the
//! recording (`show.mkv.chapters.json`), so a recording that was killed keeps them, and
//! `remux` puts them back; a Matroska recording that ends normally carries them as chapters.

use crate::OutputError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use streamwerk_encode::ffmpeg;

/// One marker: where it starts on the recording's timeline, and its title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    pub start_ms: i64,
    pub title: String,
}

/// The markers of one recording, shared by whoever adds them and the recording's thread.
#[derive(Clone)]
pub struct Markers {
    sidecar: PathBuf,
    chapters: Arc<Mutex<Vec<Chapter>>>,
    /// Where the recording's timeline starts on the show's (ms): it started at its first
    /// picture, maybe long into the show.
    origin_ms: Arc<AtomicI64>,
}

/// Where the markers of `recording` are kept.
fn sidecar(recording: &Path) -> PathBuf {
    let mut name = recording.as_os_str().to_owned();
    name.push(".chapters.json");
    PathBuf::from(name)
}

impl Markers {
    pub fn new(recording: &Path) -> Markers {
        Markers {
            sidecar: sidecar(recording),
            chapters: Arc::default(),
            origin_ms: Arc::default(),
        }
    }

    /// The recording's first picture is `ms` into the show: markers count from there.
    pub fn set_origin(&self, ms: i64) {
        self.origin_ms.store(ms, Relaxed);
    }

    /// Adds a marker `show_ms` into the show (titled "Marker N" when `title` is empty) and
    /// rewrites the sidecar; returns the marker's number.
    pub fn add(&self, show_ms: i64, title: Option<&str>) -> Result<usize, OutputError> {
        let start_ms = (show_ms - self.origin_ms.load(Relaxed)).max(0);
        let mut chapters = self.chapters.lock().unwrap();
        let number = chapters.len() + 1;
        let title = match title.map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => format!("Marker {number}"),
        };
        chapters.push(Chapter { start_ms, title });
        let text = serde_json::to_string_pretty(&*chapters).expect("chapters serialise");
        let tmp = self.sidecar.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|()| std::fs::rename(&tmp, &self.sidecar))
            .map_err(|source| OutputError::Sidecar {
                path: self.sidecar.clone(),
                source,
            })?;
        Ok(number)
    }

    pub fn chapters(&self) -> Vec<Chapter> {
        self.chapters.lock().unwrap().clone()
    }
}

/// Adds (or, with the same ids, updates) `chapters` to a container being written, each ending
/// where the next starts and the last at `end_ms`.
pub(crate) fn add_chapters(
    output: &mut ffmpeg::format::context::Output,
    chapters: &[Chapter],
    end_ms: i64,
) -> Result<(), ffmpeg::Error> {
    for (i, chapter) in chapters.iter().enumerate() {
        let end = chapters.get(i + 1).map_or(end_ms, |next| next.start_ms);
        output.add_chapter(
            i as i64 + 1,
            ffmpeg::Rational::new(1, 1000),
            chapter.start_ms,
            end.max(chapter.start_ms),
            &chapter.title,
        )?;
    }
    Ok(())
}

/// The markers a sidecar holds; none when there is no sidecar.
pub fn read_sidecar(recording: &Path) -> Result<Vec<Chapter>, OutputError> {
    let path = sidecar(recording);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| OutputError::SidecarFormat {
            path,
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(OutputError::Sidecar { path, source }),
    }
}
