//! The remote control as stream decks and Companion use it: the npm obs-websocket-js 5.0.8
//! client (MessagePack and JSON builds) against `streamwerk serve` (ui/e2e/remote-control.mjs).
//! What it saw is judged here: the scene it switched to in a picture of the program, the
//! master level its mute silenced, the recording it started and stopped, decoded.

use base64::Engine as _;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use streamwerk_e2e::guests::run_page;
use streamwerk_e2e::*;

const PASSWORD: &str = "deck-password-1";

/// Two colour scenes, both with a 440 Hz tone, the first with a caption and a logo, on the
/// main canvas and a vertical one.
fn collection(dir: &Path) -> PathBuf {
    let file = dir.join("show.json");
    let logo = root().join("assets/logos/streamwerk-logo.png");
    let layers = |colour: &str, more: &str| {
        format!(r#"[ {{ "source": "{colour}" }}, {{ "source": "tone" }}{more} ]"#)
    };
    let red_extra = r#", { "source": "caption" }, { "source": "logo", "transform": { "x": 10, "y": 10, "width": 40, "height": 40 } }"#;
    std::fs::write(
        &file,
        format!(
            r##"{{ "schema_version": 1, "name": "Remote", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
          "canvases": [ {{ "name": "vertical", "width": 180, "height": 320 }} ],
          "sources": [
            {{ "id": "red", "kind": "color", "settings": {{ "color": "#FF0000", "width": 320, "height": 180 }} }},
            {{ "id": "green", "kind": "color", "settings": {{ "color": "#00FF00", "width": 320, "height": 180 }} }},
            {{ "id": "tone", "name": "Tone", "kind": "tone", "settings": {{ "frequency_hz": 440, "level_dbfs": -12 }} }},
            {{ "id": "caption", "name": "Caption", "kind": "text", "settings": {{ "text": "Hi", "size": 20 }} }},
            {{ "id": "logo", "name": "Logo", "kind": "image", "settings": {{ "path": "{logo}" }} }}
          ],
          "scenes": [
            {{ "name": "Red", "layers": {red}, "layouts": {{ "vertical": {red} }} }},
            {{ "name": "Green", "layers": {green}, "layouts": {{ "vertical": {green_v} }} }}
          ] }}"##,
            logo = logo.display(),
            red = layers("red", red_extra),
            green = layers("green", ""),
            green_v = r#"[ { "source": "green", "transform": { "width": 180, "height": 320 } }, { "source": "tone" } ]"#,
        ),
    )
    .unwrap();
    file
}

/// A free loopback port, for the remote control (the OS gives one; it is released at once).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `streamwerk serve`, the studio page's address and the file of its log.
struct Serve(Child, String, PathBuf);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        // Shown with a failing test's output.
        eprint!("{}", std::fs::read_to_string(&self.2).unwrap_or_default());
    }
}

