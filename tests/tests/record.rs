//! `streamwerk record` as a user runs it, checked by decoding what it wrote.

use std::process::{Command, Stdio};
use std::time::Duration;
use streamwerk_e2e::*;

fn record(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let scene = demo_scene();
    let mut args = vec![
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    streamwerk(&args)
}

/// An open-ended recording of the demo, to be ended by a signal.
fn spawn_record(out: &std::path::Path, stderr: Stdio) -> std::process::Child {
    let scene = demo_scene();
    Command::new(bin())
        .args([
            "record",
            "--scene",
            scene.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(stderr)
        .spawn()
        .unwrap()
}

#[test]
fn five_seconds_of_the_demo_is_h264_and_aac_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.mkv");
    let run = record(&out, &["--duration", "5", "--stats-json"]);
    assert!(run.status.success(), "{}", stderr(&run));

    let streams = streams(&out);
    let video = streams
        .iter()
        .find(|s| s.codec_type == "video")
        .expect("video stream");
    let audio = streams
        .iter()
        .find(|s| s.codec_type == "audio")
        .expect("audio stream");
    assert_eq!(video.codec_name, "h264");
    assert_eq!((video.width, video.height), (Some(1280), Some(720)));
    assert_eq!(audio.codec_name, "aac");
    assert_eq!(audio.sample_rate.as_deref(), Some("48000"));

    let frames: u64 = video.nb_read_frames.as_deref().unwrap().parse().unwrap();
    assert!(
        (149..=151).contains(&frames),
        "{frames} video frames, expected 150 ± 1"
    );

    // Constant frame rate: every frame 1/30 s after the previous, no gap, no repeat.
    let mut pts: Vec<f64> = packet_times(&out, "v").iter().map(|t| t.0).collect();
    pts.sort_by(f64::total_cmp);
    for pair in pts.windows(2) {
        assert!(
            (pair[1] - pair[0] - 1.0 / 30.0).abs() < 0.002,
            "pts gap {:?}",
            pair
        );
    }
    let video_span = span(&packet_times(&out, "v"));
    let audio_span = span(&packet_times(&out, "a"));
    assert!(
        (video_span - audio_span).abs() <= 0.050,
        "audio {audio_span:.3} s vs video {video_span:.3} s"
    );
    assert_decodes(&out);

    // One stats line a second, as JSON, with the recording's counters.
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 4, "{stdout}");
    let last = lines.last().unwrap();
    assert_eq!(last["frames_encoded"].as_u64(), Some(frames));
    assert_eq!(last["sinks"][0]["dropped"].as_u64(), Some(0));
}

#[test]
fn fragmented_mp4_recording_and_remux_to_mkv_keep_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("demo.mp4");
    let run = record(&mp4, &["--duration", "2"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_decodes(&mp4);
    let frames = video_frames(&mp4);
    assert!((59..=61).contains(&frames), "{frames}");

    let mkv = dir.path().join("remuxed.mkv");
    let remux = streamwerk(&["remux", mp4.to_str().unwrap(), mkv.to_str().unwrap()]);
    assert!(remux.status.success(), "{}", stderr(&remux));
    assert_decodes(&mkv);
    assert_eq!(video_frames(&mkv), frames);
    let back = dir.path().join("upload.mp4");
    let remux = streamwerk(&["remux", mkv.to_str().unwrap(), back.to_str().unwrap()]);
    assert!(remux.status.success(), "{}", stderr(&remux));
    assert_eq!(video_frames(&back), frames);
}

#[test]
fn kill_9_leaves_a_recording_that_decodes_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crash.mkv");
    let mut child = spawn_record(&out, Stdio::null());
    std::thread::sleep(Duration::from_secs(3));
    child.kill().unwrap(); // SIGKILL: no trailer, no flush
    child.wait().unwrap();
    assert_decodes(&out);
    let seconds = video_frames(&out) as f64 / 30.0;
    assert!(seconds >= 2.0, "only {seconds:.2} s survived");
    let audio = span(&packet_times(&out, "a"));
    assert!(audio >= 2.0, "only {audio:.2} s of audio survived");
}

#[test]
fn ctrl_c_finishes_the_file_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("interrupted.mkv");
    let child = spawn_record(&out, Stdio::piped());
    std::thread::sleep(Duration::from_secs(2));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "exit {:?}: {}",
        done.status,
        stderr(&done)
    );
    let summary = stderr(&done);
    assert!(
        summary.contains(&format!("to {}", out.display())),
        "{summary}"
    );
    assert_decodes(&out);
    // A finalised Matroska file knows its duration (the trailer was written).
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let duration: f64 = String::from_utf8_lossy(&probe.stdout)
        .trim()
        .parse()
        .expect("a duration");
    assert!((1.5..3.0).contains(&duration), "{duration}");
}

#[test]
fn an_existing_recording_is_never_overwritten_by_accident() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keep.mkv");
    std::fs::write(&out, b"precious").unwrap();
    let run = record(&out, &["--duration", "1"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--overwrite"), "{}", stderr(&run));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
}
