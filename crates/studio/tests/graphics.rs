//! A graphic on two canvases shown and hidden on every canvas at once or on one only, read on
//! both canvases' program pictures; and a recording started while the show runs (here kept
//! running by the replay buffer) is a file of its own that starts at zero.

use std::path::Path;
use std::time::Duration;
use streamwerk_e2e::assert_starts_at_zero;
use streamwerk_protocol::{Command, StudioState};
use streamwerk_scene::TemplateKind;
use streamwerk_studio::PreviewView;

mod common;
use common::{add_shown_template, add_vertical, demo_studio, near, rgb_at};

const SCENE: &str = "Be right back";
const GRAPHIC: &str = "lower-third-1";

/// A point on the graphic's bottom row near its left end (its box, no text) on `canvas`.
fn spot(state: &StudioState, canvas: &str) -> (u32, u32) {
    let scene = state.collection.scene(SCENE).unwrap();
    let layer = scene
        .layers_on(canvas)
        .iter()
        .find(|l| l.source == GRAPHIC)
        .unwrap();
    let t = &layer.transform;
    let natural = state.source_sizes.iter().find(|s| s.id == GRAPHIC).unwrap();
    let w = t.width.unwrap_or(natural.width as f32);
    let h = t.height.unwrap_or(natural.height as f32);
    ((t.x + w * 0.06) as u32, (t.y + h - 4.0) as u32)
}

fn visible(state: &StudioState, canvas: &str) -> bool {
    let scene = state.collection.scene(SCENE).unwrap();
    let layers = scene.layers_on(canvas);
    layers.iter().find(|l| l.source == GRAPHIC).unwrap().visible
}

#[test]
fn a_graphic_is_shown_and_hidden_on_every_canvas_or_on_one() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    add_vertical(&studio);
    studio
        .handle(Command::SwitchScene {
            scene: SCENE.into(),
        })
        .unwrap();
    assert_eq!(
        add_shown_template(&studio, SCENE, TemplateKind::LowerThird),
        GRAPHIC
    );
    let state = studio.state();
    let purple = [101, 39, 203];
    let mut streams = [
        studio.preview_stream(&PreviewView::program()).unwrap(),
        studio
            .preview_stream(&PreviewView::Program("vertical".into()))
            .unwrap(),
    ];
    let spots = [spot(&state, "main"), spot(&state, "vertical")];
    // What each canvas shows at the graphic's spot once its animation is over.
    let mut shows = || {
        std::thread::sleep(Duration::from_millis(700));
        let mut seen = [false; 2];
        for (k, stream) in streams.iter_mut().enumerate() {
            // A frame composed after the wait (the stream may hold an older one).
            rgb_at(stream, spots[k].0, spots[k].1);
            seen[k] = near(rgb_at(stream, spots[k].0, spots[k].1), purple);
        }
        seen
    };
    assert_eq!(shows(), [true, true], "added on both canvases");

    let set = |visible: bool, canvas: &str, every_canvas: Option<bool>| {
        studio
            .handle(Command::SetLayerVisible {
                scene: SCENE.into(),
                source: GRAPHIC.into(),
                visible,
                canvas: Some(canvas.into()),
                every_canvas,
            })
            .unwrap();
    };
    // Hidden from the vertical canvas's editor, on every canvas.
    set(false, "vertical", Some(true));
    let state = studio.state();
    assert!(!visible(&state, "main") && !visible(&state, "vertical"));
    assert_eq!(shows(), [false, false], "out on both");
    // Shown on the vertical canvas only: main stays without it.
    set(true, "vertical", None);
    let state = studio.state();
    assert!(!visible(&state, "main") && visible(&state, "vertical"));
    assert_eq!(shows(), [false, true], "in on vertical only");
    // And the other way round.
    set(true, "main", None);
    set(false, "vertical", Some(false));
    assert_eq!(shows(), [true, false], "in on main only");
    studio.shutdown();
}

#[test]
fn a_recording_started_while_the_show_runs_starts_at_zero() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    // The replay buffer runs the session; the recording joins it 3 s in.
    studio.handle(Command::StartReplayBuffer).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    studio.handle(Command::StartRecording).unwrap();
    let file = studio.state().recording_files[0].clone();
    std::thread::sleep(Duration::from_secs(2));
    studio.handle(Command::StopRecording).unwrap();
    assert_starts_at_zero(Path::new(&file));
    let (_, duration) = streamwerk_e2e::start_and_duration(Path::new(&file));
    assert!((1.7..2.5).contains(&duration), "{duration} s");
    studio.shutdown();
}