/// `streamwerk serve` on `scene` with `args`; `password` in the environment when given, else
/// the one it makes and keeps in the test's key file.
fn serve(dir: &Path, scene: &Path, args: &[&str], password: Option<&str>) -> Serve {
    let mut command = Command::new(bin());
    command
        .args(["serve", "--port", "0", "--scene", scene.to_str().unwrap()])
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("STREAMWERK_KEYS_FILE", dir.join("keys.json"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("serve.log")).unwrap());
    if let Some(password) = password {
        command.env("STREAMWERK_REMOTE_PASSWORD", password);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().strip_prefix("Streamwerk studio: ");
    let url = url
        .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
        .to_string();
    Serve(child, url, dir.join("serve.log"))
}

/// The centre pixel of a `data:image/png;base64,...` picture, and its size.
fn centre(data_url: &str) -> ([u8; 3], (u32, u32)) {
    let b64 = data_url.strip_prefix("data:image/png;base64,").unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let picture = image::load_from_memory(&png).unwrap().to_rgb8();
    let (w, h) = picture.dimensions();
    (picture.get_pixel(w / 2, h / 2).0, (w, h))
}

fn drive(encoding: &str) {
    let mark = root().join("assets/logos/streamwerk-mark.svg");
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let port = free_port();
    let port_arg = port.to_string();
    let _serve = serve(
        dir.path(),
        &scene,
        &["--remote-port", &port_arg],
        Some(PASSWORD),
    );
    let url = format!("ws://127.0.0.1:{port}");
    let seen: Value = run_page(
        "remote-control.mjs",
        &[&url, PASSWORD, encoding, mark.to_str().unwrap()],
        &[],
    );

    assert_eq!(
        seen["wrongPassword"]["code"], 4009,
        "{}",
        seen["wrongPassword"]
    );
    assert_eq!(seen["wrongPassword"]["message"], "Authentication failed.");
    assert_eq!(seen["hello"]["rpcVersion"], 1);
    let available = seen["version"]["availableRequests"].as_array().unwrap();
    assert!(available.iter().any(|r| r == "SetCurrentProgramScene"));
    assert!(seen["version"]["supportedImageFormats"].is_array());

    // Bottom of the list first, as obs-websocket gives it.
    let scenes: Vec<&str> = seen["sceneList"]["scenes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sceneName"].as_str().unwrap())
        .collect();
    assert_eq!(scenes, ["Green", "Red"]);
    assert_eq!(seen["sceneList"]["currentProgramSceneName"], "Red");

    assert_eq!(seen["programChanged"]["sceneName"], "Green");
    assert_eq!(seen["program"]["currentProgramSceneName"], "Green");
    let (pixel, size) = centre(seen["screenshot"].as_str().unwrap());
    assert_eq!(size, (64, 36));
    assert!(
        pixel[1] > 200 && pixel[0] < 40 && pixel[2] < 40,
        "program not green: {pixel:?}"
    );

    let before = seen["levelBefore"]["responseData"]["peakDb"]
        .as_f64()
        .unwrap();
    let after = seen["levelAfter"]["responseData"]["peakDb"]
        .as_f64()
        .unwrap();
    assert!(before > -20.0, "the tone is not heard: {before} dBFS");
    assert!(after < -80.0, "muting the tone left {after} dBFS");
    assert_eq!(seen["muted"]["inputMuted"], true);
    let levels = &seen["toneMeter"]["inputLevelsMul"];
    assert!(levels[0][1].as_f64().unwrap() > 0.1, "tone meter: {levels}");
    assert!(
        seen["meters"].as_u64().unwrap() >= 10,
        "InputVolumeMeters: {}",
        seen["meters"]
    );
    let events = seen["events"].as_array().unwrap();
    assert!(events
        .iter()
        .any(|e| e["name"] == "InputMuteStateChanged" && e["data"]["inputMuted"] == true));

    assert_eq!(
        seen["caption"]["inputSettings"]["text"],
        "Hello from a deck"
    );
    assert_eq!(seen["caption"]["inputKind"], "text_ft2_source_v2");
    let saved = std::fs::read_to_string(&scene).unwrap();
    assert!(
        saved.contains("Hello from a deck"),
        "the edit was not saved"
    );

    let path = PathBuf::from(seen["stopRecord"]["outputPath"].as_str().unwrap());
    assert_eq!(
        seen["recordStarted"]["outputPath"],
        seen["stopRecord"]["outputPath"]
    );
    assert_eq!(seen["recordStatus"]["outputActive"], true);
    assert!(seen["recordStatus"]["outputDuration"].as_u64().unwrap() >= 2000);
    assert_decodes(&path);
    let (_, duration) = start_and_duration(&path);
    assert!((2.0..6.0).contains(&duration), "recorded {duration} s");
    let pixel = crop_rgb(&path, Some(1.0), (150, 80, 20, 20));
    assert!(
        pixel[1] > 200 && pixel[0] < 40,
        "recording not green: {:?}",
        &pixel[..3]
    );
    // The middle of the file: its first block starts from silence (the encoder's priming).
    let sound = decode_audio_mono(&path);
    let middle = &sound[sound.len() / 4..sound.len() * 3 / 4];
    assert_eq!(tone_frequency(middle).round(), 440.0);

    let ids: Vec<&Value> = seen["batch"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["requestId"])
        .collect();
    assert_eq!(ids, ["one", "two", "three"]);
    let halted = seen["halted"].as_array().unwrap();
    assert_eq!(
        halted.len(),
        2,
        "haltOnFailure ran past the failure: {halted:?}"
    );
    assert_eq!(halted[1]["requestStatus"]["code"], 600);

    // The vertical canvas, as a Stream Deck drives it: its own items and pictures.
    assert_eq!(seen["canvases"].as_array().unwrap().len(), 2);
    assert_eq!(
        seen["captionOnVertical"], false,
        "hidden on the vertical canvas"
    );
    assert_eq!(seen["captionOnMain"], true, "and only there");
    let (pixel, size) = centre(seen["verticalShot"].as_str().unwrap());
    assert_eq!(size, (90, 160));
    assert!(
        pixel[1] > 200 && pixel[0] < 40,
        "vertical program not green: {pixel:?}"
    );
    // A file field by OBS's name.
    assert_eq!(seen["logoBefore"]["inputKind"], "image_source");
    assert!(seen["logoBefore"]["inputSettings"]["file"]
        .as_str()
        .unwrap()
        .ends_with("streamwerk-logo.png"));
    assert!(seen["logoAfter"]["inputSettings"]["file"]
        .as_str()
        .unwrap()
        .ends_with("streamwerk-mark.svg"));
    assert_eq!(seen["badLogo"]["code"], 702, "{}", seen["badLogo"]);
    assert!(std::fs::read_to_string(&scene)
        .unwrap()
        .contains("streamwerk-mark.svg"));

    assert_eq!(seen["unknown"]["code"], 204);
    assert_eq!(seen["garbage"]["code"], 4002);
    assert_eq!(seen["oversized"]["code"], 1009);
    assert_eq!(seen["afterHostile"]["currentProgramSceneName"], "Green");
}

