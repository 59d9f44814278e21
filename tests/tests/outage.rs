//! Destinations on a real link that fails: an nginx-rtmp ingest in a network namespace behind a
//! veth pair, whose link the test takes down for 15 s mid-show, or shapes below the stream's
//! bitrate with `tc tbf`. Needs root for `ip netns` (CI runs as root).

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use streamwerk_e2e::peers::{NetNs, Nginx};
use streamwerk_e2e::*;

/// `streamwerk stream` of the demo to `dests` and a recording, with stats lines read on a
/// thread of their own.
fn stream(
    dests: &[String],
    record: &Path,
    seconds: u32,
    profile: &Path,
) -> (Child, JoinHandle<Vec<Value>>) {
    let mut command = Command::new(bin());
    command
        .args(["stream", "--scene"])
        .arg(demo_scene())
        .arg("--profile")
        .arg(profile);
    for d in dests {
        command.args(["--dest", d]);
    }
    let mut child = command
        .arg("--record")
        .arg(record)
        .args(["--duration", &seconds.to_string(), "--stats-json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stats_lines(&mut child);
    (child, lines)
}

/// `host:port` of an ingest, which the sink's name shows (its key is masked there).
fn address(server: &Nginx) -> String {
    let url = server.url("live", "");
    url["rtmp://".len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// The stats of the sink whose name contains `needle`, in one stats line.
fn sink<'a>(line: &'a Value, needle: &str) -> &'a Value {
    line["sinks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no sink `{needle}` in {line}"))
}

fn state(sink: &Value) -> &str {
    sink["destination"]["state"]["state"].as_str().unwrap()
}

/// A profile with a long keyframe interval (4 s), so a destination that waited for the next
/// scheduled keyframe after reconnecting would show up as seconds missing.
fn profile(dir: &Path, bitrate_kbps: u32) -> std::path::PathBuf {
    let file = dir.join("profile.json");
    let profile = serde_json::json!({
        "schema_version": 1,
        "video": { "keyframe_interval_s": 4, "bitrate_kbps": bitrate_kbps }
    });
    std::fs::write(&file, profile.to_string()).unwrap();
    file
}

#[test]
fn a_destination_that_was_live_rides_out_a_network_outage() {
    let _alone = one_stream_at_a_time();
    const SECONDS: u32 = 55;
    let link = NetNs::create();
    let far = Nginx::start_behind(&link);
    let near = Nginx::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.mkv");
    let (child, lines) = stream(
        &[far.url("live", "outage"), near.url("live", "steady")],
        &local,
        SECONDS,
        &profile(dir.path(), 4500),
    );
    // Down for 15 s: the socket's buffer (1 MiB, 2 s of this stream) fills and the blocked
    // write times out (5 s) while the link is down; the server still holds the dead session
    // until it has heard nothing for 20 s.
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(8));
    link.set_link(false);
    std::thread::sleep(Duration::from_secs(15));
    link.set_link(true);
    let back = started.elapsed().as_secs_f64();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let lines = lines.join().unwrap();
    let (far_host, near_host) = (&address(&far), &address(&near));

    // It noticed, went to reconnecting, and was live again at the end.
    assert!(
        lines
            .iter()
            .any(|l| state(sink(l, far_host)) == "reconnecting"),
        "never reconnecting: {err}"
    );
    // The last periodic line (the final one is written after the sinks stopped).
    let last = &lines[lines.len() - 2];
    let far_stats = sink(last, far_host);
    assert_eq!(state(far_stats), "live", "{far_stats}\n{err}");
    assert!(far_stats["destination"]["reconnects"].as_u64().unwrap() >= 1);
    if err.contains("still in use by the previous connection") {
        eprintln!("the server held the old stream name for a while; the destination waited it out");
    }
    assert!(!err.contains("check the stream key"), "{err}");

    // On air within a second of the server accepting it: its last recording (nginx makes a
    // file per publish) runs from then to the end, not from the next scheduled keyframe.
    let uptime = far_stats["destination"]["uptime_s"].as_f64().unwrap();
    let accepted_at = last["elapsed_s"].as_f64().unwrap() - uptime;
    assert!(
        (8.0..SECONDS as f64 - 10.0).contains(&accepted_at),
        "accepted again at {accepted_at:.1} s"
    );
    let recordings = far.recordings();
    assert!(recordings.len() >= 2, "{recordings:?}");
    let rejoined = recordings.last().unwrap();
    assert_decodes(rejoined);
    let on_air = span(&packet_times(rejoined, "v"));
    let possible = SECONDS as f64 - accepted_at;
    assert!(
        on_air >= possible - 1.0,
        "{}: {on_air:.2} s on air of the {possible:.2} s since the server accepted it",
        rejoined.display()
    );
    eprintln!(
        "link back at {back:.1} s, accepted again at {accepted_at:.1} s, {on_air:.2} s of \
         {possible:.2} s on air after it"
    );

    // Nothing else lost a frame: the recording holds every frame the encoder made, and the
    // healthy destination got every one of them.
    let near_stats = sink(lines.last().unwrap(), near_host);
    assert_eq!(near_stats["dropped"], 0, "{near_stats}");
    assert_eq!(near_stats["destination"]["reconnects"], 0, "{near_stats}");
    let (near_file, _) = near.only_recording();
    assert_holds_every_encoded_frame(
        &local,
        lines.last().unwrap(),
        "main",
        u64::from(SECONDS) * 30,
    );
    assert_same_frames(&near_file, &local);
    // Catching up after the outage is not a weak link: no advice to lower the bitrate.
    assert!(!err.contains("lower the bitrate"), "{err}");
    assert!(lines.iter().all(|l| sink(l, far_host)["uplink"].is_null()));
}

