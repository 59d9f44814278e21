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
        ["Live", "Be right back", "Starting soon"]
    );
    assert_eq!(demo.safe_scene.as_deref(), Some("Be right back"));
    // The demo file is schema 1 (one canvas): it loads as 2 and saves as 2.
    assert!(std::fs::read_to_string(demo_path())
        .unwrap()
        .contains(r#""schema_version": 1"#));
    assert_eq!(demo.schema_version, 2);
    assert_eq!(demo.canvas_names(), ["main"]);
    let text = serde_json::to_string(&demo.to_document()).unwrap();
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
fn canvases_and_layouts_are_checked_and_a_vertical_one_is_arranged() {
    let mut demo = load_collection(&demo_path()).unwrap();
    // Natural sizes as the engine reports them (test pattern: the canvas; text: rendered).
    let sizes = |id: &str| match id {
        "camera" => Some((1280, 720)),
        "lower-third-bar" => Some((900, 112)),
        "lower-third-accent" => Some((12, 112)),
        "name" => Some((260, 52)),
        "title" => Some((360, 34)),
        "brb-background" => Some((1280, 720)),
        "brb-text" => Some((1280, 86)),
        _ => None,
    };
    add_canvas(&mut demo, "vertical", 1080, 1920, sizes).unwrap();
    assert!(
        check_collection(&demo).is_empty(),
        "{:?}",
        check_collection(&demo)
    );
    assert!(add_canvas(&mut demo, "vertical", 720, 1280, sizes)
        .unwrap_err()
        .contains("already has a canvas `vertical`"));
    let safe = safe_area(1080, 1920);
    for scene in &demo.scenes {
        for layer in &scene.layouts["vertical"] {
            let Some(a) = layer_area(layer, sizes(&layer.source)) else {
                continue; // the tone: no picture
            };
            if ["camera", "brb-background"].contains(&layer.source.as_str()) {
                // Exactly the canvas, showing the source's middle at its own shape.
                assert_eq!((a.x, a.y, a.w, a.h), (0.0, 0.0, 1080.0, 1920.0));
                let (w, h) = sizes(&layer.source).unwrap();
                let crop = layer.transform.crop;
                assert_eq!((crop.left, crop.top), (crop.right, crop.bottom), "{crop:?}");
                let shown =
                    (w - crop.left - crop.right) as f32 / (h - crop.top - crop.bottom) as f32;
                assert!((shown - 1080.0 / 1920.0).abs() < 0.01, "{shown}");
            } else {
                let inside = a.x >= safe.x - 0.5
                    && a.y >= safe.y - 0.5
                    && a.x + a.w <= safe.x + safe.w + 0.5
                    && a.y + a.h <= safe.y + safe.h + 0.5;
                assert!(
                    inside,
                    "{} {}: {a:?} outside {safe:?}",
                    scene.name, layer.source
                );
            }
        }
    }
    // The main canvas is as it was; the vertical view has the vertical size and layout.
    let view = demo.for_canvas("vertical").unwrap();
    assert_eq!((view.canvas.width, view.canvas.height), (1080, 1920));
    assert_eq!(view.scenes[0].layers, demo.scenes[0].layouts["vertical"]);
    assert_eq!(
        demo.for_canvas("main").unwrap().scenes[0].layers,
        demo.scenes[0].layers
    );

    // A layout for a canvas that does not exist, a layer the scene does not have, a canvas
    // named `main`: each named with its path.
    let brb = demo.scenes[1].layers.clone();
    demo.scenes[1].layouts.insert("square".into(), brb);
    demo.scenes[0].layouts.get_mut("vertical").unwrap()[1].source = "brb-text".into();
    demo.canvases.push(NamedCanvas {
        name: "main".into(),
        width: 1080,
        height: 1080,
    });
    let paths: Vec<String> = check_collection(&demo)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        paths,
        [
            "canvases[1].name",
            "scenes[0].layouts.vertical[1].source",
            "scenes[1].layouts.square"
        ]
    );
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

#[test]
fn a_profile_names_stun_and_turn_servers_or_says_what_is_wrong() {
    let profile: Profile = serde_json::from_str(
        r#"{ "schema_version": 1, "guest_network": {
  "ice_servers": ["stun:stun.example.org:3478", "turn:turn.example.org:3478?transport=udp", "http://nope"],
  "turn_secret_key": "studio-turn" } }"#,
    )
    .unwrap();
    assert_eq!(
        profile.guest_network.turn_secret_key.as_deref(),
        Some("studio-turn")
    );
    let problems: Vec<String> = check_profile(&profile)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("guest_network.ice_servers[2]")
            && problems[0].contains("turn:HOST:PORT"),
        "{problems:?}"
    );
    // A profile without guests' servers writes none.
    let plain = serde_json::to_string(&Profile::default()).unwrap();
    assert!(!plain.contains("guest_network"), "{plain}");
}
