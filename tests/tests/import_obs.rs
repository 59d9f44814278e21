//! `streamwerk import-obs` on collections OBS itself wrote (tests/data/obs: Linux, macOS and
//! Windows, OBS 29-30): scene order, layer counts, rectangles computed by hand from OBS's rules
//! (libobs/obs-scene.c), the report, and the result validating and rendering every scene.

use serde_json::Value;
use std::path::{Path, PathBuf};
use streamwerk_e2e::*;

fn sample(name: &str) -> PathBuf {
    root().join("tests/data/obs").join(name)
}

/// Imports `file` into `dir`; (collection, report on stderr).
fn import(dir: &Path, file: &Path, profile: Option<&Path>) -> (Value, String) {
    let out = dir.join("imported.json");
    let mut args = vec![
        "import-obs",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(p) = profile {
        args.extend(["--profile-dir", p.to_str().unwrap()]);
    }
    let run = streamwerk(&args);
    assert!(run.status.success(), "{}", stderr(&run));
    let valid = streamwerk(&["validate", out.to_str().unwrap()]);
    assert!(valid.status.success(), "{}", stderr(&valid));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    // Every imported scene renders.
    for scene in doc["scenes"].as_array().unwrap() {
        let png = dir.join("frame.png");
        let name = scene["name"].as_str().unwrap();
        // `=`: a scene may be named like a flag ("--------------------[hidden]").
        let frame = streamwerk(&[
            "render-frame",
            "--scene",
            out.to_str().unwrap(),
            &format!("--scene-name={name}"),
            "--out",
            png.to_str().unwrap(),
        ]);
        assert!(frame.status.success(), "{name}: {}", stderr(&frame));
    }
    (doc, stderr(&run))
}

/// Scene names, in order, with their layer counts.
fn scenes(doc: &Value) -> Vec<(String, usize)> {
    doc["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["layers"].as_array().unwrap().len(),
            )
        })
        .collect()
}

/// (x, y, width, height) of the layer of the source named `name` (OBS's name) in `scene`.
fn rect(doc: &Value, scene: &str, name: &str) -> (f64, f64, f64, f64) {
    let id = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no source {name}"))["id"]
        .clone();
    let scene = doc["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == scene)
        .unwrap();
    let layer = scene["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source"] == id)
        .unwrap();
    let t = &layer["transform"];
    let n = |k: &str| t[k].as_f64().unwrap();
    (n("x"), n("y"), n("width"), n("height"))
}

fn near(got: (f64, f64, f64, f64), want: (f64, f64, f64, f64)) {
    let ok = [
        (got.0, want.0),
        (got.1, want.1),
        (got.2, want.2),
        (got.3, want.3),
    ]
    .iter()
    .all(|(a, b)| (a - b).abs() <= 1.0);
    assert!(ok, "{got:?} against {want:?}");
}

