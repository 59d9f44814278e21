//! `streamwerk stream`: one encode, many destinations, each on its own, against real
//! nginx-rtmp servers and an SRT listener on loopback.

use serde_json::Value;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use streamwerk_e2e::peers::{free_port, Nginx, SrtListener, Stunnel, ThrottledProxy};
use streamwerk_e2e::*;

fn stream(dests: &[String], extra: &[&str]) -> Output {
    let scene = demo_scene();
    let mut args: Vec<String> = vec![
        "stream".into(),
        "--scene".into(),
        scene.display().to_string(),
    ];
    for d in dests {
        args.extend(["--dest".into(), d.clone()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(bin()).args(&args).output().unwrap()
}

fn stats_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn assert_h264_aac(file: &std::path::Path) {
    let s = streams(file);
    assert!(
        s.iter()
            .any(|s| s.codec_type == "video" && s.codec_name == "h264"),
        "{file:?}: {s:?}"
    );
    assert!(
        s.iter()
            .any(|s| s.codec_type == "audio" && s.codec_name == "aac"),
        "{file:?}: {s:?}"
    );
}

#[test]
fn three_platforms_and_a_recording_from_one_encode() {
    let servers = [Nginx::start(), Nginx::start(), Nginx::start()];
    let dests: Vec<String> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| s.url("live", &format!("key{i}")))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.mkv");
    let run = stream(
        &dests,
        &[
            "--record",
            local.to_str().unwrap(),
            "--duration",
            "10",
            "--stats-json",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));

    let last = stats_lines(&run).pop().unwrap();
    assert_holds_every_encoded_frame(&local, &last, "main", 300);
    for server in &servers {
        let file = server.only_recording().0;
        assert_h264_aac(&file);
        assert_decodes(&file);
        let seconds = span(&packet_times(&file, "v"));
        assert!((seconds - 10.0).abs() <= 0.5, "{file:?}: {seconds:.2} s");
        assert_same_frames(&file, &local);
    }
    for sink in last["sinks"].as_array().unwrap() {
        assert_eq!(sink["dropped"], 0, "{sink}");
    }
    // One encode for every output: the counters count the one stream every file has.
    assert_eq!(last["canvases"].as_array().map_or(1, Vec::len), 1, "{last}");
}

#[test]
fn a_server_that_dies_and_returns_is_rejoined_while_the_others_lose_nothing() {
    let mut servers = [Nginx::start(), Nginx::start(), Nginx::start()];
    let dests: Vec<String> = servers.iter().map(|s| s.url("live", "k")).collect();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.mkv");
    let scene = demo_scene();
    let mut args = vec![
        "stream".to_string(),
        "--scene".into(),
        scene.display().to_string(),
    ];
    for d in &dests {
        args.extend(["--dest".into(), d.clone()]);
    }
    args.extend([
        "--record".into(),
        local.display().to_string(),
        "--duration".into(),
        "14".into(),
        "--stats-json".into(),
    ]);
    let child = Command::new(bin())
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    servers[1].kill();
    std::thread::sleep(Duration::from_secs(3));
    servers[1].restart();
    let run = child.wait_with_output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));

    // The returning server got a second stream, which decodes.
    std::thread::sleep(Duration::from_millis(300));
    let files = servers[1].recordings();
    assert_eq!(files.len(), 2, "{files:?}");
    assert_decodes(&files[1]);
    assert!(video_frames(&files[1]) >= 30, "the second session streamed");
    let lines = stats_lines(&run);
    let dest2 = |line: &Value| line["sinks"][2].clone();
    assert!(
        lines
            .iter()
            .any(|l| dest2(l)["destination"]["state"]["state"] == "reconnecting"),
        "the events show the reconnection"
    );
    assert!(
        dest2(lines.last().unwrap())["destination"]["reconnects"]
            .as_u64()
            .unwrap()
            >= 1
    );

    // Nobody else noticed: the other servers hold every frame the program had, at the same
    // timestamps as the local recording.
    let program = video_times_from_first_ms(&local);
    assert!(program.len() >= 410, "{} frames in 14 s", program.len());
    for server in [&servers[0], &servers[2]] {
        let file = server.only_recording().0;
        assert_decodes(&file);
        assert_eq!(video_times_from_first_ms(&file), program, "{file:?}");
    }
    let last = lines.last().unwrap();
    for i in [0, 1, 3] {
        assert_eq!(last["sinks"][i]["dropped"], 0, "{}", last["sinks"][i]);
    }
}

#[test]
fn a_destination_that_refuses_from_the_start_does_not_stop_the_others() {
    let good = Nginx::start();
    let nowhere = format!("rtmp://127.0.0.1:{}/live/secret-key-42", free_port());
    let run = stream(
        &[good.url("live", "k"), nowhere.clone()],
        &["--duration", "5"],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&nowhere.replace("secret-key-42", "****")),
        "names the destination: {err}"
    );
    assert!(err.contains("refused"), "{err}");
    assert!(!err.contains("secret-key-42"), "the key is masked: {err}");
    let file = good.only_recording().0;
    assert_decodes(&file);
    assert!((149..=151).contains(&video_frames(&file)));
}

