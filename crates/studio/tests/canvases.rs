//! A second canvas in the studio: added from the main layout, edited on its own, previewed,
//! and recorded beside main from one program, a shared text changing both (decoded by FFmpeg).

use std::path::Path;
use std::time::Duration;
use streamwerk_e2e::{crop_rgb, mean_difference};
use streamwerk_protocol::{Command, LayerTransform, PreviewHeader, StudioState};
use streamwerk_scene::{Layer, SourceKind};
use streamwerk_studio::PreviewView;

mod common;
use common::{add_vertical, demo_studio, refusal};

/// Scene "Live"'s layer of `source` on `canvas`.
fn layer(state: &StudioState, canvas: &str, source: &str) -> Layer {
    let live = &state.collection.scenes[0];
    live.layers_on(canvas)
        .iter()
        .find(|l| l.source == source)
        .unwrap()
        .clone()
}

/// The rectangle (x, y, w, h) a layer covers, its size from the state when not explicit.
fn rect(state: &StudioState, layer: &Layer) -> (u32, u32, u32, u32) {
    let t = &layer.transform;
    let natural = state.source_sizes.iter().find(|s| s.id == layer.source);
    let w = t.width.unwrap_or_else(|| natural.unwrap().width as f32);
    let h = t.height.unwrap_or_else(|| natural.unwrap().height as f32);
    (
        t.x as u32 & !1,
        t.y as u32 & !1,
        w as u32 & !1,
        h as u32 & !1,
    )
}

#[test]
fn a_vertical_canvas_is_added_edited_previewed_and_recorded_beside_main() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    add_vertical(&studio);
    let state = studio.state();
    assert_eq!(state.collection.canvas_names(), ["main", "vertical"]);
    for scene in &state.collection.scenes {
        assert_eq!(
            scene.layouts["vertical"].len(),
            scene.layers.len(),
            "{}",
            scene.name
        );
    }
    let again = refusal(studio.handle(Command::AddCanvas {
        name: "vertical".into(),
        width: 1080,
        height: 1920,
    }));
    assert!(again.contains("already has a canvas `vertical`"), "{again}");

    // Its own preview, at its own shape; a canvas that does not exist has none.
    let mut vertical = studio
        .preview_stream(&PreviewView::Program("vertical".into()))
        .unwrap();
    let frame = vertical
        .next(Duration::from_secs(3), 1280)
        .expect("a frame");
    let size = |at: usize| u32::from_le_bytes(frame[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (720, 1280));
    assert!(frame.len() > PreviewHeader::LEN + 1000);
    assert!(studio
        .preview_stream(&PreviewView::Program("square".into()))
        .is_err());
    drop(vertical);

    // Moving the logo on the vertical canvas leaves main's where it was.
    let logo_main = layer(&state, "main", "logo");
    let mut moved = layer(&state, "vertical", "logo").transform;
    moved.x = 40.0;
    studio
        .handle(Command::SetTransforms {
            scene: "Live".into(),
            layers: vec![LayerTransform {
                source: "logo".into(),
                transform: moved.clone(),
            }],
            canvas: Some("vertical".into()),
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(layer(&state, "vertical", "logo").transform, moved);
    assert_eq!(layer(&state, "main", "logo"), logo_main);
    let unknown = refusal(studio.handle(Command::SetLayerVisible {
        scene: "Live".into(),
        source: "logo".into(),
        visible: false,
        canvas: Some("square".into()),
        every_canvas: None,
    }));
    assert!(unknown.contains("there is no canvas `square`"), "{unknown}");

    // Both canvases recorded from one program; the guest's name changes halfway.
    let mut recording = state.profile.recording.clone();
    recording.canvases = vec!["main".into(), "vertical".into()];
    studio
        .handle(Command::SetOutputSettings {
            video: state.profile.video.clone(),
            audio: state.profile.audio.clone(),
            recording,
        })
        .unwrap();
    studio.handle(Command::StartRecording).unwrap();
    let files = studio.state().recording_files;
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[1].ends_with("-vertical.mkv"), "{files:?}");
    let busy = refusal(studio.handle(Command::RemoveCanvas {
        name: "vertical".into(),
    }));
    assert!(busy.contains("cannot change while recording"), "{busy}");
    std::thread::sleep(Duration::from_millis(1500));
    let mut name = state.collection.source("name").unwrap().clone();
    let SourceKind::Text(text) = &mut name.kind else {
        panic!("the guest's name is a text source")
    };
    text.text = "Sam Okafor-Lindqvist".into();
    studio
        .handle(Command::UpdateSource { source: name })
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    studio.handle(Command::StopRecording).unwrap();
    for (file, canvas) in files.iter().zip(["main", "vertical"]) {
        let file = Path::new(file);
        let name = rect(&state, &layer(&state, canvas, "name"));
        let changed = mean_difference(
            &crop_rgb(file, Some(0.5), name),
            &crop_rgb(file, Some(2.6), name),
        );
        assert!(
            changed > 8.0,
            "{canvas}: the name did not change ({changed:.1})"
        );
        // The logo's middle: its transparent corners show the moving camera.
        let (x, y, w, h) = rect(&state, &layer(&state, canvas, "logo"));
        let logo = (
            (x + w / 4) & !1,
            (y + h / 4) & !1,
            (w / 2) & !1,
            (h / 2) & !1,
        );
        let still = mean_difference(
            &crop_rgb(file, Some(0.5), logo),
            &crop_rgb(file, Some(2.6), logo),
        );
        assert!(still < 4.0, "{canvas}: the logo moved ({still:.1})");
    }

    studio
        .handle(Command::RemoveCanvas {
            name: "vertical".into(),
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(state.collection.canvas_names(), ["main"]);
    assert!(state.collection.scenes.iter().all(|s| s.layouts.is_empty()));
}
