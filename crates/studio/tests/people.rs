//! One-click people layouts through the studio: guest spots arranged side by side, in a grid
//! or around a speaker, on the main canvas and on a vertical one, as the rendered pictures
//! show them.

mod common;

use streamwerk_keys::KeyStore;
use streamwerk_protocol::Command;
use streamwerk_scene::{PeopleLayout, MAIN_CANVAS};
use streamwerk_studio::Studio;

/// A 640x360 show: a blue background and three guest spots, all in the middle.
fn panel(dir: &std::path::Path) -> std::sync::Arc<Studio> {
    let file = dir.join("panel.json");
    std::fs::write(
        &file,
        r##"{ "schema_version": 1, "name": "Panel",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#1030C0FF", "width": 640, "height": 360 } },
    { "id": "ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } },
    { "id": "ben", "kind": "guest", "settings": { "slot": "ben", "name": "Ben" } },
    { "id": "cy", "kind": "guest", "settings": { "slot": "cy", "name": "Cy" } }
  ],
  "scenes": [ { "name": "Panel", "layers": [ { "source": "bg" },
    { "source": "ana", "transform": { "x": 200, "y": 100, "width": 160, "height": 90 } },
    { "source": "ben", "transform": { "x": 220, "y": 120, "width": 160, "height": 90 } },
    { "source": "cy", "transform": { "x": 240, "y": 140, "width": 160, "height": 90 } } ] },
    { "name": "Empty", "layers": [ { "source": "bg" } ] } ] }"##,
    )
    .unwrap();
    Studio::open(
        &file,
        &dir.join("profile.json"),
        KeyStore::with_file(dir.join("keys.json")),
    )
    .unwrap()
}

fn arrange(studio: &Studio, layout: PeopleLayout, canvas: Option<&str>, speaker: Option<&str>) {
    studio
        .handle(Command::ArrangePeople {
            scene: "Panel".into(),
            layout,
            canvas: canvas.map(Into::into),
            speaker: speaker.map(Into::into),
        })
        .unwrap();
}

/// (x, y, width, height) of each spot on `canvas`.
fn boxes(studio: &Studio, canvas: &str) -> Vec<(String, [f32; 4])> {
    let c = studio.state().collection;
    let scene = c.scenes.iter().find(|s| s.name == "Panel").unwrap();
    let layers = if canvas == MAIN_CANVAS {
        &scene.layers
    } else {
        &scene.layouts[canvas]
    };
    layers
        .iter()
        .filter(|l| l.source != "bg")
        .map(|l| {
            let t = &l.transform;
            (
                l.source.clone(),
                [t.x, t.y, t.width.unwrap(), t.height.unwrap()],
            )
        })
        .collect()
}

/// The rendered main canvas: each spot's card (dark grey) where its box is, the background
/// (blue) in the gaps.
fn assert_rendered(studio: &Studio, placed: &[(String, [f32; 4])]) {
    let picture =
        streamwerk_engine::render_frame(&studio.state().collection, "Panel", 0.5).unwrap();
    let at = |x: f32, y: f32| picture.pixel(x as u32, y as u32);
    for (id, [x, y, w, h]) in placed {
        // Near the box's top left: the card, clear of its centred name.
        let p = at(x + w * 0.1, y + h * 0.1);
        assert!(
            p[..3].iter().all(|&v| v.abs_diff(0x24) < 12),
            "{id} at {x},{y}: {p:?}"
        );
        // Just left of it: not the card.
        if *x >= 4.0 {
            let p = at(x - 3.0, y + h / 2.0);
            assert!(p[2] > 0x80, "left of {id}: {p:?}");
        }
    }
}

#[test]
fn side_by_side_grid_and_speaker_place_every_guest_on_each_canvas() {
    let dir = tempfile::tempdir().unwrap();
    let studio = panel(dir.path());
    common::add_vertical(&studio);

    arrange(&studio, PeopleLayout::SideBySide, None, None);
    let row = boxes(&studio, MAIN_CANVAS);
    assert_eq!(
        row.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["ana", "ben", "cy"]
    );
    assert!(row
        .windows(2)
        .all(|p| p[0].1[1] == p[1].1[1] && p[0].1[0] + p[0].1[2] < p[1].1[0]));
    assert_rendered(&studio, &row);

    // The speaker chosen is large and the others small beside it.
    arrange(&studio, PeopleLayout::Speaker, None, Some("cy"));
    let talk = boxes(&studio, MAIN_CANVAS);
    let size = |id: &str| talk.iter().find(|(s, _)| s == id).unwrap().1[2];
    assert!(
        size("cy") >= 3.0 * size("ana") && size("ana") == size("ben"),
        "{talk:?}"
    );
    assert_rendered(&studio, &talk);

    // The vertical canvas stacks them in one column; the main canvas keeps its layout.
    arrange(&studio, PeopleLayout::SideBySide, Some("vertical"), None);
    let stack = boxes(&studio, "vertical");
    assert!(stack
        .windows(2)
        .all(|p| p[0].1[0] == p[1].1[0] && p[0].1[1] + p[0].1[3] < p[1].1[1]));
    assert!(
        stack.iter().all(|(_, b)| b[2] > 600.0),
        "full width: {stack:?}"
    );
    assert_eq!(boxes(&studio, MAIN_CANVAS), talk);

    // The grid: two over one.
    arrange(&studio, PeopleLayout::Grid, None, None);
    let grid = boxes(&studio, MAIN_CANVAS);
    assert_eq!(grid[0].1[1], grid[1].1[1]);
    assert!(grid[2].1[1] > grid[0].1[1]);
    assert_rendered(&studio, &grid);

    // A scene without people is refused with what to do.
    let refused = studio
        .handle(Command::ArrangePeople {
            scene: "Empty".into(),
            layout: PeopleLayout::Grid,
            canvas: None,
            speaker: None,
        })
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("add a guest spot or a camera"),
        "{refused}"
    );
}
