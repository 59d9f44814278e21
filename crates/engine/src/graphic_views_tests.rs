//! Graphics that animate in and out (lower third, call-to-action banner, ticker, one that hides
//! itself) on two canvases at once: shown or hidden on each canvas apart, read by pixels on
//! both canvases, in both directions.

use crate::active_scene::Shown;
use crate::test_rig::{yuv_at, Rig};
use std::path::Path;
use streamwerk_scene::{parse_collection, Collection, MAIN_CANVAS};

/// A 320x180 main canvas and a 180x320 vertical one, both showing scene `S`: a blue
/// background and a magenta `kind` graphic (200 ms slide) near the bottom, visible on main
/// and on the vertical canvas as `main` and `vertical` say.
fn collection(kind: &str, hide_after: Option<f32>, main: bool, vertical: bool) -> Collection {
    let hide_after = hide_after.map_or(String::new(), |s| format!(r#", "hide_after_s": {s}"#));
    let doc = format!(
        r##"{{ "schema_version": 2, "name": "G", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
        "canvases": [ {{ "name": "vertical", "width": 180, "height": 320 }} ],
        "sources": [
          {{ "id": "blue", "kind": "color", "settings": {{ "color": "#0000FF", "width": 320, "height": 320 }} }},
          {{ "id": "graphic", "kind": "template", "settings": {{ "template": "{kind}", "title": "Sam",
             "width": 160, "height": 40, "background": "#FF00FF", "accent": "#FF00FF",
             "animation": {{ "style": "slide", "ms": 200 }}{hide_after} }} }}
        ],
        "scenes": [ {{ "name": "S",
          "layers": [ {{ "source": "blue" }},
                      {{ "source": "graphic", "visible": {main}, "transform": {{ "x": 20, "y": 120 }} }} ],
          "layouts": {{ "vertical": [ {{ "source": "blue" }},
                      {{ "source": "graphic", "visible": {vertical}, "transform": {{ "x": 10, "y": 260 }} }} ] }}
        }} ] }}"##
    );
    parse_collection(&doc, Path::new("g.json"), std::env::temp_dir()).unwrap()
}

/// Where the graphic's background shows on each canvas once it is in: its bottom right
/// corner, clear of the title.
const AT: [(usize, usize); 2] = [(20 + 155, 120 + 37), (10 + 155, 260 + 37)];

/// Whether canvas `k` shows the graphic at its spot (magenta, not the blue under it).
fn showing(rig: &Rig, k: usize) -> bool {
    let (x, y) = AT[k];
    // BT.709: magenta's V is about 230, blue's about 118.
    let (_, _, v) = yuv_at(rig.picture(k), x, y);
    let (_, _, background) = yuv_at(rig.picture(k), 2, 2);
    assert!(background < 130, "canvas {k}: the background is blue");
    assert!(
        !(130..=200).contains(&v),
        "canvas {k} caught mid-animation: V {v}"
    );
    v > 200
}

/// Renders `frames` frames and returns what each canvas shows at the end.
fn after(rig: &mut Rig, frames: u32) -> [bool; 2] {
    for _ in 0..frames {
        rig.frame();
    }
    [showing(rig, 0), showing(rig, 1)]
}

/// The layer's visibility on each canvas changed as the studio does: the collection edited,
/// a plan of the same scene.
fn set_visible(rig: &mut Rig, main: bool, vertical: bool) {
    for scene in &mut rig.collection.scenes {
        for (canvas, visible) in [(MAIN_CANVAS, main), ("vertical", vertical)] {
            let layers = if canvas == MAIN_CANVAS {
                &mut scene.layers
            } else {
                scene.layouts.get_mut(canvas).unwrap()
            };
            layers
                .iter_mut()
                .find(|l| l.source == "graphic")
                .unwrap()
                .visible = visible;
        }
    }
    rig.show(Shown::program("S"), None);
}

#[test]
fn a_graphic_shows_and_hides_on_each_canvas_apart() {
    for kind in ["lower_third", "call_to_action", "ticker"] {
        let mut rig = Rig::new(collection(kind, None, true, true), "S");
        assert_eq!(after(&mut rig, 15), [true, true], "{kind}: in on both");
        set_visible(&mut rig, false, true);
        assert_eq!(after(&mut rig, 15), [false, true], "{kind}: hidden on main");
        set_visible(&mut rig, true, false);
        assert_eq!(
            after(&mut rig, 15),
            [true, false],
            "{kind}: hidden on vertical"
        );
        set_visible(&mut rig, false, false);
        assert_eq!(
            after(&mut rig, 15),
            [false, false],
            "{kind}: hidden on both"
        );
        set_visible(&mut rig, true, true);
        assert_eq!(after(&mut rig, 15), [true, true], "{kind}: back on both");
    }
}

#[test]
fn a_graphic_hidden_in_one_layout_from_the_start_stays_out_of_that_canvas() {
    for (main, vertical) in [(false, true), (true, false)] {
        let mut rig = Rig::new(collection("lower_third", None, main, vertical), "S");
        for _ in 0..3 {
            assert_eq!(after(&mut rig, 10), [main, vertical]);
        }
    }
}

#[test]
fn a_graphic_that_hides_itself_does_so_on_each_canvas_on_its_own_clock() {
    // Shown on main from the start and on vertical half a second later: each hides a second
    // after it came in.
    let mut rig = Rig::new(collection("lower_third", Some(1.0), true, false), "S");
    assert_eq!(after(&mut rig, 15), [true, false]);
    set_visible(&mut rig, true, true);
    // Frame 45: main came in at 0-6, hid at 36 and is out by 42; vertical came in at 15-21.
    assert_eq!(after(&mut rig, 30), [false, true]);
    assert_eq!(after(&mut rig, 30), [false, false], "vertical hid too");
}
