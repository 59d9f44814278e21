//! The stream delay and panic against a real nginx-rtmp server: what a panic takes back never
//! reaches viewers (every frame the server recorded is decoded), while the local recording
//! keeps everything and the destination stays one unbroken publish.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

/// `stream` of `scenes` from `scene` to `dest` behind a `delay` (s), recording `local.mkv`
/// and `as-aired.mkv` in `dir`, with stats lines on its standard output and operator
/// commands on its standard input.
fn delayed_stream(scenes: &Path, scene: &str, delay: u32, dest: &str, dir: &Path) -> Child {
    Command::new(bin())
        .args(["stream", "--scene"])
        .arg(scenes)
        .args([
            "--scene-name",
            scene,
            "--delay",
            &delay.to_string(),
            "--stats-json",
        ])
        .args(["--dest", dest])
        .arg("--record")
        .arg(dir.join("local.mkv"))
        .arg("--record-as-aired")
        .arg(dir.join("as-aired.mkv"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_panic_keeps_the_delayed_seconds_from_viewers_and_the_stream_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), Some("Blue card"));
    let nginx = Nginx::start();
    let (local, as_aired) = (
        dir.path().join("local.mkv"),
        dir.path().join("as-aired.mkv"),
    );
    let mut child = delayed_stream(&scenes, "Green", 4, &nginx.url("live", "show"), dir.path());
    let lines = stats_lines(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    // Green for 6 s (viewers get its first 2 s by then), the unwanted red for 2 s, panic.
    // Held at the panic: green from 4 s on and all of the red.
    let start = Instant::now();
    let at =
        |s: f64| std::thread::sleep(Duration::from_secs_f64(s).saturating_sub(start.elapsed()));
    at(6.0);
    writeln!(stdin, "cut Red").unwrap();
    at(8.0);
    writeln!(stdin, "panic").unwrap();
    at(11.0);
    writeln!(stdin, "stop").unwrap();
    drop(stdin);
    let done = child.wait_with_output().unwrap();
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert!(
        said.contains("panic: cut to the safe scene `Blue card`"),
        "{said}"
    );
    assert!(said.contains("delayed packets discarded"), "{said}");
    // `stop` let the delay run out: the safe scene reached viewers before the end.
    let lines = lines.join().unwrap();
    let last = lines.last().unwrap();
    assert_eq!(last["delay"]["delay_s"], 4.0, "{last}");
    assert!(last["delay"]["discarded"].as_u64().unwrap() > 100, "{last}");
    let sink = &last["sinks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["destination"].is_object())
        .unwrap();
    assert_eq!(
        sink["destination"]["reconnects"], 0,
        "one unbroken publish: {sink}"
    );

    // Viewers: green, then the safe scene; not one red frame.
    let (aired, _) = nginx.only_recording();
    let seen = frame_colours(&aired);
    assert!(!seen.contains('R'), "red reached viewers: {seen}");
    let order: String = seen
        .chars()
        .filter(|c| *c != '?')
        .fold(String::new(), |mut order, c| {
            if !order.ends_with(c) {
                order.push(c);
            }
            order
        });
    assert_eq!(order, "GB", "{seen}");
    assert!(
        seen.matches('B').count() >= 30,
        "the safe scene after the panic: {seen}"
    );
    // The local recording is not delayed and keeps everything, the red included.
    let kept = frame_colours(&local);
    assert!(kept.matches('R').count() >= 45, "{kept}");
    // The as-aired recording is what viewers got: no red, green then the safe scene, as
    // long as the server's within a keyframe interval.
    let aired_here = frame_colours(&as_aired);
    assert!(!aired_here.contains('R'), "{aired_here}");
    let greens = |s: &str| s.matches('G').count();
    assert!(
        greens(&aired_here).abs_diff(greens(&seen)) <= 60,
        "{aired_here} against {seen}"
    );
    assert!(aired_here.matches('B').count() >= 30, "{aired_here}");
}

/// Live (green, 440 Hz), a mistake (red, 2500 Hz, reached through a 1 s opaque stinger when
/// taken with `transition`) and the safe scene (blue, 660 Hz), every tone at -6 dBFS.
fn scenes_with_sound(dir: &Path) -> std::path::PathBuf {
    let stinger = dir.join("stinger.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=yellow:size=320x180:rate=30",
        ])
        .args(["-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .arg(&stinger)
        .status()
        .unwrap();
    assert!(made.success());
    let colour = |id: &str, c: &str| {
        format!(
            r##"{{ "id": "{id}", "kind": "color", "settings": {{ "color": "{c}", "width": 320, "height": 180 }} }}"##
        )
    };
    let tone = |id: &str, hz: u32| {
        format!(
            r#"{{ "id": "{id}", "kind": "tone", "settings": {{ "frequency_hz": {hz}, "level_dbfs": -6 }} }}"#
        )
    };
    let file = dir.join("sound.json");
    std::fs::write(
        &file,
        format!(
            r#"{{ "schema_version": 1, "name": "Sound", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
              "sources": [ {}, {}, {}, {}, {}, {} ],
              "scenes": [
                {{ "name": "Live", "layers": [ {{ "source": "green" }}, {{ "source": "a440" }} ] }},
                {{ "name": "Mistake", "layers": [ {{ "source": "red" }}, {{ "source": "a2500" }} ],
                   "transition": {{ "kind": "stinger", "path": "{}", "cut_point_ms": 300 }} }},
                {{ "name": "Safe", "layers": [ {{ "source": "blue" }}, {{ "source": "a660" }} ] }}
              ], "safe_scene": "Safe" }}"#,
            colour("green", "#00FF00"),
            colour("red", "#FF0000"),
            colour("blue", "#0000FF"),
            tone("a440", 440),
            tone("a2500", 2500),
            tone("a660", 660),
            stinger.display()
        ),
    )
    .unwrap();
    file
}

#[test]
fn a_panic_keeps_the_mistakes_sound_from_viewers_too_after_a_cut_a_fade_and_a_stinger() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scenes = scenes_with_sound(dir.path());
    let nginx = Nginx::start();
    let (local, as_aired) = (
        dir.path().join("local.mkv"),
        dir.path().join("as-aired.mkv"),
    );
    let mut child = delayed_stream(&scenes, "Live", 3, &nginx.url("live", "sound"), dir.path());
    // Read, so the pipe never fills.
    let stats = stats_lines(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    let start = Instant::now();
    let mut at = |s: f64, line: &str| {
        std::thread::sleep(Duration::from_secs_f64(s).saturating_sub(start.elapsed()));
        writeln!(stdin, "{line}").unwrap();
    };
    // Each mistake is taken back within the delay, and Live airs again in between.
    at(4.0, "cut Mistake");
    at(5.0, "panic");
    at(5.5, "cut Live");
    at(9.5, "transition Mistake fade 2000");
    at(10.5, "panic"); // half way through the fade
    at(11.0, "cut Live");
    at(15.0, "transition Mistake"); // its stinger: the mistake's sound fades in from 300 ms
    at(15.7, "panic");
    at(16.0, "cut Live");
    at(18.0, "stop");
    drop(stdin);
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(!stats.join().unwrap().is_empty());

    let (aired, _) = nginx.only_recording();
    // The mistake is in the local recording, picture and sound: the checks below can see it.
    let mistake = |file: &Path| {
        tone_levels(&decode_audio_mono(file), 2500.0, 480)
            .into_iter()
            .fold(0.0, f64::max)
    };
    assert!(frame_colours(&local).contains('R'));
    assert!(mistake(&local) > 0.3, "{}", mistake(&local));
    for file in [&aired, &as_aired] {
        let seen = frame_colours(file);
        assert!(
            !seen.contains('R'),
            "{}: red reached viewers: {seen}",
            file.display()
        );
        let runs: String = seen.chars().fold(String::new(), |mut runs, c| {
            if !runs.ends_with(c) {
                runs.push(c);
            }
            runs
        });
        assert_eq!(runs, "GBGBGBG", "{}: {seen}", file.display());
        // Not 10 ms of the mistake's tone: its frequency stands no higher than its neighbours'
        // (the splices' clicks are broadband, a few hundredths at most) by -40 dBFS.
        let sound = decode_audio_mono(file);
        let (tone, below, above) = (
            tone_levels(&sound, 2500.0, 480),
            tone_levels(&sound, 2200.0, 480),
            tone_levels(&sound, 2800.0, 480),
        );
        let (worst, at) = (0..tone.len())
            .map(|i| tone[i] - below[i].max(above[i]))
            .enumerate()
            .fold(
                (0.0, 0),
                |best, (i, l)| if l > best.0 { (l, i) } else { best },
            );
        assert!(
            worst < 0.01,
            "{}: the mistake's tone at {:.3} s, {worst:.3} above its neighbours",
            file.display(),
            at as f64 * 0.005
        );
        // The safe scene's sound did air, after each panic.
        let safe = tone_levels(&sound, 660.0, 480);
        assert!(
            safe.iter().filter(|l| **l > 0.3).count() > 3 * 50,
            "{}",
            file.display()
        );
    }
}
