//! Capture from real devices: a PulseAudio daemon with a null sink stands in for a sound card
//! (a tone played into the sink is captured from its monitor, the default source, through
//! ALSA's `pulse` device), and this machine's lack of a camera is what a camera-less laptop
//! looks like.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::PulseAudio;
use streamwerk_e2e::*;

/// ALSA's device for the PulseAudio server (libasound2-plugins).
const PULSE: &str = "alsa:pulse";

/// A collection with a small canvas showing a colour, and a microphone on `device`.
fn mic_scene(dir: &Path, device: &str, mix: &str) -> std::path::PathBuf {
    let file = dir.join("mic.json");
    std::fs::write(
        &file,
        format!(
            r##"{{
  "schema_version": 1,
  "name": "Microphone",
  "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
  "sources": [
    {{ "id": "bg", "kind": "color", "settings": {{ "color": "#204060", "width": 320, "height": 180 }} }},
    {{ "id": "mic", "kind": "microphone", "settings": {{ "device": "{device}" }}{mix} }}
  ],
  "scenes": [ {{ "name": "Main", "layers": [ {{ "source": "bg" }}, {{ "source": "mic" }} ] }} ]
}}"##
        ),
    )
    .unwrap();
    file
}

/// A stereo WAV of a sine at `hz` and `peak_dbfs`, made by FFmpeg.
fn tone_file(dir: &Path, hz: u32, peak_dbfs: f64, seconds: u32) -> std::path::PathBuf {
    let file = dir.join(format!("tone-{hz}.wav"));
    let amplitude = 10f64.powf(peak_dbfs / 20.0);
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "aevalsrc={amplitude}*sin({hz}*2*PI*t)|{amplitude}*sin({hz}*2*PI*t):s=48000:d={seconds}"
        ))
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    file
}

