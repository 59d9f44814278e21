//! A media file whose sound half is dropped (the scene stopped playing its sound) keeps its
//! picture playing through the end of the file and across loops: the decoder neither waits on
//! the half nobody takes nor decodes for it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use streamwerk_media::{Picture, Tick};
use streamwerk_sources::{open, Opened, TextRenderer};

/// `clip` opened as a scene's `media_file` source on a 64x64 canvas.
fn open_clip(dir: &Path, clip: &Path, looping: bool) -> Opened {
    let doc = format!(
        r#"{{ "schema_version": 1, "name": "Clip", "canvas": {{ "width": 64, "height": 64, "fps": 30 }},
             "sources": [ {{ "id": "clip", "kind": "media_file", "settings": {{ "path": "{}", "looping": {looping} }} }} ],
             "scenes": [ {{ "name": "Clip", "layers": [ {{ "source": "clip" }} ] }} ] }}"#,
        clip.display()
    );
    let collection =
        streamwerk_scene::parse_collection(&doc, Path::new("clip.json"), dir.into()).unwrap();
    open(
        &collection.sources[0],
        &collection,
        &mut TextRenderer::new(),
    )
    .unwrap()
}

#[test]
fn the_picture_loops_on_when_the_sound_half_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64:rate=30",
        ])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"])
        .args([
            "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
        ])
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(made.success());
    let opened = open_clip(dir.path(), &clip, true);
    let mut video = opened.video.expect("the picture half");
    // The sound half is dropped a third of a second in, by when the decoder has read sound
    // ahead for it (its queue full, nobody taking from it).
    let mut audio = opened.audio;

    // Three passes of the 1 s file, ticked at the frame rate (the decoder runs on its own
    // thread, ahead of the clock by a few frames).
    let start = Instant::now();
    let mut shown = Vec::new();
    for index in 0..90u64 {
        let due = start + Duration::from_nanos(index * 1_000_000_000 / 30);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        video.advance(Tick { index, fps: 30 });
        shown.push(video.frame().generation);
        if index == 10 {
            drop(audio.take().expect("the sound half"));
        }
    }
    // A new picture on (nearly) every tick of the second and third passes too.
    let new_in =
        |from: usize, to: usize| shown[from..to].windows(2).filter(|w| w[1] > w[0]).count();
    assert!(new_in(30, 60) >= 27, "second pass: {shown:?}");
    assert!(new_in(60, 90) >= 27, "third pass: {shown:?}");
}

/// A 0.2 s clip of pure red made from RGB with `filters` (the RGB to YUV step) and `tags`.
fn red_clip(dir: &Path, name: &str, size: &str, filters: &str, tags: &[&str]) -> PathBuf {
    let clip = dir.join(name);
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg(format!(
            "color=c=red:size={size}:rate=30,format=rgb24,{filters}"
        ))
        .args(["-t", "0.2", "-c:v", "libx264", "-qp", "0"])
        .args(tags)
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(made.success());
    clip
}