#[test]
fn a_linux_collection_with_nested_scenes_keeps_its_scenes_and_places_its_layers() {
    let dir = tempfile::tempdir().unwrap();
    // The profile the collection was made with: an 840x1080 canvas.
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    std::fs::write(profile.join("basic.ini"), "\u{feff}[General]\nName=Teaching\n\n[Video]\nBaseCX=840\nBaseCY=1080\nOutputCX=840\nOutputCY=1080\n").unwrap();
    let (doc, report) = import(
        dir.path(),
        &sample("linux-29.0.2-coderefinery-Teaching_Streaming_ZoomCapture2.json"),
        Some(&profile),
    );
    assert_eq!(
        (
            doc["canvas"]["width"].as_u64(),
            doc["canvas"]["height"].as_u64()
        ),
        (Some(840), Some(1080))
    );
    let names: Vec<(String, usize)> = scenes(&doc);
    // Each scene's own layers (nested scenes flattened), plus OBS's global microphone, which
    // plays in every scene.
    let want = [
        ("Title", 14),
        ("Gallery", 8),
        ("Screenshare", 5),
        ("ScreenshareCrop", 6),
        ("ScreenshareLandscape", 6),
        ("Broadcaster-Screen", 6),
        ("Notes", 6),
        ("--------------------[hidden]", 0),
        ("_GalleryCapture[hidden]", 2),
        ("_Screenshare-Zoom-Capture[hidden]", 1),
        ("_ScreenshareLandscape-Zoom-Capture[hidden]", 1),
        ("_Broadcaster-Screen[hidden]", 2),
        ("_HackMD-Capture[hidden]", 1),
        ("Empty", 1),
    ];
    assert_eq!(names, want.map(|(n, c)| (n.to_string(), c + 1)));
    assert!(
        report
            .contains("\"BroadcasterMic\" (pulse_input_capture, OBS global sound): in every scene"),
        "{report}"
    );
    assert!(
        report.contains(
            "\"Instructors\" (pulse_output_capture, OBS global sound): desktop sound capture"
        ),
        "{report}"
    );
    let sources = doc["sources"].as_array().unwrap();
    let mic = sources
        .iter()
        .find(|s| s["name"] == "BroadcasterMic")
        .unwrap();
    assert_eq!(mic["kind"], "microphone", "{mic}");
    assert_eq!(mic["audio"]["muted"], true, "{mic}");
    // A v1 colour source (OBS default 400x400) scaled 2.7 from (-54, 0).
    near(
        rect(&doc, "Title", "Background color"),
        (-54.0, 0.0, 1080.0, 1080.0),
    );
    // A canvas-sized capture fitted (bounds "scale inner") into 840x1080, anchored top-centre
    // at (420, 0): exactly the canvas.
    near(
        rect(&doc, "Screenshare", "ZoomCapture"),
        (0.0, 0.0, 840.0, 1080.0),
    );
    // Inside the nested scene "_GalleryCapture[hidden]": that item crops 60/4/60/0 off the
    // 840x1080 scene and fits the 720x1076 left into 840x1080 (x1.003717), top-centre at
    // (420, 102), centred in the box (int(840 - 722.68) / 2 = 58): the nested scene's (60, 4)
    // lands at (58, 102), its origin at (-2.2, 98.0). The capture inside, scaled to width 840
    // and anchored top-centre at (420, 0), spans the nested scene: 843.1x1084.0 from there.
    near(
        rect(&doc, "Gallery", "ZoomMeeting-Gallery"),
        (-2.2, 98.0, 843.1, 1084.0),
    );
    for kind in ["xcomposite_input", "xshm_input", "text_ft2_source"] {
        assert!(report.contains(kind), "{kind} in {report}");
    }
    assert!(report.contains("missing files"), "{report}");
    assert!(
        report.contains("/home/rkdarst/git/coderefinery/artwork/avatar.png"),
        "{report}"
    );
}

#[test]
fn a_macos_collection_with_groups_and_a_windows_one_with_flips() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, report) = import(
        dir.path(),
        &sample("macos-30.1.2-vulbyte-obsSettings-main_scene.json"),
        None,
    );
    // No profile: the collection's own resolution (OBS 30.1+).
    assert_eq!(
        (
            doc["canvas"]["width"].as_u64(),
            doc["canvas"]["height"].as_u64()
        ),
        (Some(3840), Some(2160))
    );
    assert!(
        report.contains("the collection's resolution (3840x2160)"),
        "{report}"
    );
    // Three groups flattened, their pre-22 backup copies skipped: 4 captures, the camera, the
    // microphone, and OBS's global microphone.
    assert_eq!(scenes(&doc), [("Scene".to_string(), 7)]);
    // Group "displays" at (0, -1) x2 holds "cintiq" fitted into 1920x1080 at (0, 1): a
    // canvas-sized (3840x2160) capture at x0.5, then x2 by the group.
    near(rect(&doc, "Scene", "cintiq"), (0.0, 1.0, 3840.0, 2160.0));
    // And "macOS Screen Capture" at (123, 0) x0.484375: (246, -1), 3720x2092.5.
    near(
        rect(&doc, "Scene", "macOS Screen Capture"),
        (246.0, -1.0, 3720.0, 2092.5),
    );
    assert!(
        report.contains("camera `Live Streamer CAP 4K` is not on this machine"),
        "{report}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (doc, report) = import(
        dir.path(),
        &sample("windows-30.2.3-skooter500-from_win.json"),
        None,
    );
    let names = scenes(&doc);
    assert_eq!(names.len(), 19);
    assert_eq!(names[0], ("Display".to_string(), 2));
    assert_eq!(names[1], ("Vignette".to_string(), names[1].1));
    assert_eq!(names[2], ("Horizontal Reflect".to_string(), 3));
    // Mirrored (scale -1) from the right edge: the same rectangle as the unmirrored capture.
    near(
        rect(&doc, "Horizontal Reflect", "Display Capture 3"),
        (0.0, 0.0, 1920.0, 1080.0),
    );
    assert!(
        report.contains("\"Display Capture 3\" in \"Horizontal Reflect\": flipped in OBS"),
        "{report}"
    );
    assert!(report.contains("monitor_capture"), "{report}");
}

