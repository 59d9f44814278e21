//! An OBS scene collection imported with what this machine has: its cameras and sound inputs
//! to match by name, and each imported source opened once by the engine to learn its size.
//! The command line's `import-obs` and the studio's Import from OBS both use it.

use crate::documents::{beside, save_json};
use crate::refused;
use std::path::Path;
use streamwerk_obs_import::{import, profile_canvas, Devices, ImportError, Imported, Options};
use streamwerk_protocol::NoticeLevel;
use streamwerk_scene::{Collection, Scene};

/// Imports `file` for a collection to be saved in `out_dir`; the canvas from the OBS profile
/// folder `profile_dir` when given.
pub fn import_obs(
    file: &Path,
    profile_dir: Option<&Path>,
    out_dir: &Path,
) -> Result<Imported, ImportError> {
    let text = std::fs::read_to_string(file).map_err(|e| ImportError::Read {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let canvas = profile_dir.map(profile_canvas).transpose()?;
    // No devices is a machine without a camera, not a failure: placeholders then.
    let devices = streamwerk_capture::list_devices().ok();
    let cameras: Vec<(String, String)> = devices
        .iter()
        .flat_map(|d| &d.cameras)
        .map(|c| (c.index.to_string(), c.name.clone()))
        .collect();
    let microphones: Vec<(String, String)> = devices
        .iter()
        .flat_map(|d| &d.audio_inputs)
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    let options = Options {
        canvas,
        base_dir: out_dir.to_path_buf(),
        devices: Devices {
            cameras: &cameras,
            microphones: &microphones,
        },
    };
    import(&text, file, &options, &natural_sizes)
}

/// Each picture source of `probe` opened alone, so one that cannot open (its size then stays
/// unknown, and the report says so) does not hide the others'.
fn natural_sizes(probe: &Collection) -> Vec<(String, u32, u32)> {
    let mut sizes = Vec::new();
    for layer in probe.scenes.iter().flat_map(|s| &s.layers) {
        let mut one = probe.clone();
        one.scenes = vec![Scene {
            name: "probe".into(),
            layers: vec![layer.clone()],
            layouts: Default::default(),
            transition: None,
        }];
        match streamwerk_engine::source_sizes(&one) {
            Ok(found) => sizes.extend(found),
            Err(e) => tracing::warn!("{}: {e}", layer.source),
        }
    }
    sizes
}

impl crate::Studio {
    /// `ImportObs`: the OBS collection at `path` imported into a new file beside the open
    /// collection (never replacing one), then opened; the report goes out as a notice.
    pub(crate) fn import_obs(
        &self,
        inner: &mut crate::Inner,
        path: &str,
        profile_dir: Option<&str>,
    ) -> Result<(), crate::StudioError> {
        let file = beside(&inner.collection_path, path);
        let profile_dir = profile_dir.map(|p| beside(&inner.collection_path, p));
        let folder = inner
            .collection_path
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let imported = import_obs(&file, profile_dir.as_deref(), &folder)
            .map_err(|e| refused(e.to_string()))?;
        crate::accept(streamwerk_scene::check_collection(&imported.collection))?;
        let stem = file
            .file_stem()
            .map_or_else(|| "obs".into(), |s| s.to_string_lossy().into_owned());
        let mut out = folder.join(format!("{stem}-from-obs.json"));
        let mut n = 2;
        while out.exists() {
            out = folder.join(format!("{stem}-from-obs-{n}.json"));
            n += 1;
        }
        save_json(&out, &imported.collection.to_document())?;
        let scene = imported.collection.scenes[0].name.clone();
        self.replace_collection(inner, imported.collection, scene)?;
        inner.collection_path = out.clone();
        self.notice(
            NoticeLevel::Info,
            format!(
                "imported {} as {}: {}",
                file.display(),
                out.display(),
                imported.report
            ),
        );
        Ok(())
    }
}
