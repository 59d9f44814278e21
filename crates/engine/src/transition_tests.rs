//! Transitions and studio mode, frame by frame on the video thread's own code: pixels of the
//! program at known frame numbers.

use crate::active_scene::Shown;
use crate::test_rig::{close, yuv_at, Rig};
use crate::transition::ease;
use std::path::Path;
use std::time::{Duration, Instant};
use streamwerk_media::AudioBlock;
use streamwerk_scene::{parse_collection, Collection, SlideDirection, Transition};

const W: u32 = 64;
const H: u32 = 36;

/// Scenes `A` (red), `B` (blue), `C` (green), each one full-canvas colour; `A` also plays a
/// tone, `B` does not.
fn collection(dir: &Path) -> Collection {
    let doc = format!(
        r##"{{ "schema_version": 1, "name": "T", "canvas": {{ "width": {W}, "height": {H}, "fps": 30 }},
        "sources": [
          {{ "id": "red", "kind": "color", "settings": {{ "color": "#FF0000", "width": {W}, "height": {H} }} }},
          {{ "id": "blue", "kind": "color", "settings": {{ "color": "#0000FF", "width": {W}, "height": {H} }} }},
          {{ "id": "green", "kind": "color", "settings": {{ "color": "#00FF00", "width": {W}, "height": {H} }} }},
          {{ "id": "tone", "kind": "tone", "settings": {{ "frequency_hz": 1000, "level_dbfs": -6 }} }}
        ],
        "scenes": [
          {{ "name": "A", "layers": [ {{ "source": "red" }}, {{ "source": "tone" }} ] }},
          {{ "name": "B", "layers": [ {{ "source": "blue" }} ] }},
          {{ "name": "C", "layers": [ {{ "source": "green" }} ] }}
        ] }}"##
    );
    parse_collection(&doc, Path::new("t.json"), dir.into()).unwrap()
}

/// Each scene's colour as the compositor makes it.
fn colours(dir: &Path) -> [(u8, u8, u8); 3] {
    ["A", "B", "C"].map(|s| Rig::new(collection(dir), s).pixel_at(10, 10))
}

fn blend(a: (u8, u8, u8), b: (u8, u8, u8), t: f32) -> (u8, u8, u8) {
    let m = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// A rig that showed scene A for a frame and now changes to `to` through `transition`.
fn switching(dir: &Path, to: &str, transition: &Transition) -> Rig {
    let mut rig = Rig::new(collection(dir), "A");
    rig.frame();
    rig.show(Shown::program(to), Some(transition));
    rig
}

#[test]
fn the_middle_frame_of_a_fade_is_the_blend_of_the_two_scenes() {
    let dir = std::env::temp_dir();
    let [red, blue, _] = colours(&dir);
    let mut rig = switching(&dir, "B", &Transition::Fade { duration_ms: 1000 });
    // 30 frames at 30 fps; frame k shows k/30 of the way.
    let seen: Vec<_> = (0..32).map(|_| rig.pixel_at(20, 20)).collect();
    assert_eq!(seen[0], red, "the first frame is still the scene going out");
    // Within 1 of the exact blend (the weights are in 1/256 steps).
    assert!(close(seen[15], blend(red, blue, 0.5), 1), "{:?}", seen[15]);
    assert!(close(seen[6], blend(red, blue, 0.2), 1), "{:?}", seen[6]);
    assert_eq!(seen[30], blue, "over after its duration");
    assert_eq!(seen[31], blue);
    assert!(rig.video.transition.is_none(), "ended");
}

#[test]
fn a_slide_moves_by_the_eased_offset() {
    let dir = std::env::temp_dir();
    let [red, blue, _] = colours(&dir);
    let slide = Transition::Slide {
        direction: SlideDirection::Left,
        duration_ms: 500,
    };
    let mut rig = switching(&dir, "B", &slide);
    // 15 frames; at frame 5 blue has come in from the right by the eased offset.
    for _ in 0..5 {
        rig.frame();
    }
    let offset = streamwerk_compositor::slide_offset(W, ease(5.0 / 15.0)) as usize;
    assert!(offset > 0 && offset < W as usize);
    let picture = rig.frame().clone();
    let edge = W as usize - offset;
    assert_eq!(yuv_at(&picture, edge - 1, 10), red);
    assert_eq!(yuv_at(&picture, edge, 10), blue);
}

#[test]
fn a_switch_during_a_transition_finishes_it_and_starts_the_next() {
    let dir = std::env::temp_dir();
    let [_, blue, green] = colours(&dir);
    let fade = Transition::Fade { duration_ms: 1000 };
    let mut rig = switching(&dir, "B", &fade);
    for _ in 0..5 {
        rig.frame();
    }
    rig.show(Shown::program("C"), Some(&fade));
    // No red any more: the next fade starts from blue, complete.
    assert_eq!(rig.pixel_at(5, 5), blue);
    assert!(close(rig.pixel_at(5, 5), blend(blue, green, 1.0 / 30.0), 1));
    // The red source only the finished fade showed is closed.
    assert_eq!(rig.video.sources.len(), 2);
    for _ in 0..30 {
        rig.frame();
    }
    assert_eq!(rig.pixel_at(5, 5), green);
    assert_eq!(rig.video.sources.len(), 1, "blue closed after the fade");
}

#[test]
fn a_cut_during_a_transition_ends_it_at_once_with_nothing_of_either_scene_left() {
    // A panic is a cut: whatever was fading or sweeping over, the next frame is the cut's
    // scene alone, and the sources only the transition showed are closed.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let [_, _, green] = colours(dir);
    let stinger = Transition::Stinger {
        path: stinger(dir),
        cut_point_ms: 200,
        duration_ms: None,
    };
    for transition in [Transition::Fade { duration_ms: 1000 }, stinger] {
        let mut rig = switching(dir, "B", &transition);
        for _ in 0..12 {
            rig.frame();
        }
        rig.show(Shown::program("C"), Some(&Transition::Cut));
        assert_eq!(rig.pixel_at(5, 5), green, "{transition:?}");
        assert!(rig.video.transition.is_none(), "{transition:?}");
        assert_eq!(rig.video.sources.len(), 1, "{transition:?}");
    }
}

#[test]
fn studio_mode_edits_to_the_preview_leave_program_alone_until_the_transition() {
    let dir = std::env::temp_dir();
    let [red, blue, green] = colours(&dir);
    let mut rig = Rig::new(collection(&dir), "A");
    let studio = Shown {
        program: "A",
        preview: Some("B"),
    };
    rig.show(studio, None);
    assert_eq!(rig.pixel_at(3, 3), red);
    assert_eq!(yuv_at(rig.main().preview().unwrap(), 3, 3), blue);
    // Edit the preview scene: its colour source becomes green.
    let mut edited = rig.collection.clone();
    edited.scenes[1].layers[0].source = "green".into();
    rig.collection = edited;
    rig.show(studio, None);
    assert_eq!(rig.pixel_at(3, 3), red, "program untouched");
    assert_eq!(yuv_at(rig.main().preview().unwrap(), 3, 3), green);
    for _ in 0..3 {
        assert_eq!(rig.pixel_at(3, 3), red, "program untouched");
        assert!(
            rig.main().preview().is_none(),
            "a still preview scene is handed on once"
        );
    }
    // Transition: the preview scene goes on air.
    rig.show(
        Shown {
            program: "B",
            preview: Some("B"),
        },
        Some(&Transition::Cut),
    );
    assert_eq!(rig.pixel_at(3, 3), green);
}

/// A stinger made with the ffmpeg CLI: 1 s of VP9 with alpha, clear on the left half and
/// opaque white on the right.
fn stinger(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("stinger.webm");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "color=c=white:size={W}x{H}:rate=30,format=rgba,\
             geq=r='255':g='255':b='255':a='if(lt(X,{}),0,255)'",
            W / 2
        ))
        .args(["-t", "1", "-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p"])
        .args(["-b:v", "1M", "-auto-alt-ref", "0"])
        .arg(&path)
        .status()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(made.success());
    path
}