#[test]
fn a_destination_whose_link_cannot_carry_the_stream_says_so() {
    let _alone = one_stream_at_a_time();
    let link = NetNs::create();
    link.shape(3000);
    let far = Nginx::start_behind(&link);
    let near = Nginx::start();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.mkv");
    let (child, lines) = stream(
        &[far.url("live", "weak"), near.url("live", "strong")],
        &local,
        25,
        &profile(dir.path(), 4500),
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = lines.join().unwrap();
    let (weak, strong) = (&address(&far), &address(&near));
    let warning = lines
        .iter()
        .filter_map(|l| sink(l, weak)["uplink"].as_str().map(str::to_string))
        .next_back()
        .unwrap_or_else(|| panic!("no uplink warning: {}", stderr(&out)));
    // "uplink to … carries ~2.9 Mbit/s, the stream needs 4.7: lower the bitrate"
    let number = |after: &str| -> f64 {
        let rest = &warning[warning.find(after).unwrap() + after.len()..];
        rest.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (carries, needs) = (number("carries ~"), number("needs "));
    assert!((1.5..=3.3).contains(&carries), "{warning}");
    assert!((4.0..=5.5).contains(&needs), "{warning}");
    assert!(warning.contains("lower the bitrate"), "{warning}");
    let said = format!(
        "uplink to {}",
        sink(&lines[0], weak)["name"].as_str().unwrap()
    );
    assert!(
        stderr(&out).contains(&said),
        "said on the command line too: {}",
        stderr(&out)
    );
    // The strong link says nothing and loses nothing; its bitrate is measured.
    for line in &lines[..lines.len() - 1] {
        assert!(sink(line, strong)["uplink"].is_null(), "{line}");
    }
    let strong_stats = sink(&lines[lines.len() - 2], strong);
    let kbps = strong_stats["bitrate_kbps"].as_f64().unwrap();
    assert!((3500.0..6000.0).contains(&kbps), "{strong_stats}");
    assert_eq!(sink(lines.last().unwrap(), strong)["dropped"], 0);
}
