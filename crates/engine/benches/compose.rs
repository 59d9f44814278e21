//! Compositing cost of the demo's branded "Live" scene at 1920x1080, colour conversion
//! included (and of its "Starting soon" slate with a moving ticker): the steady state (the test pattern's moving box and counter change, the logo and
//! lower third are cached), the worst case, a scene switch, where every pixel is redone, and
//! the common real one: a camera-like video under the overlays, every pixel new each frame;
//! and a fade into that scene, as the video thread renders it.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use streamwerk_compositor::Compositor;
use streamwerk_engine::{ActiveScene, Canvases, OpenSources, ScenePlan, SceneVideo, Shown};
use streamwerk_media::I420;
use streamwerk_scene::{load_collection, Collection, MediaFileSettings, SourceKind, Transition};

fn demo_1080p() -> Collection {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenes/demo.json");
    let mut collection = load_collection(&path).expect("demo collection");
    collection.rescale_canvas(1920, 1080);
    collection
}

fn compose(c: &mut Criterion) {
    let collection = demo_1080p();
    let mut group = c.benchmark_group("compose_1080p");

    let mut live = ActiveScene::open(&collection, "Live").unwrap();
    let mut compositor = Compositor::new(1920, 1080);
    let mut index = 0u64;
    group.bench_function("live_steady", |b| {
        b.iter(|| {
            live.video.compose(index, &mut compositor);
            index += 1;
        })
    });

    // The demo's "Starting soon": a slate and the brand mark held, the ticker moving 4 px a
    // frame at 1080p (90 px/s at 720p, scaled): its band is redrawn and reblended each frame.
    let mut soon = ActiveScene::open(&collection, "Starting soon").unwrap();
    let mut soon_compositor = Compositor::new(1920, 1080);
    let mut soon_index = 0u64;
    group.bench_function("starting_soon_ticker", |b| {
        b.iter(|| {
            soon.video.compose(soon_index, &mut soon_compositor);
            soon_index += 1;
        })
    });

    let mut brb = ActiveScene::open(&collection, "Be right back").unwrap();
    let mut on_live = false;
    group.bench_function("scene_switch_full_redraw", |b| {
        b.iter(|| {
            on_live = !on_live;
            let scene = if on_live { &mut live } else { &mut brb };
            scene.video.compose(index, &mut compositor);
            index += 1;
        })
    });
    group.finish();
}

/// The clip tools/bench_pipeline.py plays (testsrc2 moving, sensor-like noise on every pixel,
/// H.264 yuv420p), at 1080p30, 4 s; made once with the ffmpeg CLI.
fn camera_like_clip() -> PathBuf {
    let path = std::env::temp_dir().join("streamwerk-bench-camera-1080p.mp4");
    if !path.exists() {
        let partial = path.with_extension("part.mp4");
        let made = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
            .arg("testsrc2=size=1920x1080:rate=30,noise=alls=12:allf=t+u")
            .args([
                "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "16M",
            ])
            .args(["-g", "30", "-pix_fmt", "yuv420p"])
            .arg(&partial)
            .status()
            .expect("the ffmpeg CLI makes the clip");
        assert!(made.success());
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

/// The demo at 1080p with the clip, looping, in place of its test-pattern camera.
fn demo_with_clip() -> Collection {
    let mut collection = demo_1080p();
    let camera = collection
        .sources
        .iter_mut()
        .find(|s| s.id == "camera")
        .expect("the demo's camera");
    camera.kind = SourceKind::MediaFile(MediaFileSettings {
        path: camera_like_clip(),
        looping: true,
        start_s: 0.0,
    });
    collection
}

/// The demo's "Live" scene with the clip, looping, in place of its test-pattern camera: each
/// measured frame is a full-canvas video frame under the logo, lower third and two text lines.
/// The decoder runs on its own thread; it is given time between frames (not measured), and
/// only composes that had a new picture to show are counted.
fn video(c: &mut Criterion) {
    let collection = demo_with_clip();
    let mut live = ActiveScene::open(&collection, "Live").unwrap();
    let mut compositor = Compositor::new(1920, 1080);
    let mut index = 0u64;
    let mut group = c.benchmark_group("compose_1080p");
    // Each frame waits for the decoder (unmeasured): fewer, shorter samples keep the run short.
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("video_under_overlays", |b| {
        b.iter_custom(|frames| {
            let mut spent = Duration::ZERO;
            let (mut measured, mut waits) = (0, 0);
            while measured < frames {
                std::thread::sleep(Duration::from_millis(15));
                let start = Instant::now();
                let stats = live.video.compose(index, &mut compositor);
                let took = start.elapsed();
                index += 1;
                // Only frames with a new picture count (the decoder may still be starting,
                // or seeking back at the loop).
                if stats.dirty_pixels == 1920 * 1080 {
                    spent += took;
                    measured += 1;
                    waits = 0;
                } else {
                    waits += 1;
                    assert!(waits < 100, "the clip stopped giving pictures");
                }
            }
            spent
        })
    });
    group.finish();
}

/// 1 s fades at 1080p between "Be right back" and the camera-like "Live" (the clip under the
/// overlays), back and forth as a show goes, as the video thread renders them: both scenes
/// composed, then blended. Frames come at the canvas's pace (33 ms apart, unmeasured), so the
/// clip has a new picture for nearly every one; every frame of a fade counts. Beside it, the
/// blend alone.
fn fade(c: &mut Criterion) {
    let collection = demo_with_clip();
    let mut video = SceneVideo::empty(30);
    let mut canvases = [Some(Canvases::new(1920, 1080))];
    let mut open = OpenSources::default();
    // Both scenes stay open (one as the preview scene, not composed), as in a show.
    let mut show = |video: &mut SceneVideo, program, transition: &Transition| {
        let other = if program == "Live" {
            "Be right back"
        } else {
            "Live"
        };
        let shown = Shown {
            program,
            preview: Some(other),
        };
        let plan = ScenePlan::prepare(&collection, shown, Some(transition), &open).unwrap();
        open = plan.open_after();
        video.apply(plan.split().0);
    };
    show(&mut video, "Be right back", &Transition::Cut);
    let fade = Transition::Fade { duration_ms: 1000 };
    let mut index = 0u64;
    let mut on_live = false;
    let mut group = c.benchmark_group("transition_1080p");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function("fade_frame_video_under_overlays", |b| {
        b.iter_custom(|frames| {
            let mut spent = Duration::ZERO;
            let (mut measured, mut in_fade) = (0, 30);
            while measured < frames {
                if in_fade == 30 {
                    on_live = !on_live;
                    show(
                        &mut video,
                        if on_live { "Live" } else { "Be right back" },
                        &fade,
                    );
                    in_fade = 0;
                }
                std::thread::sleep(Duration::from_millis(33));
                let start = Instant::now();
                video.render(index, &mut canvases, &[false]);
                spent += start.elapsed();
                index += 1;
                in_fade += 1;
                measured += 1;
            }
            spent
        })
    });
    let (from, to) = (I420::new(1920, 1080), I420::new(1920, 1080));
    let mut out = I420::new(1920, 1080);
    group.bench_function("fade_blend_only", |b| {
        b.iter(|| streamwerk_compositor::fade(&from, &to, 0.37, &mut out))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(4));
    targets = compose, video, fade
}
criterion_main!(benches);