#[test]
fn a_stinger_switches_the_scene_underneath_at_its_cut_point_and_shows_it_through_alpha() {
    let dir = tempfile::tempdir().unwrap();
    let [red, blue, _] = colours(dir.path());
    let white = {
        let mut c = collection(dir.path());
        c.sources[0].kind = streamwerk_scene::SourceKind::Color(streamwerk_scene::ColorSettings {
            color: streamwerk_scene::Rgba::WHITE,
            width: W,
            height: H,
        });
        Rig::new(c, "A").pixel_at(0, 0)
    };
    let stinger = Transition::Stinger {
        path: stinger(dir.path()),
        cut_point_ms: 500,
        duration_ms: None,
    };
    let mut rig = switching(dir.path(), "B", &stinger);
    // In real time: the stinger's file decodes on its own thread, ahead of the clock.
    let start = Instant::now();
    let mut frames = Vec::new();
    for k in 0..34u32 {
        let due = start + Duration::from_nanos(u64::from(k) * 1_000_000_000 / 30);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let picture = rig.frame();
        frames.push((yuv_at(picture, 4, 4), yuv_at(picture, W as usize - 4, 4)));
    }
    // Left (clear in the stinger): the scene underneath, red before the cut at frame 15,
    // blue from it. Right: the stinger's white while it plays.
    for (k, (left, right)) in frames.iter().enumerate().take(30).skip(2) {
        let under = if k < 15 { red } else { blue };
        assert_eq!(*left, under, "frame {k}: {frames:?}");
        assert!(
            close(*right, white, 2),
            "frame {k}: {right:?} against {white:?}"
        );
    }
    assert_eq!(
        frames[32],
        (blue, blue),
        "the stinger is gone after its 1 s"
    );
    assert!(rig.video.transition.is_none());
}

#[test]
fn a_stinger_that_does_not_decode_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.webm");
    std::fs::write(&bad, b"not a video at all").unwrap();
    let c = collection(dir.path());
    let e = crate::check_transition(
        &c,
        &Transition::Stinger {
            path: bad,
            cut_point_ms: 100,
            duration_ms: Some(500),
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("bad.webm") && e.contains("transition's `path`"),
        "{e}"
    );
}