#[test]
fn what_is_not_an_obs_collection_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let truncated = dir.path().join("truncated.json");
    let text = std::fs::read_to_string(sample("macos-30.1.2-vulbyte-obsSettings-main_scene.json"))
        .unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let cases = [
        (demo_scene(), "not an OBS scene collection"),
        (truncated, "not JSON"),
        (dir.path().join("absent.json"), "cannot be read"),
    ];
    for (file, says) in cases {
        let run = streamwerk(&[
            "import-obs",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(says), "{says}: {}", stderr(&run));
        assert!(
            stderr(&run).contains(file.to_str().unwrap()),
            "{}",
            stderr(&run)
        );
        assert!(!out.exists());
    }
    // Kinds Streamwerk lacks are reported by name and kind; the rest imports.
    let odd = dir.path().join("odd.json");
    std::fs::write(
        &odd,
        r#"{ "name": "Odd", "scene_order": [{"name": "S"}], "sources": [
        {"name": "S", "id": "scene", "versioned_id": "scene", "settings": {"items": [
            {"name": "Wave", "pos": {"x": 0, "y": 0}, "scale": {"x": 1, "y": 1}},
            {"name": "Card", "pos": {"x": 10, "y": 20}, "scale": {"x": 0.5, "y": 0.5}},
            {"name": "Alerts", "pos": {"x": 0, "y": 0}},
            {"name": "Notice", "pos": {"x": 0, "y": 300}}]}},
        {"name": "Notice", "id": "text_gdiplus", "versioned_id": "text_gdiplus_v3",
         "settings": {"text": "We start at ten past the hour, grab a coffee", "extents": true, "extents_cx": 400,
                      "font": {"face": "Arial", "size": 48, "flags": 1}, "color": 255, "opacity": 50}},
        {"name": "Alerts", "id": "browser_source", "versioned_id": "browser_source",
         "settings": {"url": "https://streamlabs.com/alert-box/v3/SECRET-TOKEN?x=1", "width": 600, "height": 200}},
        {"name": "Wave", "id": "spectralizer", "versioned_id": "spectralizer", "settings": {}},
        {"name": "Card", "id": "color_source", "versioned_id": "color_source_v3",
         "settings": {"color": 4278190335, "width": 200, "height": 100}}]}"#,
    )
    .unwrap();
    let run = streamwerk(&[
        "import-obs",
        odd.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run)
            .contains("\"Wave\" (spectralizer): kind `spectralizer` has no Streamwerk counterpart"),
        "{}",
        stderr(&run)
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["sources"][0]["settings"]["color"], "#FF0000");
    near(rect(&doc, "S", "Card"), (10.0, 20.0, 100.0, 50.0));
    // A web page: a stand-in of its size named for its URL, but only up to its first path
    // segment: widget URLs carry tokens.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        !text.contains("SECRET") && !stderr(&run).contains("SECRET"),
        "{text}"
    );
    let page = "https://streamlabs.com/alert-box/…";
    // GDI+ text: its 400 px extents wrap it, its colour is BGR (255 is red) at 50 % opacity.
    let notice = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Notice")
        .unwrap();
    let settings = &notice["settings"];
    assert_eq!(settings["wrap_width"], 400.0, "{notice}");
    assert_eq!(settings["color"], "#FF00007F", "{notice}");
    assert_eq!(
        (&settings["size"], &settings["bold"]),
        (&Value::from(48.0), &Value::from(true)),
        "{notice}"
    );
    near(rect(&doc, "S", page), (0.0, 0.0, 600.0, 200.0));
    let again = streamwerk(&[
        "import-obs",
        odd.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

/// An OBS settings folder as OBS lays it out: `obs-studio/basic/scenes/NAME.json` holding
/// `collection`, and a profile folder for each (name, width, height).
fn obs_folder(dir: &Path, collection: &str, profiles: &[(&str, u32, u32)]) -> PathBuf {
    let obs = dir.join("obs-studio");
    let file = obs.join("basic/scenes/Show.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, collection).unwrap();
    for (name, w, h) in profiles {
        let profile = obs.join("basic/profiles").join(name);
        std::fs::create_dir_all(&profile).unwrap();
        std::fs::write(
            profile.join("basic.ini"),
            format!("[General]\nName={name}\n\n[Video]\nBaseCX={w}\nBaseCY={h}\n"),
        )
        .unwrap();
    }
    file
}

/// One scene: a 400x200 colour card at (1080, 540) scaled 2, a network stream, a media
/// source with no file, and a VLC playlist whose first entry is an SRT address.
const WIDE: &str = r#"{ "name": "Wide", "scene_order": [{"name": "S"}], "sources": [
    {"name": "S", "id": "scene", "versioned_id": "scene", "settings": {"items": [
        {"name": "Card", "pos": {"x": 1080, "y": 540}, "scale": {"x": 2, "y": 2}},
        {"name": "Camera feed", "pos": {"x": 0, "y": 0}, "scale": {"x": 0.5, "y": 0.5}},
        {"name": "Nothing yet", "pos": {"x": 0, "y": 0}},
        {"name": "Playlist", "pos": {"x": 0, "y": 0}}]}},
    {"name": "Card", "id": "color_source", "versioned_id": "color_source_v3",
     "settings": {"color": 4278190335, "width": 400, "height": 200}},
    {"name": "Camera feed", "id": "ffmpeg_source", "versioned_id": "ffmpeg_source",
     "settings": {"is_local_file": false, "input": "rtmp://127.0.0.1:1/live/secret-key"}},
    {"name": "Nothing yet", "id": "ffmpeg_source", "versioned_id": "ffmpeg_source",
     "settings": {"local_file": ""}},
    {"name": "Playlist", "id": "vlc_source", "versioned_id": "vlc_source",
     "settings": {"playlist": [{"value": "srt://127.0.0.1:2?streamid=token"}]}}]}"#;

#[test]
fn a_canvas_larger_than_streamwerk_takes_is_fitted_with_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    // 4320x2160 (2:1), from the only profile beside the collection.
    let file = obs_folder(dir.path(), WIDE, &[("Ultrawide", 4320, 2160)]);
    let (doc, report) = import(dir.path(), &file, None);
    assert_eq!(
        (
            doc["canvas"]["width"].as_u64(),
            doc["canvas"]["height"].as_u64()
        ),
        (Some(3840), Some(1920))
    );
    assert!(
        report.contains("the OBS profile \"Ultrawide\" found beside the collection (4320x2160)"),
        "{report}"
    );
    assert!(report.contains("fitted to 3840x1920"), "{report}");
    // (1080, 540, 800, 400) on OBS's canvas, x 3840/4320.
    let s = 3840.0 / 4320.0;
    near(
        rect(&doc, "S", "Card"),
        (1080.0 * s, 540.0 * s, 800.0 * s, 400.0 * s),
    );
    // Network streams become media sources of their address; the report shows them without
    // their keys. A source with no file is reported as such, not as a missing file.
    let sources = doc["sources"].as_array().unwrap();
    let path_of = |name: &str| {
        sources.iter().find(|s| s["name"] == name).unwrap()["settings"]["path"].clone()
    };
    assert_eq!(path_of("Camera feed"), "rtmp://127.0.0.1:1/live/secret-key");
    assert_eq!(path_of("Playlist"), "srt://127.0.0.1:2?streamid=token");
    assert!(report.contains("network inputs"), "{report}");
    assert!(
        report.contains("\"Camera feed\": rtmp://127.0.0.1:1/live/…"),
        "{report}"
    );
    assert!(
        !report.contains("secret-key") && !report.contains("token"),
        "{report}"
    );
    assert!(
        report.contains("no file or address chosen in OBS"),
        "{report}"
    );
    assert!(!report.contains("missing files"), "{report}");
    // Asked for 1080p: 1920x960, every layer with it.
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let out = again.join("imported.json");
    let run = streamwerk(&[
        "import-obs",
        file.to_str().unwrap(),
        "--fit-1080p",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["canvas"]["width"], 1920);
    assert_eq!(doc["canvas"]["height"], 960);
    let s = 1920.0 / 4320.0;
    near(
        rect(&doc, "S", "Card"),
        (1080.0 * s, 540.0 * s, 800.0 * s, 400.0 * s),
    );
}

#[test]
fn the_profile_is_the_one_obs_uses_and_a_chosen_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let collection = WIDE.replace(
        "\"name\": \"Wide\",",
        "\"name\": \"Wide\", \"resolution\": {\"x\": 1280, \"y\": 720},",
    );
    let file = obs_folder(
        dir.path(),
        &collection,
        &[("Portrait", 840, 1080), ("Big", 5120, 2880)],
    );
    std::fs::write(
        dir.path().join("obs-studio/user.ini"),
        "[Basic]\nProfile=Portrait\nProfileDir=Portrait\n",
    )
    .unwrap();
    let (doc, report) = import(dir.path(), &file, None);
    assert_eq!(
        (
            doc["canvas"]["width"].as_u64(),
            doc["canvas"]["height"].as_u64()
        ),
        (Some(840), Some(1080))
    );
    assert!(
        report.contains("\"Portrait\" found beside the collection"),
        "{report}"
    );
    // --profile-dir wins: the 5K Retina profile, fitted to 3840x2160 at 0.75.
    let chosen = dir.path().join("chosen");
    std::fs::create_dir(&chosen).unwrap();
    let big = dir.path().join("obs-studio/basic/profiles/Big");
    let (doc, report) = import(&chosen, &file, Some(&big));
    assert_eq!(
        (
            doc["canvas"]["width"].as_u64(),
            doc["canvas"]["height"].as_u64()
        ),
        (Some(3840), Some(2160))
    );
    assert!(
        report.contains("the OBS profile \"Big\" (5120x2880); fitted to 3840x2160"),
        "{report}"
    );
    near(rect(&doc, "S", "Card"), (810.0, 405.0, 600.0, 300.0));
    // Without OBS's folders around it and without a resolution: 1920x1080, and the report
    // says what to do in plain words.
    let alone = dir.path().join("alone");
    std::fs::create_dir(&alone).unwrap();
    let lone = alone.join("Show.json");
    std::fs::write(&lone, WIDE).unwrap();
    let (doc, report) = import(&alone, &lone, None);
    assert_eq!(doc["canvas"]["width"], 1920);
    assert!(report.contains("choose its profile folder"), "{report}");
    assert!(
        !report.contains("--"),
        "no command-line flags in the report: {report}"
    );
}

#[test]
fn importing_keeps_the_sound_and_camera_libraries_quiet() {
    // Matching device names lists this machine's devices: ALSA's and JACK's probing must not
    // reach the terminal, and no camera is opened.
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = import(
        dir.path(),
        &sample("macos-30.1.2-vulbyte-obsSettings-main_scene.json"),
        None,
    );
    for noise in [
        "ALSA lib",
        "jack server",
        "Cannot connect to server",
        "JackShm",
        "retrying",
    ] {
        assert!(!report.contains(noise), "{noise} in {report}");
    }
    let devices = streamwerk(&["devices"]);
    assert!(devices.status.success());
    let said = stderr(&devices);
    assert!(
        !said.contains("ALSA lib") && !said.contains("jack"),
        "{said}"
    );
}
