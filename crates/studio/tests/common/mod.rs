//! What the studio's tests share: the demo opened in a studio of its own, and a refusal's text.

use std::path::Path;
use std::sync::Arc;
use streamwerk_keys::KeyStore;
use streamwerk_studio::{Studio, StudioError};

/// A studio on a copy of the demo in `dir` (its logo paths made absolute), with its profile
/// and key file there too.
pub fn demo_studio(dir: &Path) -> Arc<Studio> {
    let assets = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test"))
        .join("../../assets");
    let text = std::fs::read_to_string(assets.join("scenes/demo.json")).unwrap();
    let text = text.replace("../logos/", &format!("{}/", assets.join("logos").display()));
    let file = dir.join("demo.json");
    std::fs::write(&file, text).unwrap();
    Studio::open(
        &file,
        &dir.join("profile.json"),
        KeyStore::with_file(dir.join("keys.json")),
    )
    .unwrap()
}

pub fn refusal(result: Result<(), StudioError>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(()) => panic!("the command was accepted"),
    }
}
