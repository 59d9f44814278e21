//! Stream keys: stored out of every document, used by profile destinations, never shown.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

/// Runs streamwerk with the key store in `dir` and no keyring service reachable, as on a
/// headless server: the 0600 file is what is exercised.
fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .env("STREAMWERK_KEYS_FILE", dir.join("keys.json"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("XDG_RUNTIME_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_profile_destination_streams_with_its_stored_key_and_never_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let set = run(
        dir.path(),
        &["keys", "set", "local-test"],
        "k3y-from-the-store\n",
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let said = String::from_utf8_lossy(&set.stdout).to_string() + &stderr(&set);
    assert!(!said.contains("k3y-from-the-store"), "{said}");
    let file = dir.path().join("keys.json");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let server = Nginx::start();
    let profile = dir.path().join("profile.json");
    std::fs::write(
        &profile,
        format!(
            r#"{{"destinations": [
                {{"name": "Local", "server": "rtmp://127.0.0.1:{}/live", "key": "local-test"}},
                {{"name": "Off", "server": "rtmp://127.0.0.1:1/live", "key": "local-test", "enabled": false}}
            ]}}"#,
            server.port
        ),
    )
    .unwrap();
    let scene = demo_scene();
    let args = [
        "stream",
        "--scene",
        scene.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--duration",
        "3",
        "--stats-json",
    ];
    let live = run(dir.path(), &args, "");
    let said = String::from_utf8_lossy(&live.stdout).to_string() + &stderr(&live);
    assert!(live.status.success(), "{said}");
    assert!(
        !said.contains("k3y-from-the-store"),
        "the key is masked everywhere: {said}"
    );
    assert!(said.contains("Local (rtmp://127.0.0.1:"), "{said}");
    assert!(
        !said.contains("\"Off"),
        "disabled destinations stay off: {said}"
    );
    let (file, stream) = server.only_recording();
    // nginx names the recording after the stream key it received.
    assert!(stream.starts_with("k3y-from-the-store"), "{stream}");
    assert_decodes(&file);

    let gone = run(dir.path(), &["keys", "delete", "local-test"], "");
    assert!(gone.status.success(), "{}", stderr(&gone));
    let missing = run(dir.path(), &args, "");
    assert_eq!(missing.status.code(), Some(2));
    let err = stderr(&missing);
    assert!(
        err.contains("destinations[0] (Local)") && err.contains("streamwerk keys set local-test"),
        "{err}"
    );
}