#[test]
fn a_rejected_stream_says_so_and_stops_retrying() {
    let server = Nginx::start();
    let run = stream(
        &[server.url("locked", "wrong-key")],
        &["--duration", "10", "--stats-json"],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("check the stream key"), "{err}");
    assert!(!err.contains("wrong-key"), "{err}");
    let last = stats_lines(&run).pop().unwrap();
    assert_eq!(
        last["sinks"][0]["destination"]["state"]["state"], "failed",
        "{last}"
    );
    assert_eq!(
        last["sinks"][0]["destination"]["reconnects"], 2,
        "gave up after three sessions: {last}"
    );
}

#[test]
fn srt_to_a_listener_decodes() {
    let mut listener = SrtListener::start();
    let url = format!(
        "srt://127.0.0.1:{}?mode=caller&latency=120000",
        listener.port
    );
    let run = stream(&[url], &["--duration", "4"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let file = listener.finish().to_path_buf();
    assert_h264_aac(&file);
    assert_decodes(&file);
    let frames = video_frames(&file);
    assert!((110..=121).contains(&frames), "{frames} frames");
}

#[test]
fn bad_destination_urls_are_refused_before_going_live() {
    for (url, says) in [
        ("http://example/live/key", "rtmp://"),
        ("rtmp://host/live", "stream key"),
    ] {
        let run = stream(&[url.to_string()], &["--duration", "1"]);
        assert_eq!(run.status.code(), Some(2));
        assert!(stderr(&run).contains(says), "{}", stderr(&run));
    }
    let run = stream(&[], &["--duration", "1"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--dest"));
}

#[test]
fn a_weak_uplink_degrades_its_own_destination_only() {
    let (fast, slow) = (Nginx::start(), Nginx::start());
    // 1 Mbit/s towards a 4.6 Mbit/s stream.
    let proxy = ThrottledProxy::start(slow.port, 125_000);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.mkv");
    let dests = [
        fast.url("live", "k"),
        format!("rtmp://127.0.0.1:{}/live/k", proxy.port),
    ];
    let run = stream(
        &dests,
        &[
            "--record",
            local.to_str().unwrap(),
            "--duration",
            "12",
            "--stats-json",
        ],
    );
    let last = stats_lines(&run).pop().unwrap();
    let (fast_sink, slow_sink) = (&last["sinks"][1], &last["sinks"][2]);
    assert!(
        slow_sink["dropped"].as_u64().unwrap() > 50,
        "the weak uplink dropped: {slow_sink}"
    );
    assert_eq!(fast_sink["dropped"], 0, "{fast_sink}");
    assert_eq!(last["sinks"][0]["dropped"], 0, "the recording is untouched");
    assert_holds_every_encoded_frame(&local, &last, "main", 12 * 30);
    assert_same_frames(&fast.only_recording().0, &local);
    drop(proxy);
}

#[test]
fn rtmps_checks_the_certificate() {
    let server = Nginx::start();
    let tls = Stunnel::start(server.port);
    let url = format!("rtmps://localhost:{}/live/tls-secret", tls.port);

    // Not trusted: refused at once, and the message says why and what to do.
    let run = stream(std::slice::from_ref(&url), &["--duration", "3"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("certificate") && err.contains("--ca-file"),
        "{err}"
    );
    assert!(!err.contains("tls-secret"), "{err}");
    assert!(server.recordings().is_empty(), "nothing reached the server");

    // Trusted through the test's CA file: the stream arrives.
    let ca = tls.certificate.display().to_string();
    let run = stream(&[url], &["--duration", "3", "--ca-file", &ca]);
    assert!(run.status.success(), "{}", stderr(&run));
    let file = server.only_recording().0;
    assert_h264_aac(&file);
    assert_decodes(&file);
    assert!((89..=91).contains(&video_frames(&file)));
}

#[test]
fn settings_a_platform_rejects_are_named_before_going_live() {
    // A Twitch destination (its server pointed at a local nginx) with settings Twitch's
    // published limits refuse: 4 s keyframes, 8000 kbps. The stream still goes out, warned.
    let server = Nginx::start();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.json");
    std::fs::write(
        &profile,
        format!(
            r#"{{"video": {{"keyframe_interval_s": 4, "bitrate_kbps": 8000}},
                "destinations": [{{"name": "Twitch", "platform": "twitch",
                                   "server": "rtmp://127.0.0.1:{}/live/tw"}}]}}"#,
            server.port
        ),
    )
    .unwrap();
    let run = stream(
        &[],
        &["--profile", profile.to_str().unwrap(), "--duration", "2"],
    );
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains("warning: Twitch: Twitch wants a keyframe interval of exactly 2 s")
            && err.contains("video.keyframe_interval_s"),
        "{err}"
    );
    assert!(
        err.contains("at most 6000 kbps of video") && err.contains("sends up to 8000 kbps"),
        "{err}"
    );
    assert_decodes(&server.only_recording().0);

    // The same settings on a custom server: nothing to warn about.
    let custom = dir.path().join("custom.json");
    std::fs::write(
        &custom,
        r#"{"video": {"keyframe_interval_s": 4, "bitrate_kbps": 8000}}"#,
    )
    .unwrap();
    let plain = stream(
        &[server.url("live", "plain")],
        &["--profile", custom.to_str().unwrap(), "--duration", "1"],
    );
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(!stderr(&plain).contains("warning:"), "{}", stderr(&plain));
}
