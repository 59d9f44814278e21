//! An OBS scene collection imported with what this machine has: its cameras and sound inputs
//! to match by name, and each imported source opened once by the engine to learn its size.
//! The command line's `import-obs` and the studio's Import from OBS both use it.

use crate::documents::{beside, save_json};
use crate::refused;
use std::path::Path;
use streamwerk_obs_import::{
    find_profile, import, profile_canvas, CanvasLimit, Devices, ImportError, Imported, Options,
    Profile,
};
use streamwerk_protocol::NoticeLevel;
use streamwerk_scene::{Collection, Scene, SourceKind};

/// Imports `file` for a collection to be saved in `out_dir`; the canvas from the OBS profile
/// folder `profile_dir` when given, else from the profile OBS would use for it (beside it in
/// OBS's folders), fitted within `limit`.
pub fn import_obs(
    file: &Path,
    profile_dir: Option<&Path>,
    out_dir: &Path,
    limit: CanvasLimit,
) -> Result<Imported, ImportError> {
    let text = std::fs::read_to_string(file).map_err(|e| ImportError::Read {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let name = |dir: &Path| {
        dir.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    let profile = match profile_dir {
        Some(dir) => Some(Profile {
            name: name(dir),
            size: profile_canvas(dir)?,
            found: false,
        }),
        // A profile found but unreadable is as good as none: the collection's own size then.
        None => find_profile(file).and_then(|dir| {
            Some(Profile {
                name: name(&dir),
                size: profile_canvas(&dir).ok()?,
                found: true,
            })
        }),
    };
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
        profile,
        limit,
        base_dir: out_dir.to_path_buf(),
        devices: Devices {
            cameras: &cameras,
            microphones: &microphones,
        },
    };
    import(&text, file, &options, &natural_sizes)
}

/// Each picture source of `probe` opened alone, so one that cannot open (its size then stays
/// unknown, and the report says so) does not hide the others'. A camera is not opened: its
/// picture is the size it asks for, else the canvas's.
fn natural_sizes(probe: &Collection) -> Vec<(String, u32, u32)> {
    let mut sizes = Vec::new();
    for layer in probe.scenes.iter().flat_map(|s| &s.layers) {
        if let Some(SourceKind::Camera(camera)) = probe.source(&layer.source).map(|s| &s.kind) {
            let canvas = probe.canvas;
            let size = (
                camera.width.unwrap_or(canvas.width),
                camera.height.unwrap_or(canvas.height),
            );
            sizes.push((layer.source.clone(), size.0, size.1));
            continue;
        }
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
        limit: CanvasLimit,
    ) -> Result<(), crate::StudioError> {
        let file = beside(&inner.collection_path, path);
        let profile_dir = profile_dir.map(|p| beside(&inner.collection_path, p));
        let folder = inner
            .collection_path
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let imported = import_obs(&file, profile_dir.as_deref(), &folder, limit)
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
