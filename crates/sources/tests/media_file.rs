//! A media file whose sound half is dropped (the scene stopped playing its sound) keeps its
//! picture playing through the end of the file and across loops: the decoder neither waits on
//! the half nobody takes nor decodes for it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use streamwerk_media::Tick;
use streamwerk_sources::{open, TextRenderer};

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
    let doc = format!(
        r#"{{ "schema_version": 1, "name": "Loop", "canvas": {{ "width": 64, "height": 64, "fps": 30 }},
             "sources": [ {{ "id": "clip", "kind": "media_file", "settings": {{ "path": "{}", "looping": true }} }} ],
             "scenes": [ {{ "name": "Loop", "layers": [ {{ "source": "clip" }} ] }} ] }}"#,
        clip.display()
    );
    let collection =
        streamwerk_scene::parse_collection(&doc, Path::new("loop.json"), dir.path().into())
            .unwrap();
    let opened = open(
        &collection.sources[0],
        &collection,
        &mut TextRenderer::new(),
    )
    .unwrap();
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