#[test]
fn the_sound_crossfades_with_the_picture() {
    let dir = std::env::temp_dir();
    let mut rig = Rig::new(collection(&dir), "A");
    let mut block = AudioBlock::silent(2);
    let peak = |b: &AudioBlock| b.data.iter().fold(0f32, |m, v| m.max(v.abs()));
    rig.audio.mix(0, &mut block);
    let full = peak(&block);
    assert!((full - 0.5).abs() < 0.01, "-6 dBFS tone: {full}");
    // A 1 s fade to B, which plays nothing: the tone fades out over 47 blocks.
    rig.show(
        Shown::program("B"),
        Some(&Transition::Fade { duration_ms: 1000 }),
    );
    let mut peaks = Vec::new();
    for n in 1..50u64 {
        rig.audio.mix(n * 1024, &mut block);
        peaks.push(peak(&block));
    }
    // Half way (24 000 samples in): half the level.
    assert!((peaks[23] - 0.25).abs() < 0.02, "{peaks:?}");
    assert!(peaks.windows(2).take(45).all(|w| w[1] <= w[0] + 0.01));
    assert!(peaks[48] < 1e-3, "silent after the fade: {peaks:?}");
}

#[test]
fn an_edit_or_a_switch_keeps_a_video_without_sound_playing() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("silent.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x36:rate=30",
        ])
        .args(["-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(made.success());
    let mut c = collection(dir.path());
    c.sources[1].kind =
        streamwerk_scene::SourceKind::MediaFile(streamwerk_scene::MediaFileSettings {
            path: clip,
            looping: true,
            start_s: 0.0,
        });
    let mut rig = Rig::new(c, "B");
    let key = |rig: &Rig| rig.video.sources[0].key;
    let first = key(&rig);
    rig.frame();
    // An edit elsewhere, then studio mode with the file in both views, then a fade to A and
    // back: the file is opened once.
    rig.show(Shown::program("B"), None);
    rig.show(
        Shown {
            program: "B",
            preview: Some("B"),
        },
        None,
    );
    assert_eq!(key(&rig), first, "not reopened");
    rig.show(Shown::program("B"), Some(&Transition::Cut));
    assert_eq!(
        key(&rig),
        first,
        "not reopened by a switch to its own scene"
    );
}

/// The test collection with a vertical canvas (H x W) on which scene A shows green over its
/// red (a layer hidden on main) and B's blue covers the canvas as on main.
fn with_vertical(dir: &Path) -> Collection {
    let mut c = collection(dir);
    c.canvases.push(streamwerk_scene::NamedCanvas {
        name: "vertical".into(),
        width: H,
        height: W,
    });
    for scene in &mut c.scenes {
        let mut layout = scene.layers.clone();
        for layer in &mut layout {
            layer.transform.width = Some(H as f32);
            layer.transform.height = Some(W as f32);
        }
        if scene.name == "A" {
            // Green is one of A's layers, hidden on main and shown on the vertical canvas.
            let mut green = scene.layers[0].clone();
            green.source = "green".into();
            green.visible = false;
            scene.layers.push(green.clone());
            green.visible = true;
            green.transform.width = Some(H as f32);
            green.transform.height = Some(W as f32 / 2.0);
            layout.push(green);
        }
        scene.layouts.insert("vertical".into(), layout);
    }
    let problems = streamwerk_scene::check_collection(&c);
    assert!(problems.is_empty(), "{problems:?}");
    c
}

#[test]
fn every_canvas_shows_its_own_layout_of_the_same_scene_and_fades_with_it() {
    let dir = std::env::temp_dir();
    let [red, blue, green] = colours(&dir);
    let mut rig = Rig::new(with_vertical(&dir), "A");
    rig.frame();
    // Main: red everywhere. Vertical: green on the top half, red below.
    assert_eq!(yuv_at(rig.picture(0), 20, 30), red);
    assert_eq!(yuv_at(rig.picture(1), 10, 10), green);
    assert_eq!(yuv_at(rig.picture(1), 10, 50), red);
    assert_eq!((rig.picture(1).width, rig.picture(1).height), (H, W));
    rig.show(
        Shown::program("B"),
        Some(&Transition::Fade { duration_ms: 1000 }),
    );
    let mut middle = None;
    for k in 0..31 {
        rig.frame();
        if k == 15 {
            middle = Some([
                yuv_at(rig.picture(0), 20, 30),
                yuv_at(rig.picture(1), 10, 10),
                yuv_at(rig.picture(1), 10, 50),
            ]);
        }
    }
    let [main, top, bottom] = middle.unwrap();
    assert!(close(main, blend(red, blue, 0.5), 1), "{main:?}");
    assert!(close(top, blend(green, blue, 0.5), 1), "{top:?}");
    assert!(close(bottom, blend(red, blue, 0.5), 1), "{bottom:?}");
    assert_eq!(
        yuv_at(rig.picture(1), 10, 10),
        blue,
        "over after its duration"
    );
    assert_eq!(yuv_at(rig.picture(0), 20, 30), blue);
}
