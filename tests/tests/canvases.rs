//! Canvases: `streamwerk add-canvas` on the demo (a vertical canvas arranged from the 16:9
//! layout, checked in the file and in rendered pixels), and `stream` encoding each canvas once
//! for its own platforms and recordings, against nginx-rtmp, checked by decoding.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use streamwerk_e2e::peers::{Nginx, ThrottledProxy};
use streamwerk_e2e::*;

#[test]
fn add_canvas_arranges_the_demo_for_a_vertical_picture() {
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let scene_arg = scene.to_str().unwrap();
    let out = add_vertical(&scene);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("added canvas `vertical` (720x1280) to 3 scenes"));
    let again = add_vertical(&scene);
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
            } else if source == "starting-soon" {
                // A slate is fitted whole (its text runs edge to edge), centred.
                assert!(
                    x == 0.0 && lw == w && (y + lh / 2.0 - h / 2.0).abs() <= 1.0,
                    "{layer}"
                );
                assert!((lw / lh - 1280.0 / 720.0).abs() < 0.01, "{layer}");
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

/// `streamwerk add-canvas` of a 720x1280 canvas `vertical` to `scene`.
fn add_vertical(scene: &Path) -> std::process::Output {
    let scene = scene.to_str().unwrap();
    streamwerk(&[
        "add-canvas",
        "--scene",
        scene,
        "--name",
        "vertical",
        "--size",
        "720x1280",
    ])
}

/// A copy of the demo in `dir` with a 720x1280 canvas `vertical` added by `add-canvas`.
fn vertical_demo(dir: &Path) -> PathBuf {
    let scene = demo_copy(dir);
    let out = add_vertical(&scene);
    assert!(out.status.success(), "{}", stderr(&out));
    scene
}

fn size(file: &Path) -> (u32, u32) {
    let s = streams(file);
    let video = s.iter().find(|s| s.codec_type == "video").unwrap();
    (video.width.unwrap(), video.height.unwrap())
}

/// The first audio packet's time in `file`, in whole AAC packets (1024 samples at 48 kHz).
fn first_audio_packet(file: &Path) -> i64 {
    let first = packet_times(file, "a")[0].0;
    (first * 48_000.0 / 1024.0).round() as i64
}

#[test]
fn one_stream_sends_each_canvas_to_its_own_platform_and_records_both() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = vertical_demo(dir.path());
    let server = Nginx::start();
    let (wide, tall) = (dir.path().join("wide.mkv"), dir.path().join("tall.mkv"));
    let run = Command::new(bin())
        .args(["stream", "--scene", scene.to_str().unwrap()])
        .args(["--dest", &server.url("live", "wide")])
        .args([
            "--dest",
            &format!("vertical={}", server.url("portrait", "tall")),
        ])
        .args(["--record", wide.to_str().unwrap()])
        .args(["--record", &format!("vertical={}", tall.display())])
        .args(["--duration", "8", "--stats-json"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));

    // Each canvas's files have its size and decode; the platforms got a whole stream.
    let platform_wide = server.recording_of("wide");
    let platform_tall = server.recording_of("tall");
    for (file, want) in [
        (&wide, (1280, 720)),
        (&platform_wide, (1280, 720)),
        (&tall, (720, 1280)),
        (&platform_tall, (720, 1280)),
    ] {
        assert_eq!(size(file), want, "{}", file.display());
        assert_decodes(file);
    }
    // Each recording holds every frame its canvas's encoder made, and each platform got all of
    // them; a frame a busy machine kept from the encoder is reported, not lost.
    let last = stats_lines_of(&run).pop().unwrap();
    assert_holds_every_encoded_frame(&wide, &last, "main", 240);
    assert_holds_every_encoded_frame(&tall, &last, "vertical", 240);
    assert_same_frames(&platform_wide, &wide);
    assert_same_frames(&platform_tall, &tall);
    for file in [&platform_wide, &platform_tall] {
        let seconds = span(&packet_times(file, "v"));
        assert!((seconds - 8.0).abs() <= 0.5, "{file:?}: {seconds:.2} s");
    }
    // The two recordings start at the same frame and last as long.
    let (a, b) = (
        span(&packet_times(&wide, "v")),
        span(&packet_times(&tall, "v")),
    );
    assert!((a - b).abs() <= 1.0 / 30.0 + 1e-3, "{a} against {b}");
    // One sound for both: the same samples at the same times (the first two packets of each
    // file are the decoder's warm-up).
    let (sound_a, sound_b) = (decode_audio_mono(&wide), decode_audio_mono(&tall));
    let offset = (first_audio_packet(&tall) - first_audio_packet(&wide)) * 1024;
    let (a, b) = if offset >= 0 {
        (&sound_a[offset as usize..], &sound_b[..])
    } else {
        (&sound_a[..], &sound_b[(-offset) as usize..])
    };
    let n = a.len().min(b.len());
    assert!(n > 5 * 48_000, "{n} samples in common");
    let worst = a[2048..n]
        .iter()
        .zip(&b[2048..n])
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "the canvases' sound differs by up to {worst}");
    assert!(rms_dbfs(&a[2048..n]) > -40.0, "the tone is there");

    // The logo sits where each layout put it: the middle of its 120x120 square matches the
    // engine's own still of that canvas, and the other canvas's spot for it does not.
    let still = |canvas: &str| {
        let file = dir.path().join(format!("{canvas}.png"));
        let out = streamwerk(&[
            "render-frame",
            "--scene",
            scene.to_str().unwrap(),
            "--canvas-name",
            canvas,
            "--at",
            "4",
            "--out",
            file.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        file
    };
    let logo_main = (1128 + 30, 32 + 30, 60, 60);
    let logo_vertical = (564 + 30, 64 + 30, 60, 60);
    let main_logo = crop_rgb(&still("main"), None, logo_main);
    let vertical_logo = crop_rgb(&still("vertical"), None, logo_vertical);
    let recorded = |file: &Path, rect| crop_rgb(file, Some(4.0), rect);
    let near = mean_difference(&recorded(&wide, logo_main), &main_logo);
    assert!(
        near < 6.0,
        "the logo on the wide recording is off by {near:.1}"
    );
    let near = mean_difference(&recorded(&tall, logo_vertical), &vertical_logo);
    assert!(
        near < 6.0,
        "the logo on the tall recording is off by {near:.1}"
    );
    let elsewhere = mean_difference(&recorded(&tall, logo_main_on_tall()), &vertical_logo);
    assert!(
        elsewhere > 20.0,
        "the tall canvas has its own layout ({elsewhere:.1})"
    );

    // One encode per canvas, whatever the outputs.
    let canvases = last["canvases"].as_array().unwrap();
    assert_eq!(canvases.len(), 2, "{last}");
    for sink in last["sinks"].as_array().unwrap() {
        assert_eq!(sink["dropped"], 0, "{sink}");
    }
}

/// Where the logo would be on the tall canvas had it kept the wide layout's x: a spot of the
/// camera picture there.
fn logo_main_on_tall() -> (u32, u32, u32, u32) {
    (300, 62, 60, 60)
}

#[test]
fn a_slow_vertical_platform_drops_only_its_own_packets() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = vertical_demo(dir.path());
    let (fast, slow) = (Nginx::start(), Nginx::start());
    // 1 Mbit/s towards the vertical canvas's 4.6 Mbit/s.
    let proxy = ThrottledProxy::start(slow.port, 125_000);
    let (wide, tall) = (dir.path().join("wide.mkv"), dir.path().join("tall.mkv"));
    let run = Command::new(bin())
        .args(["stream", "--scene", scene.to_str().unwrap()])
        .args(["--dest", &fast.url("live", "wide")])
        .args([
            "--dest",
            &format!("vertical=rtmp://127.0.0.1:{}/portrait/tall", proxy.port),
        ])
        .args(["--record", wide.to_str().unwrap()])
        .args(["--record", &format!("vertical={}", tall.display())])
        .args(["--duration", "12", "--stats-json"])
        .output()
        .unwrap();
    let last = stats_lines_of(&run).pop().unwrap();
    let sink = |name: &str| {
        last["sinks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"].as_str().unwrap().contains(name))
            .unwrap_or_else(|| panic!("{name} in {last}"))
            .clone()
    };
    let slow_sink = sink("dest2");
    assert_eq!(slow_sink["canvas"], "vertical");
    assert!(
        slow_sink["dropped"].as_u64().unwrap() > 50,
        "the weak uplink dropped: {slow_sink}"
    );
    for other in [sink("dest1"), sink("wide.mkv"), sink("tall.mkv")] {
        assert_eq!(other["dropped"], 0, "{other}");
    }
    assert_holds_every_encoded_frame(&wide, &last, "main", 360);
    assert_holds_every_encoded_frame(&tall, &last, "vertical", 360);
    assert_same_frames(&fast.recording_of("wide"), &wide);
    drop(proxy);
}

