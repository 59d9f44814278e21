//! A media source that reads a network stream (here an RTMP stream an encoder publishes to a
//! real nginx-rtmp server): played as it comes, kept going through the encoder's outage (the
//! server keeps the connection and the stream starts again in it) and through the server's
//! (the connection drops and is made again). Pictures and sound decoded from the recording.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

/// The ffmpeg CLI publishing a `colour` picture and a `hz` tone to `url`, in real time.
fn publish(url: &str, colour: &str, hz: u32) -> Child {
    Command::new("ffmpeg")
        .args(["-v", "error", "-re", "-f", "lavfi", "-i"])
        .arg(format!("color=c={colour}:size=320x180:rate=30"))
        .args(["-re", "-f", "lavfi", "-i"])
        .arg(format!("sine=frequency={hz}:sample_rate=48000"))
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-g",
            "15",
        ])
        .args(["-c:a", "aac", "-f", "flv", url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ffmpeg is installed (make test installs it)")
}

/// The mean RGB of the left half's middle at `at` seconds into `file`.
fn left_colour(file: &Path, at: f64) -> [u8; 3] {
    let pixels = crop_rgb(file, Some(at), (40, 60, 80, 60));
    let mean = |c: usize| {
        let values: Vec<u32> = pixels
            .iter()
            .skip(c)
            .step_by(3)
            .map(|v| *v as u32)
            .collect();
        (values.iter().sum::<u32>() / values.len() as u32) as u8
    };
    [mean(0), mean(1), mean(2)]
}

#[test]
fn a_network_stream_plays_rides_out_its_outage_and_comes_back() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut nginx = Nginx::start();
    let input = nginx.url("live", "camera");
    let mut encoder = publish(&input, "red", 1000);
    // The stream fills the left half, over blue.
    let scene = dir.path().join("network.json");
    std::fs::write(
        &scene,
        format!(
            r##"{{ "schema_version": 1, "name": "N", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
              "sources": [ {{ "id": "blue", "kind": "color", "settings": {{ "color": "#0000FF", "width": 320, "height": 180 }} }},
                           {{ "id": "camera", "kind": "media_file", "settings": {{ "path": "{input}" }} }} ],
              "scenes": [ {{ "name": "S", "layers": [ {{ "source": "blue" }},
                 {{ "source": "camera", "transform": {{ "x": 0, "y": 0, "width": 160, "height": 180 }} }} ] }} ] }}"##
        ),
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let out = dir.path().join("show.mkv");
    let started = Instant::now();
    let record = Command::new(bin())
        .args(["record", "--scene", scene.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--duration", "28"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The encoder goes away for 3 s, then publishes green and another tone; later the server
    // goes away for 2 s, and the encoder publishes yellow and a third tone when it is back.
    let at =
        |s: f64| std::thread::sleep(Duration::from_secs_f64(s).saturating_sub(started.elapsed()));
    at(7.0);
    encoder.kill().unwrap();
    encoder.wait().unwrap();
    at(10.0);
    let mut encoder = publish(&input, "lime", 1500);
    at(15.0);
    nginx.kill();
    encoder.kill().unwrap();
    encoder.wait().unwrap();
    at(17.0);
    nginx.restart();
    let mut encoder = publish(&input, "yellow", 2000);
    let done = record.wait_with_output().unwrap();
    encoder.kill().unwrap();
    encoder.wait().unwrap();
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    // The address with its stream name is never printed: it may be a key.
    assert!(!said.contains("/live/camera"), "{said}");

    assert_decodes(&out);
    let near = |got: [u8; 3], want: [u8; 3]| got.iter().zip(want).all(|(g, w)| g.abs_diff(w) < 40);
    let red = left_colour(&out, 5.0);
    assert!(near(red, [255, 0, 0]), "the stream plays: {red:?}");
    let green = left_colour(&out, 13.5);
    assert!(
        near(green, [0, 255, 0]),
        "and again after the encoder's outage: {green:?}"
    );
    let yellow = left_colour(&out, 26.5);
    assert!(
        near(yellow, [255, 255, 0]),
        "and after the server's: {yellow:?}"
    );
    let right = crop_rgb(&out, Some(26.5), (240, 60, 40, 40));
    assert!(
        right.chunks(3).all(|p| p[2] > 200 && p[0] < 40),
        "the scene around it"
    );
    // Its sound: each tone while its encoder played, and only that one.
    let sound = decode_audio_mono(&out);
    let second = |s: usize| &sound[s * 48_000..(s + 1) * 48_000];
    let level = |s: usize, hz: f64| {
        tone_levels(second(s), hz, 4800)
            .into_iter()
            .fold(0.0, f64::max)
    };
    for (s, hz, others) in [
        (5, 1000.0, [1500.0, 2000.0]),
        (13, 1500.0, [1000.0, 2000.0]),
        (26, 2000.0, [1000.0, 1500.0]),
    ] {
        assert!(level(s, hz) > 0.05, "{hz} Hz at {s} s: {}", level(s, hz));
        for other in others {
            assert!(
                level(s, other) < 0.005,
                "{other} Hz at {s} s: {}",
                level(s, other)
            );
        }
    }
}
