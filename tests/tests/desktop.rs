//! The desktop app: the Tauri window under Xvfb, driven by tauri-driver and WebKitWebDriver
//! (ui/e2e/desktop.mjs): it opens on the demo, the preview shows it, and a click on a scene's
//! Cut button changes the program, as its pixels show. The preview's socket listens on
//! loopback only and refuses connections without the token made for this run. A hotkey
//! pressed system-wide (not in the page) reaches the app's global shortcut.

use serde_json::Value;
use std::process::Command;
use streamwerk_e2e::*;

#[test]
fn the_window_shows_the_program_and_a_click_switches_scenes() {
    let app = bin().with_file_name("streamwerk-studio");
    assert!(
        app.is_file(),
        "{} is missing: run `cargo build --bin streamwerk-studio` (make test does)",
        app.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let run = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x1000x24", "node"])
        .arg(root().join("ui/e2e/desktop.mjs"))
        .arg(&app)
        .arg(&shots)
        .current_dir(root().join("ui"))
        .env("STREAMWERK_COLLECTION", &scene)
        .env("STREAMWERK_KEYS_FILE", dir.path().join("keys.json"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout).to_string();
    assert!(
        run.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: Value = serde_json::from_str(said.lines().last().unwrap()).unwrap();
    assert_eq!(result["scene"], "Be right back");
    // Ctrl+1 pressed system-wide (xdotool through the X server) switched back to scene 1.
    assert_eq!(result["afterHotkey"], "Live", "{result}");
    let difference = result["difference"].as_f64().unwrap();
    assert!(
        difference > 10.0,
        "the preview changed with the scene: {result}"
    );
    let preview = &result["preview"];
    assert_eq!(preview["host"], "127.0.0.1", "{result}");
    assert!(preview["tokenLength"].as_u64().unwrap() >= 32, "{result}");
    assert_eq!(preview["withoutToken"], 401, "{result}");
    assert_eq!(preview["wrongToken"], 401, "{result}");
    assert_eq!(preview["withToken"], 101, "{result}");
}
