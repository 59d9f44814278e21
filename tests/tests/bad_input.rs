//! Every kind of bad input ends with exit code 2 and a message that names the place.

use serde_json::{json, Value};
use streamwerk_e2e::*;

/// The demo as JSON, its brand kit named by absolute path so a copy opens anywhere.
fn demo() -> Value {
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(demo_scene()).unwrap()).unwrap();
    let kit = root().join("assets/brand/streamwerk.brand.json");
    doc["brand"] = json!(kit.to_str().unwrap());
    doc
}

/// Writes `doc` beside the demo's assets (so relative paths resolve) and validates it.
fn check(doc: &str, expect: &[&str]) {
    let dir = root().join("assets/scenes");
    let file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile_in(&dir)
        .unwrap();
    std::fs::write(file.path(), doc).unwrap();
    for args in [
        vec!["validate", file.path().to_str().unwrap()],
        vec![
            "record",
            "--scene",
            file.path().to_str().unwrap(),
            "--out",
            "/tmp/never-written.mkv",
            "--duration",
            "1",
        ],
    ] {
        let run = streamwerk(&args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        for needle in expect {
            assert!(err.contains(needle), "{args:?}: `{needle}` not in: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!std::path::Path::new("/tmp/never-written.mkv").exists());
}

fn edit(f: impl FnOnce(&mut Value)) -> String {
    let mut doc = demo();
    f(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn unknown_source_kind() {
    check(
        &edit(|d| d["sources"][1]["kind"] = json!("webcam_hd")),
        &["sources[1]", "unknown variant `webcam_hd`"],
    );
}

#[test]
fn missing_image_file() {
    check(
        &edit(|d| d["sources"][1]["settings"]["path"] = json!("../logos/missing.png")),
        &[
            "sources[1].settings.path",
            "file not found",
            "missing.png",
            "fix:",
        ],
    );
}

#[test]
fn negative_size() {
    check(
        &edit(|d| d["scenes"][0]["layers"][1]["transform"]["width"] = json!(-120)),
        &["scenes[0].layers[1].transform.width", "above 0"],
    );
    check(
        &edit(|d| d["canvas"]["width"] = json!(-1280)),
        &["canvas.width"],
    );
}

#[test]
fn not_a_number() {
    let doc = edit(|d| d["scenes"][0]["layers"][1]["transform"]["x"] = json!("__NAN__"))
        .replace("\"__NAN__\"", "NaN");
    check(&doc, &["scenes[0].layers[1].transform.x", "line"]);
}

#[test]
fn duplicate_source_id() {
    check(
        &edit(|d| d["sources"][2]["id"] = json!("logo")),
        &["sources[2].id", "duplicate source id `logo`"],
    );
}

#[test]
fn dangling_source_reference() {
    check(
        &edit(|d| d["scenes"][1]["layers"][2]["source"] = json!("nowhere")),
        &["scenes[1].layers[2].source", "`nowhere`", "fix:"],
    );
}

#[test]
fn unsupported_schema_version() {
    check(
        &edit(|d| d["schema_version"] = json!(7)),
        &["schema_version", "unsupported schema version 7"],
    );
}

#[test]
fn malformed_json_names_line_and_column() {
    let text =
        std::fs::read_to_string(demo_scene())
            .unwrap()
            .replacen("\"canvas\"", "\"canvas\" ,,", 1);
    check(&text, &["line 4"]);
}

#[test]
fn several_problems_are_reported_together() {
    let doc = edit(|d| {
        d["sources"][2]["id"] = json!("logo");
        d["scenes"][0]["layers"][1]["transform"]["opacity"] = json!(3);
    });
    check(
        &doc,
        &[
            "3 problem(s)",
            "duplicate source id",
            "transform.opacity",
            "`lower-third-bar`",
        ],
    );
}

#[test]
fn unknown_scene_name_and_bad_output_name() {
    let scene = demo_scene();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.mkv");
    let run = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--scene-name",
        "Intro",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("`Intro`") && stderr(&run).contains("`Live`"),
        "{}",
        stderr(&run)
    );
    let run = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--out",
        dir.path().join("x.avi").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains(".mkv"), "{}", stderr(&run));
    let run = streamwerk(&["validate", "/nonexistent/scene.json"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("/nonexistent/scene.json"));
}

#[test]
fn oversized_documents_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: 17 MB on paper, nothing on disk; the size alone must refuse it.
    let big = dir.path().join("huge.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(17_000_000)
        .unwrap();
    let profile = dir.path().join("huge-profile.json");
    std::fs::copy(&big, &profile).unwrap();
    for args in [
        vec!["validate", big.to_str().unwrap()],
        vec![
            "record",
            "--scene",
            demo_scene().to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
            "--out",
            dir.path().join("never.mkv").to_str().unwrap(),
        ],
    ] {
        let run = streamwerk(&args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is 17 MB, over the 16 MB a document may have"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!dir.path().join("never.mkv").exists());
}

#[test]
fn an_image_declaring_gigapixels_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = dir.path().join("bomb.jpg");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "color=red:s=16x16"])
        .args(["-frames:v", "1"])
        .arg(&jpeg)
        .status()
        .unwrap();
    assert!(made.success());
    // The frame header (SOF0, FF C0) declares the size: make it 60000x60000 (3.6 gigapixels,
    // 14 GB as RGBA) while the file stays a few hundred bytes.
    let mut bytes = std::fs::read(&jpeg).unwrap();
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    std::fs::write(&jpeg, &bytes).unwrap();
    let scene = edit(|d| d["sources"][1]["settings"]["path"] = json!(jpeg.to_str().unwrap()));
    let file = dir.path().join("scene.json");
    std::fs::write(&file, scene).unwrap();
    let out = dir.path().join("never.png");
    let run = streamwerk(&[
        "render-frame",
        "--scene",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("60000x60000") && err.contains("33 megapixels") && err.contains("logo"),
        "{err}"
    );
    assert!(!out.exists());
}