fn devices_json(pulse: &PulseAudio) -> Value {
    let out = Command::new(bin())
        .args(["devices", "--json"])
        .envs(pulse.env())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn devices_lists_no_camera_without_error_and_the_pulseaudio_monitor() {
    let pulse = PulseAudio::start();
    let devices = devices_json(&pulse);
    assert_eq!(devices["cameras"], Value::Array(vec![]), "{devices}");
    let inputs = devices["audio_inputs"].as_array().unwrap();
    let pulse_input = inputs
        .iter()
        .find(|i| i["id"] == PULSE)
        .unwrap_or_else(|| panic!("{PULSE} is listed: {devices}"));
    assert_eq!(pulse_input["name"], "PulseAudio Sound Server");
    assert_eq!(pulse_input["sample_rate"], 48000);
    assert!(
        inputs.iter().filter(|i| i["is_default"] == true).count() == 1,
        "one default input: {devices}"
    );
}

#[test]
fn a_tone_played_into_pulseaudio_is_recorded_at_its_pitch_and_level() {
    let pulse = PulseAudio::start();
    let dir = tempfile::tempdir().unwrap();
    let played_peak = -12.0;
    let tone = tone_file(dir.path(), 440, played_peak, 20);
    let player = pulse.play(&tone);
    let scene = mic_scene(dir.path(), PULSE, "");
    let out = dir.path().join("mic.mkv");
    let run = Command::new(bin())
        .args(["record", "--duration", "6", "--stats-json", "--scene"])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .envs(pulse.env())
        .output()
        .unwrap();
    drop(player);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_decodes(&out);

    // The last 3 s: the device is well started by then.
    let sound = decode_audio_mono(&out);
    assert!(sound.len() > 5 * 48_000, "{} samples", sound.len());
    let end = &sound[sound.len() - 3 * 48_000..];
    let hz = tone_frequency(end);
    assert!((hz - 440.0).abs() <= 5.0, "dominant frequency {hz:.1} Hz");
    // A sine's RMS is 3.01 dB below its peak.
    let expected = played_peak - 3.0103;
    let level = rms_dbfs(end);
    assert!(
        (level - expected).abs() <= 1.0,
        "recorded at {level:.2} dBFS RMS, played at {expected:.2}"
    );

    // The strip's meter saw it, live.
    let stats: Vec<Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last_meter = stats
        .iter()
        .rev()
        .find_map(|s| s["meters"]["sources"].as_array()?.first().cloned())
        .expect("meters in --stats-json");
    assert_eq!(last_meter["source"], "mic");
    assert_eq!(last_meter["state"], "live");
    let peak = last_meter["peak_dbfs"].as_f64().unwrap();
    assert!((peak - played_peak).abs() <= 1.0, "meter peak {peak}");
    let lufs = last_meter["momentary_lufs"].as_f64().unwrap();
    // 440 Hz sits in K-weighting's flat part: about the RMS of the two channels summed.
    assert!(
        (lufs - (expected + 3.01)).abs() <= 1.5,
        "momentary {lufs} LUFS"
    );
}

#[test]
fn a_microphone_that_disappears_goes_silent_says_so_and_comes_back() {
    let mut pulse = PulseAudio::start();
    let dir = tempfile::tempdir().unwrap();
    let tone = tone_file(dir.path(), 1000, -12.0, 30);
    let mut player = Some(pulse.play(&tone));
    let scene = mic_scene(dir.path(), PULSE, "");
    let out = dir.path().join("mic.mkv");
    let mut run = Command::new(bin())
        .args(["record", "--duration", "14", "--stats-json", "--scene"])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .envs(pulse.env())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(run.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut states = Vec::new();
    let mut last = Value::Null;
    let mut unplugged = false;
    let mut replugged = false;
    for line in lines {
        let stats: Value = serde_json::from_str(&line.unwrap()).unwrap();
        last = stats.clone();
        if let Some(state) = stats["meters"]["sources"][0]["state"].as_str() {
            states.push((started.elapsed().as_secs_f64(), state.to_string()));
        }
        let t = started.elapsed();
        if !unplugged && t > Duration::from_secs(4) {
            // The sound server goes away, as a USB microphone does when pulled.
            drop(player.take());
            pulse.stop();
            unplugged = true;
        }
        if unplugged && !replugged && t > Duration::from_secs(8) {
            pulse.restart();
            player = Some(pulse.play(&tone));
            replugged = true;
        }
    }
    drop(player);
    assert!(run.wait().unwrap().success());
    let gone = states.iter().position(|(_, s)| s == "disconnected");
    let gone = gone.unwrap_or_else(|| panic!("the meter said disconnected: {states:?}"));
    assert!(
        states[gone..].iter().any(|(_, s)| s == "live"),
        "and live again after the replug: {states:?}"
    );
    // The recording went on throughout: every frame the encoder made is there.
    assert_decodes(&out);
    assert_holds_every_encoded_frame(&out, &last, "main", 14 * 30);
    // Sound before the unplug and after the replug, silence between.
    let sound = decode_audio_mono(&out);
    let second = |s: usize| rms_dbfs(&sound[s * 48_000..(s + 1) * 48_000]);
    assert!(second(3) > -20.0, "tone before the unplug: {}", second(3));
    assert!(second(6) < -80.0, "silent while unplugged: {}", second(6));
    assert!(second(12) > -20.0, "tone after the replug: {}", second(12));
}

#[test]
fn a_missing_camera_shows_a_placeholder_and_the_recording_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("camera.json");
    std::fs::write(
        &scene,
        r#"{ "schema_version": 1, "name": "Camera",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [ { "id": "cam", "kind": "camera", "settings": { "device": "0" } } ],
  "scenes": [ { "name": "Main", "layers": [ { "source": "cam" } ] } ] }"#,
    )
    .unwrap();
    // The card: dark grey, with light text in the middle.
    let png = dir.path().join("camera.png");
    let out = streamwerk(&[
        "render-frame",
        "--scene",
        scene.to_str().unwrap(),
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let image = image::open(&png).unwrap().to_rgba8();
    assert_eq!(image.get_pixel(10, 10).0, [0x24, 0x24, 0x24, 255]);
    let light = (200..440)
        .flat_map(|x| (160..200).map(move |y| (x, y)))
        .filter(|(x, y)| image.get_pixel(*x, *y).0[0] > 0x80)
        .count();
    assert!(light > 200, "the words are drawn: {light} light pixels");

    // Recording with no camera attached works and decodes to the end.
    let mkv = dir.path().join("camera.mkv");
    let run = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--duration",
        "2",
        "--out",
        mkv.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_decodes(&mkv);
    assert!((59..=61).contains(&video_frames(&mkv)));
}

#[test]
fn a_monitored_muted_source_is_heard_on_the_monitor_output_only() {
    let pulse = PulseAudio::start();
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("monitor.json");
    std::fs::write(
        &scene,
        r##"{ "schema_version": 1, "name": "Monitor",
  "canvas": { "width": 320, "height": 180, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#204060", "width": 320, "height": 180 } },
    { "id": "tone", "kind": "tone", "settings": { "frequency_hz": 440, "level_dbfs": -12 },
      "audio": { "muted": true, "monitor": true } } ],
  "scenes": [ { "name": "Main", "layers": [ { "source": "bg" }, { "source": "tone" } ] } ] }"##,
    )
    .unwrap();
    let out = dir.path().join("monitor.mkv");
    let mut run = Command::new(bin())
        .args(["record", "--duration", "8", "--scene"])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .envs(pulse.env())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Listen to the sink the monitor plays into (the default output), after the start.
    std::thread::sleep(Duration::from_secs(1));
    let heard = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "pulse", "-t", "3"])
        .args(["-i", "studio_null.monitor", "-ar", "48000", "-f", "f32le"])
        // The average of the two sides (`-ac 1` would sum them 3 dB down each).
        .args(["-af", "pan=mono|c0=0.5*c0+0.5*c1", "-"])
        .envs(pulse.env())
        .output()
        .unwrap();
    assert!(heard.status.success(), "{}", stderr(&heard));
    assert!(run.wait().unwrap().success());
    let sound: Vec<f32> = heard
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert!(sound.len() > 2 * 48_000, "{} samples heard", sound.len());
    let end = &sound[sound.len() - 48_000..];
    let hz = tone_frequency(end);
    assert!(
        (hz - 440.0).abs() <= 5.0,
        "monitor plays the tone: {hz:.1} Hz"
    );
    let level = rms_dbfs(end);
    assert!(
        (level - (-12.0 - 3.0103)).abs() <= 1.0,
        "at its level: {level:.2} dBFS RMS"
    );
    // The program did not carry it: the source is muted.
    let recorded = decode_audio_mono(&out);
    let loudest = rms_dbfs(&recorded[recorded.len() / 2..]);
    assert!(
        loudest < -80.0,
        "the recording is silent: {loudest:.1} dBFS"
    );
}
