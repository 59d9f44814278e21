//! Where the program's own files are: the built UI (with the guest page) and the demo with its
//! brand kit, fonts and logos. A package puts them in `PREFIX/share/streamwerk` beside
//! `PREFIX/bin/streamwerk`, so they are found from the running executable wherever it is
//! installed; a binary run from the source tree it was built in (make run, the tests) uses
//! that tree. `STREAMWERK_DATA_DIR` names another folder of the installed layout.

use std::path::{Path, PathBuf};

/// Names another data folder, laid out as an installed one (`ui/`, `assets/`).
pub const DATA_DIR_ENV: &str = "STREAMWERK_DATA_DIR";

/// The installed data folder, if the executable has one beside it (or the environment
/// names one).
fn installed() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Some(dir.into());
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.join("share/streamwerk");
    dir.join("ui/index.html").exists().then_some(dir)
}

/// The source tree this binary was built from.
fn source_tree() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The built UI: `index.html`, the studio's page, and `guest.html`, the guest page.
pub fn ui_dir() -> PathBuf {
    installed().map_or_else(|| source_tree().join("ui/dist"), |d| d.join("ui"))
}

/// The folder of the demo's files (`scenes/demo.json`, `brand/`, `fonts/`, `logos/`).
pub fn assets_dir() -> PathBuf {
    installed().map_or_else(|| source_tree().join("assets"), |d| d.join("assets"))
}