fn stats_lines_of(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_graphic_hidden_in_one_canvas_layout_is_recorded_on_the_other_only() {
    let dir = tempfile::tempdir().unwrap();
    // A ticker hidden on main and shown on the vertical canvas, and a call to action the
    // other way round, each over blue.
    let graphic = |id: &str, kind: &str, colour: &str| {
        format!(
            r##"{{ "id": "{id}", "kind": "template", "settings": {{ "template": "{kind}", "title": "Hello",
                 "width": 160, "height": 40, "background": "{colour}", "accent": "{colour}" }} }}"##
        )
    };
    let layer = |id: &str, visible: bool, y: u32| {
        format!(
            r#"{{ "source": "{id}", "visible": {visible}, "transform": {{ "x": 10, "y": {y} }} }}"#
        )
    };
    let scene = dir.path().join("graphics.json");
    std::fs::write(
        &scene,
        format!(
            r##"{{ "schema_version": 2, "name": "G", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
              "canvases": [ {{ "name": "vertical", "width": 180, "height": 320 }} ],
              "sources": [ {{ "id": "blue", "kind": "color", "settings": {{ "color": "#0000FF", "width": 320, "height": 320 }} }},
                           {}, {} ],
              "scenes": [ {{ "name": "S",
                "layers": [ {{ "source": "blue" }}, {}, {} ],
                "layouts": {{ "vertical": [ {{ "source": "blue" }}, {}, {} ] }} }} ] }}"##,
            graphic("ticker", "ticker", "#FF00FF"),
            graphic("cta", "call_to_action", "#00FF00"),
            layer("ticker", false, 20),
            layer("cta", true, 100),
            layer("ticker", true, 20),
            layer("cta", false, 100),
        ),
    )
    .unwrap();
    let (main, vertical) = (dir.path().join("main.mkv"), dir.path().join("vertical.mkv"));
    let out = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--record",
        main.to_str().unwrap(),
        "--record",
        &format!("vertical={}", vertical.display()),
        "--duration",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The bottom strip of each graphic's box, past its entrance: its colour or the blue.
    let strip = |file: &Path, y: u32| crop_rgb(file, Some(1.5), (40, y + 36, 100, 2));
    let mean = |pixels: Vec<u8>| {
        let n = pixels.len() as f64 / 3.0;
        let sum = |c: usize| {
            pixels
                .iter()
                .skip(c)
                .step_by(3)
                .map(|v| *v as f64)
                .sum::<f64>()
                / n
        };
        [sum(0), sum(1), sum(2)]
    };
    let is =
        |rgb: [f64; 3], want: [f64; 3]| rgb.iter().zip(want).all(|(a, b)| (a - b).abs() < 40.0);
    let (blue, magenta, green) = ([0.0, 0.0, 255.0], [255.0, 0.0, 255.0], [0.0, 255.0, 0.0]);
    assert!(
        is(mean(strip(&main, 20)), blue),
        "the ticker is hidden on main"
    );
    assert!(
        is(mean(strip(&main, 100)), green),
        "the call to action is shown on main"
    );
    assert!(
        is(mean(strip(&vertical, 20)), magenta),
        "the ticker is shown on vertical"
    );
    assert!(
        is(mean(strip(&vertical, 100)), blue),
        "the call to action is hidden on vertical"
    );
}