#[test]
fn obs_websocket_js_drives_the_studio_over_msgpack() {
    drive("msgpack");
}

#[test]
fn obs_websocket_js_drives_the_studio_over_json() {
    drive("json");
}

/// Settings › Remote control in the studio page, with a client beside it: listed, disconnected,
/// ended by a new password, and moved to another port (ui/e2e/remote-settings.mjs).
#[test]
fn settings_show_the_remote_control_and_move_it() {
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (port, new_port) = (free_port(), free_port());
    std::fs::write(
        dir.path().join("profile.json"),
        format!(r#"{{ "remote_control": {{ "port": {port}, "bind": "127.0.0.1" }} }}"#),
    )
    .unwrap();
    let serve = serve(dir.path(), &scene, &[], None);
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let seen = run_page(
        "remote-settings.mjs",
        &[
            &serve.1,
            &port.to_string(),
            &new_port.to_string(),
            shots.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(seen["address"], format!("Address ws://127.0.0.1:{port}"));
    assert_eq!(seen["maskedAtFirst"], "••••••••••••••••");
    assert!(
        seen["listed"].as_str().unwrap().contains("127.0.0.1:"),
        "{}",
        seen["listed"]
    );
    assert_eq!(seen["axe"], serde_json::json!([]), "axe: {}", seen["axe"]);
    assert_eq!(seen["fromPage"]["sceneName"], "Green");
    assert_eq!(seen["disconnected"]["code"], 4011);
    assert_eq!(seen["renewed"]["code"], 4011);
    assert_eq!(seen["samePassword"], false);
    assert_eq!(seen["oldPassword"]["code"], 4009);
    assert_eq!(seen["onNewPort"], "5.7.3");
    assert_ne!(seen["oldPort"], "accepted");
    assert_eq!(seen["consoleErrors"], serde_json::json!([]));
    // The port chosen is kept in the profile; the password is in the key store, not there.
    let profile = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(profile.contains(&new_port.to_string()), "{profile}");
    let keys = std::fs::read_to_string(dir.path().join("keys.json")).unwrap();
    assert!(keys.contains("remote-control-password"));
    assert!(!profile.contains("password"));
}

/// Anything but loopback without a password is refused: nothing listens, and the studio says
/// why.
#[test]
fn the_network_without_a_password_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let port = free_port();
    let port_arg = port.to_string();
    let args = ["--remote-port", &port_arg, "--remote-bind", "0.0.0.0"];
    let serve = serve(dir.path(), &scene, &args, Some(""));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    let log = std::fs::read_to_string(&serve.2).unwrap();
    assert!(log.contains("without a password"), "{log}");
}

/// Ctrl-C on the studio: a connected client hears ExitStarted, then "Server stopping." (1001),
/// as from OBS closing (Companion then waits to reconnect).
#[test]
fn clients_hear_the_studio_close() {
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let port = free_port().to_string();
    let serve = serve(
        dir.path(),
        &scene,
        &["--remote-port", &port],
        Some(PASSWORD),
    );
    let url = format!("ws://127.0.0.1:{port}");
    let mut client =
        streamwerk_e2e::guests::page_command("remote-exit.mjs", &[&url, PASSWORD], &[])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    let mut lines = BufReader::new(client.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    Command::new("kill")
        .args(["-INT", &serve.0.id().to_string()])
        .status()
        .unwrap();
    let seen: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    client.wait().unwrap();
    assert_eq!(seen["exitStarted"], true, "{seen}");
    assert_eq!(seen["close"]["code"], 1001, "{seen}");
    assert_eq!(seen["close"]["message"], "Server stopping.");
}