/// The first picture of `clip`: its size and the (Y, U, V) at its centre.
fn first_picture(dir: &Path, clip: &Path) -> ((u32, u32), (u8, u8, u8)) {
    let opened = open_clip(dir, clip, false);
    let mut video = opened.video.expect("the picture half");
    let start = Instant::now();
    for index in 0.. {
        video.advance(Tick { index, fps: 30 });
        let frame = video.frame();
        if frame.generation > 0 {
            let Picture::Yuv(yuv) = frame.picture else {
                panic!("a decoded picture stays YUV");
            };
            let (w, h) = (yuv.width as usize, yuv.height as usize);
            let (x, y) = (w / 2, h / 2);
            let at = (y / 2) * (w / 2) + x / 2;
            return (
                (yuv.width, yuv.height),
                (yuv.y[y * w + x], yuv.u[at], yuv.v[at]),
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no picture decoded"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    unreachable!()
}

/// Every picture reaches the compositor as BT.709 limited-range I420, whatever matrix, range
/// and size the file has: pure red is Y 63, U 102, V 240 (ITU-R BT.709, 8 bit) in each case.
#[test]
fn pictures_arrive_as_bt709_limited_range_whatever_the_file_uses() {
    let dir = tempfile::tempdir().unwrap();
    let bt709 =
        |range: &str| format!("scale=out_color_matrix=bt709:out_range={range},format=yuv420p");
    let cases = [
        // Tagged BT.709, limited: the planes as decoded.
        (
            red_clip(
                dir.path(),
                "hd709.mkv",
                "64x64",
                &bt709("tv"),
                &["-colorspace", "bt709", "-color_range", "tv"],
            ),
            (64, 64),
        ),
        // Untagged standard definition: BT.601, as FFmpeg wrote it and players assume.
        (
            red_clip(dir.path(), "sd601.mkv", "64x64", "format=yuv420p", &[]),
            (64, 64),
        ),
        // Untagged from 720 lines: BT.709.
        (
            red_clip(dir.path(), "hd-untagged.mkv", "16x720", &bt709("tv"), &[]),
            (16, 720),
        ),
        // Full range (as phones and webcams write).
        (
            red_clip(
                dir.path(),
                "full.mkv",
                "64x64",
                &bt709("pc"),
                &["-colorspace", "bt709", "-color_range", "pc"],
            ),
            (64, 64),
        ),
        // 4:4:4 at an odd size (x264 takes no odd 4:2:0): converted, scaled to the next even.
        (
            red_clip(
                dir.path(),
                "odd.mkv",
                "63x33",
                "scale=out_color_matrix=bt709:out_range=tv,format=yuv444p",
                &["-colorspace", "bt709", "-color_range", "tv"],
            ),
            (64, 34),
        ),
    ];
    for (clip, size) in cases {
        let (got_size, (y, u, v)) = first_picture(dir.path(), &clip);
        assert_eq!(got_size, size, "{}", clip.display());
        assert!(
            y.abs_diff(63) <= 2 && u.abs_diff(102) <= 2 && v.abs_diff(240) <= 2,
            "{}: red is ({y}, {u}, {v}), not (63, 102, 240)",
            clip.display()
        );
    }
}

/// A clip of red at half opacity beside a clear left half, with alpha, made with `codec`.
fn half_clear_clip(dir: &Path, name: &str, codec: &[&str]) -> PathBuf {
    let clip = dir.join(name);
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg(
            "color=c=red@0.5:size=64x32:rate=30,format=rgba,\
             geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,32),0,128)'",
        )
        .args(["-t", "0.3"])
        .args(codec)
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(made.success(), "{name}");
    clip
}

/// Video with alpha arrives as premultiplied RGBA with its alpha: VP9 in WebM (decoded with
/// libvpx, FFmpeg's own decoder would drop the alpha track) and ProRes 4444.
#[test]
fn alpha_video_keeps_its_alpha() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        half_clear_clip(
            dir.path(),
            "alpha.webm",
            &[
                "-c:v",
                "libvpx-vp9",
                "-pix_fmt",
                "yuva420p",
                "-b:v",
                "2M",
                "-auto-alt-ref",
                "0",
            ],
        ),
        half_clear_clip(
            dir.path(),
            "alpha.mov",
            &[
                "-c:v",
                "prores_ks",
                "-profile:v",
                "4444",
                "-pix_fmt",
                "yuva444p10le",
            ],
        ),
    ];
    for clip in cases {
        let opened = open_clip(dir.path(), &clip, false);
        let mut video = opened.video.expect("the picture half");
        let start = Instant::now();
        let mut index = 0;
        let frame = loop {
            video.advance(Tick { index, fps: 30 });
            index += 1;
            if video.frame().generation > 0 {
                break video.frame();
            }
            assert!(start.elapsed() < Duration::from_secs(10), "no picture");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(!frame.opaque, "{}", clip.display());
        let Picture::Rgba(image) = frame.picture else {
            panic!("{}: a picture with alpha is RGBA", clip.display());
        };
        assert_eq!((image.width, image.height), (64, 32));
        let clear = image.pixel(8, 16);
        let half = image.pixel(48, 16);
        assert!(clear[3] <= 2, "{}: clear side {clear:?}", clip.display());
        assert!(
            (half[3] as i32 - 128).abs() <= 3 && (half[0] as i32 - 128).abs() <= 6,
            "{}: half-opaque red, premultiplied: {half:?}",
            clip.display()
        );
        assert!(half[1] <= 6 && half[2] <= 6, "{half:?}");
    }
}
