//! The OBS profile a collection was made with, found the way OBS finds it, and the canvas
//! Streamwerk makes of its size. A collection lives in `obs-studio/basic/scenes/NAME.json`;
//! profiles beside it in `basic/profiles/DIR/basic.ini` (`[Video] BaseCX/BaseCY`); OBS's own
//! settings (`obs-studio/user.ini` since OBS 31, `global.ini` before) name the profile in use
//! under `[Basic] ProfileDir`.

use crate::ImportError;
use std::path::{Path, PathBuf};
use streamwerk_scene::MAX_CANVAS;

/// The canvas size of an OBS profile folder: `[Video] BaseCX/BaseCY` of its basic.ini.
pub fn profile_canvas(dir: &Path) -> Result<(u32, u32), ImportError> {
    let file = dir.join("basic.ini");
    let ini = ini::Ini::load_from_file(&file).map_err(|e| ImportError::Read {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    let size = |key: &str| {
        ini.get_from(Some("Video"), key)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|v| (16..=16384).contains(v))
    };
    match (size("BaseCX"), size("BaseCY")) {
        (Some(w), Some(h)) => Ok((w & !1, h & !1)),
        _ => Err(ImportError::Profile { file }),
    }
}

/// The profile folder of the collection `file`, as OBS would pick it: the one OBS's settings
/// name, else the only one there is; None when the collection is not in OBS's folders or the
/// choice is not clear (then the collection's own size applies).
pub fn find_profile(file: &Path) -> Option<PathBuf> {
    let scenes = file.parent()?;
    let basic = scenes.parent()?;
    let profiles = basic.join("profiles");
    let usable = |dir: &Path| dir.join("basic.ini").is_file();
    let named = ["user.ini", "global.ini"].iter().find_map(|settings| {
        let ini = ini::Ini::load_from_file(basic.parent()?.join(settings)).ok()?;
        let dir = ini.get_from(Some("Basic"), "ProfileDir")?;
        // Only a folder name: a settings file is not a way to point outside `profiles`.
        let dir = Path::new(dir.trim());
        (dir.components().count() == 1).then(|| profiles.join(dir))
    });
    if let Some(dir) = named.filter(|d| usable(d)) {
        return Some(dir);
    }
    let mut found = std::fs::read_dir(&profiles)
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|dir| usable(dir));
    let only = found.next()?;
    found.next().is_none().then_some(only)
}

/// How big a canvas may be: Streamwerk's largest, or 1080p when the user asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CanvasLimit {
    #[default]
    Largest,
    /// Within 1920x1080 (1080x1920 for a portrait canvas).
    Hd1080,
}

/// `size` fitted within `limit` at the same shape (each side even), and the scale that takes
/// it there; unchanged (scale 1) when it fits. The largest canvas is 3840 wide and 2160 high
/// whatever its shape; 1080p is 1080x1920 for a portrait canvas.
pub fn fit_canvas(size: (u32, u32), limit: CanvasLimit) -> ((u32, u32), f64) {
    let (w, h) = size;
    let (max_w, max_h) = match limit {
        CanvasLimit::Largest => MAX_CANVAS,
        CanvasLimit::Hd1080 if h > w => (1080, 1920),
        CanvasLimit::Hd1080 => (1920, 1080),
    };
    let scale = (max_w as f64 / w as f64).min(max_h as f64 / h as f64);
    if scale >= 1.0 {
        return (size, 1.0);
    }
    let even = |v: u32| ((v as f64 * scale).round() as u32 & !1).max(16);
    ((even(w), even(h)), scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canvas_too_large_keeps_its_shape_within_the_limit() {
        use CanvasLimit::*;
        assert_eq!(fit_canvas((5120, 2880), Largest), ((3840, 2160), 0.75));
        assert_eq!(fit_canvas((4320, 2160), Largest).0, (3840, 1920));
        assert_eq!(fit_canvas((2160, 3840), Largest).0, (1214, 2160));
        assert_eq!(fit_canvas((1080, 1920), Hd1080), ((1080, 1920), 1.0));
        assert_eq!(fit_canvas((840, 1080), Largest), ((840, 1080), 1.0));
        assert_eq!(fit_canvas((3440, 1440), Hd1080).0, (1920, 804));
        assert_eq!(fit_canvas((840, 1080), Hd1080), ((840, 1080), 1.0));
    }

    #[test]
    fn the_profile_is_the_one_obs_names_else_the_only_one() {
        let root = tempfile::tempdir().unwrap();
        let obs = root.path().join("obs-studio");
        let file = obs.join("basic/scenes/Show.json");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let profile = |name: &str| {
            let dir = obs.join("basic/profiles").join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("basic.ini"), "[Video]\nBaseCX=840\nBaseCY=1080\n").unwrap();
            dir
        };
        assert_eq!(find_profile(&file), None, "no profiles");
        let only = profile("Teaching");
        assert_eq!(find_profile(&file), Some(only.clone()), "the only one");
        let other = profile("Gaming");
        assert_eq!(find_profile(&file), None, "two, and OBS names neither");
        std::fs::write(
            obs.join("global.ini"),
            "[Basic]\nProfile=Gaming\nProfileDir=Gaming\n",
        )
        .unwrap();
        assert_eq!(find_profile(&file), Some(other), "named in global.ini");
        std::fs::write(obs.join("user.ini"), "[Basic]\nProfileDir=Teaching\n").unwrap();
        assert_eq!(find_profile(&file), Some(only), "user.ini wins (OBS 31+)");
        std::fs::write(
            obs.join("user.ini"),
            "[Basic]\nProfileDir=../../elsewhere\n",
        )
        .unwrap();
        assert_ne!(find_profile(&file), None);
        assert!(find_profile(&file)
            .unwrap()
            .starts_with(obs.join("basic/profiles")));
    }
}
