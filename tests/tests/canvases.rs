//! `streamwerk add-canvas` on the demo: a vertical canvas arranged from the 16:9 layout, with
//! the sources' real sizes (opened by the engine), checked in the file and in rendered pixels.

use serde_json::Value;
use streamwerk_e2e::*;

#[test]
fn add_canvas_arranges_the_demo_for_a_vertical_picture() {
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let scene_arg = scene.to_str().unwrap();
    let out = streamwerk(&[
        "add-canvas",
        "--scene",
        scene_arg,
        "--name",
        "vertical",
        "--size",
        "720x1280",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("added canvas `vertical` (720x1280) to 2 scenes"));
    let again = streamwerk(&[
        "add-canvas",
        "--scene",
        scene_arg,
        "--name",
        "vertical",
        "--size",
        "720x1280",
    ]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("already has a canvas `vertical`"));
    let valid = streamwerk(&["validate", scene_arg]);
    assert!(valid.status.success(), "{}", stderr(&valid));

    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&scene).unwrap()).unwrap();
    assert_eq!(doc["schema_version"], 2);
    // Every layer lies inside the picture: the full-canvas ones cover it, the rest keep to
    // the 5 % margins and stay above the bottom fifth, where vertical platforms draw theirs.
    let (w, h) = (720.0, 1280.0);
    for scene in doc["scenes"].as_array().unwrap() {
        for layer in scene["layouts"]["vertical"].as_array().unwrap() {
            let source = layer["source"].as_str().unwrap();
            let t = &layer["transform"];
            if source == "tone" {
                continue;
            }
            let n = |k: &str| t[k].as_f64().unwrap();
            let (x, y, lw, lh) = (n("x"), n("y"), n("width"), n("height"));
            if source == "camera" || source == "brb-background" {
                assert!(
                    x <= 0.0 && y <= 0.0 && x + lw >= w && y + lh >= h,
                    "{layer}"
                );
            } else {
                assert!(x >= 36.0 && y >= 64.0, "{layer}");
                assert!(
                    x + lw <= w - 36.0 + 0.5 && y + lh <= h * 0.8 + 0.5,
                    "{layer}"
                );
            }
        }
    }
    // The logo keeps its size in its corner (top right, inside the margins).
    let logo = doc["scenes"][0]["layouts"]["vertical"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source"] == "logo")
        .unwrap();
    assert_eq!(logo["transform"]["width"], 120.0);
    assert_eq!(logo["transform"]["x"], 720.0 - 36.0 - 120.0);

    // Rendered: a 720x1280 picture with the logo where the layout put it, in the same colours
    // as on the main canvas.
    let png = |canvas: &str| {
        let file = dir.path().join(format!("{canvas}.png"));
        let run = streamwerk(&[
            "render-frame",
            "--scene",
            scene_arg,
            "--canvas-name",
            canvas,
            "--out",
            file.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        image::open(&file).unwrap().to_rgb8()
    };
    let (main, vertical) = (png("main"), png("vertical"));
    assert_eq!(vertical.dimensions(), (720, 1280));
    assert_eq!(main.dimensions(), (1280, 720));
    // The logo's centre: (1188, 92) on the main canvas, (624, 124) on the vertical one.
    let (a, b) = (main.get_pixel(1188, 92).0, vertical.get_pixel(624, 124).0);
    assert!(
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6),
        "{a:?} against {b:?}"
    );
    let missing = streamwerk(&[
        "render-frame",
        "--scene",
        scene_arg,
        "--canvas-name",
        "square",
        "--out",
        "x.png",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("there is no canvas `square`; it has main, vertical"));
}
