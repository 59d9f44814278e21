//! Memory over a long show: every source kind that runs here without hardware (a looping media
//! file, text, an image, a tone, a ticker and a lower third that hides itself), recorded and streamed to nginx-rtmp for 90 s. Resident memory
//! after the warm-up may grow by no more than 5 %: a source or queue that keeps what it read
//! shows up as growth at its data rate (the clip here is 20 Mbit/s, 2.5 MB a second).
//! The 30-minute version with three destinations is `tools/soak.py`, in `make bench`.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

const SECONDS: u64 = 90;
const WARM_UP: Duration = Duration::from_secs(20);

/// A 4 s camera-like clip: moving test picture with per-frame noise (x264 cannot predict it
/// away), encoded at 20 Mbit/s, with a tone.
fn make_clip(file: &Path) {
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg("testsrc2=size=1280x720:rate=30,noise=alls=24:allf=t+u")
        .args(["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000"])
        .args(["-t", "4", "-c:v", "libx264", "-preset", "ultrafast"])
        .args([
            "-b:v", "20M", "-maxrate", "20M", "-bufsize", "20M", "-g", "30",
        ])
        .args(["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"])
        .arg(file)
        .status()
        .unwrap();
    assert!(made.success());
}

fn write_scene(dir: &Path, clip: &Path) -> std::path::PathBuf {
    let logo = root().join("assets/logos/streamwerk-logo.png");
    assert!(logo.is_file(), "{}", logo.display());
    let scene = serde_json::json!({
        "schema_version": 1, "name": "Soak",
        "canvas": { "width": 1280, "height": 720, "fps": 30 },
        "sources": [
            { "id": "clip", "name": "Clip", "kind": "media_file",
              "settings": { "path": clip, "looping": true } },
            { "id": "logo", "name": "Logo", "kind": "image", "settings": { "path": logo } },
            { "id": "name", "name": "Name", "kind": "text",
              "settings": { "text": "Soak test", "size": 40, "color": "#FFFFFF" } },
            { "id": "tone", "name": "Tone", "kind": "tone", "settings": { "level_dbfs": -30 } },
            { "id": "ticker", "name": "Ticker", "kind": "template",
              "settings": { "template": "ticker", "title": "A ticker all show long", "width": 1280,
                            "height": 54 } },
            { "id": "lower-third", "name": "Lower third", "kind": "template",
              "settings": { "template": "lower_third", "title": "Guest", "subtitle": "Title",
                            "width": 691, "height": 115, "hide_after_s": 10 } }
        ],
        "scenes": [ { "name": "Live", "layers": [
            { "source": "clip", "transform": { "x": 0, "y": 0, "width": 1280, "height": 720 } },
            { "source": "logo", "transform": { "x": 1128, "y": 32 } },
            { "source": "name", "transform": { "x": 64, "y": 600 } },
            { "source": "lower-third", "transform": { "x": 64, "y": 480 } },
            { "source": "ticker", "transform": { "x": 0, "y": 666 } },
            { "source": "tone" }
        ] } ]
    });
    let file = dir.join("soak.json");
    std::fs::write(&file, serde_json::to_string_pretty(&scene).unwrap()).unwrap();
    file
}

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[test]
fn memory_stays_flat_over_a_long_show() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("camera-like.mp4");
    make_clip(&clip);
    let scene = write_scene(dir.path(), &clip);
    let server = Nginx::start();
    let local = dir.path().join("soak.mkv");
    let mut child = Command::new(bin())
        .args(["stream", "--scene"])
        .arg(&scene)
        .args(["--dest", &server.url("live", "soak"), "--record"])
        .arg(&local)
        .args(["--duration", &SECONDS.to_string(), "--stats-json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // One sample a second while it runs; the stats lines are read on a thread of their own.
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    let started = Instant::now();
    let mut samples: Vec<(Duration, f64)> = Vec::new();
    while let Some(rss) = rss_mb(pid) {
        samples.push((started.elapsed(), rss));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let window = |from: Duration, to: Duration| {
        samples
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, rss)| *rss)
            .fold(0.0, f64::max)
    };
    let end = Duration::from_secs(SECONDS);
    let after_warm_up = window(
        WARM_UP - Duration::from_secs(5),
        WARM_UP + Duration::from_secs(5),
    );
    let at_end = window(end - Duration::from_secs(10), end);
    assert!(
        after_warm_up > 0.0 && at_end > 0.0,
        "too few samples: {samples:?}"
    );
    let growth = at_end / after_warm_up - 1.0;
    eprintln!(
        "resident memory: {after_warm_up:.1} MB after {} s, {at_end:.1} MB at the end ({:+.1} %)",
        WARM_UP.as_secs(),
        growth * 100.0
    );
    assert!(
        growth <= 0.05,
        "resident memory grew {:.1} % after the warm-up ({after_warm_up:.1} MB to \
         {at_end:.1} MB): {samples:?}",
        growth * 100.0
    );

    // The show itself went out whole, to both.
    let stats: Vec<Value> = lines
        .join()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = stats.last().expect("stats lines");
    for sink in last["sinks"].as_array().unwrap() {
        assert_eq!(sink["dropped"], 0, "{sink}");
    }
    // Every encoded frame is in the recording. (The engine itself may skip a frame or two
    // when the tests beside this one load both cores: that is counted, and not this test's.)
    let encoded = last["frames_encoded"].as_u64().unwrap();
    assert!(encoded >= SECONDS * 30 * 99 / 100, "{last}");
    assert_eq!(video_frames(&local), encoded, "{}", local.display());
    let (flv, _) = server.only_recording();
    assert_decodes(&flv);
    let seconds = span(&packet_times(&flv, "v"));
    assert!((seconds - SECONDS as f64).abs() <= 0.5, "{seconds:.2} s");
}
