//! `streamwerk relay-config`: upload once to a relay that fans out, with real nginx servers.

use std::os::unix::fs::PermissionsExt;
use streamwerk_e2e::peers::{free_port, Nginx, NginxWith};
use streamwerk_e2e::*;

#[test]
fn one_upload_to_the_relay_reaches_two_platforms() {
    let platforms = [Nginx::start(), Nginx::start()];
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("relay.conf");
    let port = free_port();
    let run = streamwerk(&[
        "relay-config",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--allow-publish",
        "127.0.0.1",
        "--dest",
        &platforms[0].url("live", "key-a"),
        "--dest",
        &platforms[1].url("live", "key-b"),
        "--runtime-dir",
        dir.path().to_str().unwrap(),
        "--out",
        config.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the file holds stream keys");
    let _relay = NginxWith::start(&config, dir.path(), port);

    let scene = demo_scene();
    let relay_url = format!("rtmp://127.0.0.1:{port}/live/show");
    let run = streamwerk(&[
        "stream",
        "--scene",
        scene.to_str().unwrap(),
        "--dest",
        &relay_url,
        "--duration",
        "8",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    for platform in &platforms {
        let (file, stream) = platform.only_recording();
        assert!(stream.starts_with("key-"), "pushed with its key: {stream}");
        assert_decodes(&file);
        // The relay's push joins at the first keyframe after it connects (every 2 s).
        let seconds = video_frames(&file) as f64 / 30.0;
        assert!(
            seconds >= 5.9,
            "{seconds:.1} s of 8 arrived through the relay"
        );
    }
}

#[test]
fn the_relay_refuses_what_nginx_cannot_push() {
    let run = streamwerk(&[
        "relay-config",
        "--allow-publish",
        "10.0.0.5",
        "--dest",
        "rtmps://live.example:443/app/secret",
    ]);
    assert_eq!(run.status.code(), Some(2));
    let err = stderr(&run);
    assert!(
        err.contains("rtmp://") && err.contains("docs/relay.md") && !err.contains("secret"),
        "{err}"
    );
}
