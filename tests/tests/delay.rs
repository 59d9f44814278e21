//! The stream delay and panic against a real nginx-rtmp server: what a panic takes back never
//! reaches viewers (every frame the server recorded is decoded), while the local recording
//! keeps everything and the destination stays one unbroken publish.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

#[test]
fn a_panic_keeps_the_delayed_seconds_from_viewers_and_the_stream_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), Some("Blue card"));
    let nginx = Nginx::start();
    let local = dir.path().join("local.mkv");
    let as_aired = dir.path().join("as-aired.mkv");
    let mut child = Command::new(bin())
        .args(["stream", "--scene"])
        .arg(&scenes)
        .args(["--scene-name", "Green", "--delay", "4", "--stats-json"])
        .args(["--dest", &nginx.url("live", "show")])
        .arg("--record")
        .arg(&local)
        .arg("--record-as-aired")
        .arg(&as_aired)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
