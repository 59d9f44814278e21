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
    panel_with(dir, "")
}

/// The panel, with `brand` (a `"brand": …,` line) added.
fn panel_with(dir: &std::path::Path, brand: &str) -> std::sync::Arc<Studio> {
    let file = dir.join("panel.json");
    std::fs::write(
        &file,
        r##"{ "schema_version": 1, "name": "Panel", BRAND
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
    { "name": "Empty", "layers": [ { "source": "bg" } ] } ] }"##
            .replace("BRAND", brand),
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
            dress: false,
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
        .filter(|l| ["ana", "ben", "cy"].contains(&l.source.as_str()))
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
            dress: false,
        })
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("add a guest spot or a camera"),
        "{refused}"
    );
}

/// Frames and name tags in the kit's style: each person framed in the kit's accent colour
/// and tagged with their name on its lower-third bar, both ordinary sources that move with
/// their person when arranged again and keep the user's edits.
#[test]
fn dressed_people_get_a_frame_and_a_name_tag_in_the_kits_style() {
    let dir = tempfile::tempdir().unwrap();
    let kit = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/brand/streamwerk.brand.json"
    );
    let studio = panel_with(dir.path(), &format!(r#""brand": "{kit}","#));
    let dress = |layout| {
        studio
            .handle(Command::ArrangePeople {
                scene: "Panel".into(),
                layout,
                canvas: None,
                speaker: None,
                dress: true,
            })
            .unwrap()
    };
    dress(PeopleLayout::SideBySide);
    let c = studio.state().collection;
    let order: Vec<&str> = c
        .scene("Panel")
        .unwrap()
        .layers
        .iter()
        .map(|l| l.source.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "bg",
            "frame-ana",
            "ana",
            "name-ana",
            "frame-ben",
            "ben",
            "name-ben",
            "frame-cy",
            "cy",
            "name-cy"
        ]
    );
    // The saved file names the kit's entries, so a kit change restyles them.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("panel.json")).unwrap())
            .unwrap();
    let saved_source = |id: &str| {
        saved["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        saved_source("frame-ana")["settings"]["color"],
        "brand:accent"
    );
    assert_eq!(
        saved_source("name-ben")["settings"]["background"],
        "brand:primary"
    );
    assert_eq!(saved_source("name-ben")["settings"]["title"], "Ben");

    // Rendered once the tags have slid in: the amber ring round each box, the purple bar
    // in its lower left.
    let picture = streamwerk_engine::render_frame(&c, "Panel", 1.5).unwrap();
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    image::RgbaImage::from_raw(picture.width, picture.height, picture.to_straight_alpha())
        .unwrap()
        .save(shots.join("people-dressed.png"))
        .unwrap();
    for (id, [x, y, w, h]) in boxes(&studio, MAIN_CANVAS) {
        let ring = picture.pixel((x - 2.0) as u32, (y + h / 2.0) as u32);
        assert!(
            ring[..3]
                .iter()
                .zip([0xF5, 0x9E, 0x0B])
                .all(|(a, b)| a.abs_diff(b) < 24),
            "{id}'s frame: {ring:?}"
        );
        let tag = c
            .scene("Panel")
            .unwrap()
            .layers
            .iter()
            .find(|l| l.source == format!("name-{id}"))
            .unwrap()
            .transform
            .clone();
        let (tx, ty, tw, th) = (
            tag.x as u32,
            tag.y as u32,
            tag.width.unwrap() as u32,
            tag.height.unwrap() as u32,
        );
        let purple = (tx..tx + tw)
            .flat_map(|px| (ty..ty + th).map(move |py| (px, py)))
            .filter(|&(px, py)| {
                let p = picture.pixel(px, py);
                p[2] > 150 && p[0] > 60 && p[0] < 140 && p[1] < 80
            })
            .count();
        assert!(
            purple * 3 >= (tw * th) as usize,
            "{id}'s tag: {purple} of {} purple",
            tw * th
        );
        assert!(
            tag.x > x && tag.x + tw as f32 <= x + w && tag.y + th as f32 <= y + h,
            "{id}'s tag inside its box"
        );
    }

    // Edited, then arranged again: moved with its person, the edit kept, nothing doubled.
    let mut tag = c.source("name-ana").unwrap().clone();
    if let streamwerk_scene::SourceKind::Template(t) = &mut tag.kind {
        t.title = "Ana Lima".into();
    }
    studio
        .handle(Command::UpdateSource { source: tag })
        .unwrap();
    dress(PeopleLayout::Grid);
    let c = studio.state().collection;
    assert_eq!(
        c.sources
            .iter()
            .filter(|s| s.id.starts_with("name-"))
            .count(),
        3
    );
    let scene = c.scene("Panel").unwrap();
    let layer = |id: &str| {
        scene
            .layers
            .iter()
            .find(|l| l.source == id)
            .unwrap()
            .transform
            .clone()
    };
    let (ana, tag) = (layer("ana"), layer("name-ana"));
    assert!(
        tag.x > ana.x && tag.y < ana.y + ana.height.unwrap(),
        "{tag:?} in {ana:?}"
    );
    match &c.source("name-ana").unwrap().kind {
        streamwerk_scene::SourceKind::Template(t) => assert_eq!(t.title, "Ana Lima"),
        other => panic!("{other:?}"),
    }
}
