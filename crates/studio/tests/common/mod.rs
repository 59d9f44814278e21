//! What the studio's tests share: the demo opened in a studio of its own, a refusal's text,
//! and the preview's frames. Each test file uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use streamwerk_keys::KeyStore;
use streamwerk_protocol::PreviewHeader;
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

/// Adds the 720x1280 canvas `vertical` to `studio`.
pub fn add_vertical(studio: &Studio) {
    studio
        .handle(streamwerk_protocol::Command::AddCanvas {
            name: "vertical".into(),
            width: 720,
            height: 1280,
        })
        .unwrap();
}

/// Adds a `kind` graphic to `scene` and shows it on every canvas (it is added hidden); returns
/// its id.
pub fn add_shown_template(
    studio: &Studio,
    scene: &str,
    kind: streamwerk_scene::TemplateKind,
) -> String {
    use streamwerk_protocol::Command;
    let before = studio.state().collection.sources.len();
    studio
        .handle(Command::AddTemplate {
            scene: scene.into(),
            template: kind,
            title: None,
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(state.collection.sources.len(), before + 1);
    let id = state.collection.sources.last().unwrap().id.clone();
    studio
        .handle(Command::SetLayerVisible {
            scene: scene.into(),
            source: id.clone(),
            visible: true,
            canvas: None,
            every_canvas: Some(true),
        })
        .unwrap();
    id
}

pub fn refusal(result: Result<(), StudioError>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(()) => panic!("the command was accepted"),
    }
}

/// The next preview message: (frame number, composed µs, width, height) and the decoded JPEG.
pub fn next_frame(
    stream: &mut streamwerk_studio::PreviewStream,
) -> ((u64, u64, u32, u32), image::RgbImage) {
    let message = stream
        .next(Duration::from_secs(2), 1280)
        .expect("a preview frame within 2 s");
    let header = &message[..PreviewHeader::LEN];
    let u64_at = |i: usize| u64::from_le_bytes(header[i..i + 8].try_into().unwrap());
    let u32_at = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().unwrap());
    let picture = image::load_from_memory_with_format(
        &message[PreviewHeader::LEN..],
        image::ImageFormat::Jpeg,
    )
    .expect("the preview is a JPEG")
    .to_rgb8();
    ((u64_at(0), u64_at(8), u32_at(16), u32_at(20)), picture)
}

/// The RGB at (x, y) of the next frame of `stream`.
pub fn rgb_at(stream: &mut streamwerk_studio::PreviewStream, x: u32, y: u32) -> [u8; 3] {
    next_frame(stream).1.get_pixel(x, y).0
}

pub fn near(got: [u8; 3], want: [u8; 3]) -> bool {
    got.iter()
        .zip(want)
        .all(|(g, w)| (*g as i32 - w as i32).abs() <= 14)
}