/// `streamwerk arrange`: a scene's guests side by side on the main canvas, then stacked on a
/// vertical one, written back to the file; a layout it does not know or a missing scene is
/// refused with the fix, and the file is left alone.
#[test]
fn arrange_places_the_guests_of_a_scene_on_each_canvas() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("panel.json");
    std::fs::write(
        &file,
        r#"{ "schema_version": 1, "name": "Panel", "canvas": { "width": 1280, "height": 720, "fps": 30 },
  "sources": [ { "id": "ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } },
               { "id": "ben", "kind": "guest", "settings": { "slot": "ben", "name": "Ben" } } ],
  "scenes": [ { "name": "Talk", "layers": [ { "source": "ana" }, { "source": "ben" } ] } ] }"#,
    )
    .unwrap();
    assert!(add_vertical(&file).status.success());
    let f = file.to_str().unwrap();
    for (canvas, dress) in [("main", None), ("vertical", Some("--frames-and-names"))] {
        let mut args = vec![
            "arrange",
            "--scene",
            f,
            "--scene-name",
            "Talk",
            "--layout",
            "side-by-side",
            "--canvas",
            canvas,
        ];
        args.extend(dress);
        let out = streamwerk(&args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let boxes = |layers: &Value| -> Vec<[f64; 4]> {
        layers
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["source"] == "ana" || l["source"] == "ben")
            .map(|l| {
                let t = &l["transform"];
                ["x", "y", "width", "height"].map(|k| t[k].as_f64().unwrap())
            })
            .collect()
    };
    let row = boxes(&doc["scenes"][0]["layers"]);
    assert_eq!(row[0][1], row[1][1], "one row: {row:?}");
    assert!(row[0][0] + row[0][2] < row[1][0], "{row:?}");
    let stack = boxes(&doc["scenes"][0]["layouts"]["vertical"]);
    assert_eq!(stack[0][0], stack[1][0], "one column: {stack:?}");
    assert!(stack[0][1] + stack[0][3] < stack[1][1], "{stack:?}");
    // Dressed on the vertical canvas only: a frame under each, a name tag over each.
    let order = |layers: &Value| -> Vec<String> {
        let layers = layers.as_array().unwrap();
        layers
            .iter()
            .map(|l| l["source"].as_str().unwrap().to_string())
            .collect()
    };
    let dressed = [
        "frame-ana",
        "ana",
        "name-ana",
        "frame-ben",
        "ben",
        "name-ben",
    ];
    assert_eq!(order(&doc["scenes"][0]["layouts"]["vertical"]), dressed);
    // On the main canvas they are there, hidden: another canvas arranges the scene's layers.
    assert_eq!(order(&doc["scenes"][0]["layers"]), dressed);
    let main = doc["scenes"][0]["layers"].as_array().unwrap();
    assert!(
        main.iter()
            .all(|l| (l["visible"] == false) == (l["source"] != "ana" && l["source"] != "ben")),
        "{main:?}"
    );
    let tag = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "name-ben")
        .unwrap();
    assert_eq!(tag["settings"]["title"], "Ben");

    let before = std::fs::read(&file).unwrap();
    let unknown = streamwerk(&[
        "arrange",
        "--scene",
        f,
        "--scene-name",
        "Talk",
        "--layout",
        "diagonal",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("use side-by-side, grid or speaker"),
        "{}",
        stderr(&unknown)
    );
    let missing = streamwerk(&[
        "arrange",
        "--scene",
        f,
        "--scene-name",
        "Nope",
        "--layout",
        "grid",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("there is no scene `Nope`"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}
