//! What the studio's tests share: the demo opened in a studio of its own, and a refusal's text.

use std::path::Path;
use std::sync::Arc;
use streamwerk_keys::KeyStore;
use streamwerk_studio::{Studio, StudioError};

/// A studio on a copy of the demo in `dir` (its logo paths made absolute), with its profile
/// and key file there too.
pub fn demo_studio(dir: &Path) -> Arc<Studio> {
    let file = streamwerk_e2e::demo_copy(dir);
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
