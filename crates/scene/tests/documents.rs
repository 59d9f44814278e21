//! The document model: round trips, defaults, rescaling.

use std::path::{Path, PathBuf};
use streamwerk_scene::*;

fn demo_path() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test"))
        .join("../../assets/scenes/demo.json")
}

#[test]
fn the_demo_loads_and_round_trips() {
    let demo = load_collection(&demo_path()).unwrap();
    assert_eq!(
        demo.scenes
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["Live", "Be right back"]
    );
    assert_eq!(demo.safe_scene.as_deref(), Some("Be right back"));
    let text = serde_json::to_string(&demo).unwrap();
    let again = parse_collection(&text, Path::new("again.json"), demo.base_dir.clone()).unwrap();
    assert_eq!(again, demo);
}

#[test]
fn a_safe_scene_must_be_one_of_the_scenes() {
    let mut demo = load_collection(&demo_path()).unwrap();
    demo.safe_scene = Some("Backstage".into());
    let problems = check_collection(&demo);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(p.path, "safe_scene");
    assert!(p.message.contains("`Backstage`"), "{p}");
    assert!(p.fix.contains("`Be right back`"), "{p}");
    demo.safe_scene = None;
    assert!(check_collection(&demo).is_empty());
}

#[test]
fn transitions_are_checked_where_they_are_set() {
    let mut demo = load_collection(&demo_path()).unwrap();
    demo.transition = Transition::Fade {
        duration_ms: 60_000,
    };
    demo.scenes[1].transition = Some(Transition::Stinger {
        path: "missing-stinger.webm".into(),
        cut_point_ms: 900,
        duration_ms: Some(600),
    });
    let problems = check_collection(&demo);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "transition.duration_ms",
            "scenes[1].transition.path",
            "scenes[1].transition.cut_point_ms"
        ],
        "{problems:?}"
    );
    assert!(problems[1].message.contains("missing-stinger.webm"));
    assert!(problems[2].fix.contains("cut point within the stinger"));
    assert_eq!(demo.transition_to("Be right back").kind_name(), "stinger");
    assert_eq!(demo.transition_to("Live").kind_name(), "fade");
}

#[test]
fn rescaling_the_canvas_scales_the_layout() {
    let mut demo = load_collection(&demo_path()).unwrap();
    demo.rescale_canvas(1920, 1080);
    assert_eq!((demo.canvas.width, demo.canvas.height), (1920, 1080));
    let logo = &demo.scene("Live").unwrap().layers[1].transform;
    assert_eq!(
        (logo.x, logo.y, logo.width, logo.height),
        (1692.0, 48.0, Some(180.0), Some(180.0))
    );
    let SourceKind::Text(name) = &demo.source("name").unwrap().kind else {
        panic!()
    };
    assert_eq!(name.size, 66.0);
    let SourceKind::Color(bar) = &demo.source("lower-third-bar").unwrap().kind else {
        panic!()
    };
    assert_eq!((bar.width, bar.height), (1350, 168));
}

#[test]
fn a_default_profile_is_what_platforms_expect() {
    let p = Profile::default();
    assert_eq!(p.video.preset, "veryfast");
    assert_eq!(p.video.keyframe_interval_s, 2.0);
    assert_eq!(p.video.rate_control, RateControl::Cbr);
    assert_eq!(p.recording.format, RecordingFormat::Mkv);
}

#[test]
fn profile_problems_name_their_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("profile.json");
    std::fs::write(
        &file,
        r#"{"video": {"preset": "warp", "bitrate_kbps": 4500}}"#,
    )
    .unwrap();
    let err = load_profile(&file).unwrap_err().to_string();
    assert!(
        err.contains("video.preset") && err.contains("warp"),
        "{err}"
    );
    std::fs::write(&file, r#"{"video": {"bitrate": 4500}}"#).unwrap();
    let err = load_profile(&file).unwrap_err().to_string();
    assert!(err.contains("unknown field `bitrate`"), "{err}");
}

#[test]
fn destinations_name_their_key_and_fill_in_platform_servers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("profile.json");
    std::fs::write(
        &file,
        r#"{"destinations": [
            {"name": "YouTube", "platform": "youtube", "key": "yt-main"},
            {"name": "Ingest", "server": "srt://127.0.0.1:9000?latency=120000", "key": "srt-id", "enabled": false}
        ]}"#,
    )
    .unwrap();
    let p = load_profile(&file).unwrap();
    assert_eq!(
        p.destinations[0].url(Some("abc")).unwrap(),
        "rtmp://a.rtmp.youtube.com/live2/abc"
    );
    assert_eq!(
        p.destinations[1].url(Some("id")).unwrap(),
        "srt://127.0.0.1:9000?latency=120000&streamid=id"
    );
    assert!(!p.destinations[1].enabled);

    std::fs::write(
        &file,
        r#"{"destinations": [{"name": "TikTok", "platform": "tiktok", "key": "sk live 123"}]}"#,
    )
    .unwrap();
    let err = load_profile(&file).unwrap_err().to_string();
    assert!(
        err.contains("destinations[0].server") && err.contains("destinations[0].key"),
        "{err}"
    );
}
