//! The studio in a browser: `streamwerk serve` with the real engine, driven from Debian's
//! Chromium by playwright-core (ui/e2e/studio.mjs), against a local nginx-rtmp.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use streamwerk_e2e::peers::Nginx;
use streamwerk_e2e::*;

/// A running `streamwerk serve`, interrupted (as Ctrl-C would) when dropped.
struct Serve {
    child: Child,
    url: String,
}

impl Serve {
    fn start(dir: &std::path::Path, scene: &std::path::Path) -> Serve {
        let mut child = Command::new(bin())
            .args(["serve", "--port", "0", "--scene", scene.to_str().unwrap()])
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("STREAMWERK_KEYS_FILE", dir.join("keys.json"))
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("Streamwerk studio: ")
            .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
            .to_string();
        Serve { child, url }
    }

    fn port(&self) -> u16 {
        let host = self.url.split('/').nth(2).unwrap();
        host.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn token(&self) -> &str {
        self.url.split("#token=").nth(1).unwrap()
    }

    /// Status line of a WebSocket upgrade request to `path`.
    fn upgrade_status(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port())).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 64];
        let n = stream.read(&mut head).unwrap();
        String::from_utf8_lossy(&head[..n])
            .lines()
            .next()
            .unwrap()
            .to_string()
    }

    fn interrupt(mut self) -> std::process::ExitStatus {
        unsafe_kill(self.child.id(), 2);
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unsafe_kill(pid: u32, signal: i32) {
    Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap();
}

/// The demo collection copied into `dir` with its asset paths made absolute.
/// Runs the browser script `ui/e2e/SCRIPT` with `args` and the screenshot folder; returns the
/// JSON line it prints.
fn run_page(script: &str, args: &[&str]) -> Value {
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let run = Command::new("node")
        .arg(root().join("ui/e2e").join(script))
        .args(args)
        .arg(&shots)
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    publish_shots(&shots);
    serde_json::from_slice(&run.stdout).unwrap()
}

/// The screenshots the README shows: the studio idle, live, going live, in studio mode, and
/// its Graphics, Brand and Settings tabs.
const DOCS_SHOTS: &[&str] = &[
    "studio-1366x768.png",
    "studio-live.png",
    "go-live-dialog.png",
    "studio-mode.png",
    "graphics.png",
    "brand.png",
    "settings.png",
];

/// With `STREAMWERK_DOCS_IMAGES` set, copies the README's screenshots this page took into
/// docs/images, so they show the studio as it is.
fn publish_shots(shots: &Path) {
    if std::env::var_os("STREAMWERK_DOCS_IMAGES").is_none() {
        return;
    }
    for name in DOCS_SHOTS {
        let shot = shots.join(name);
        if shot.exists() {
            std::fs::copy(&shot, root().join("docs/images").join(name)).unwrap();
        }
    }
}

#[test]
fn a_browser_edits_the_scene_goes_live_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let nginx = Nginx::start();
    let serve = Serve::start(dir.path(), &scene);

    // No token, or a wrong one: refused before any WebSocket opens.
    assert!(serve.upgrade_status("/ws").contains("401"));
    assert!(serve.upgrade_status("/ws?token=nope").contains("401"));
    assert!(serve.upgrade_status("/preview").contains("401"));
    let with_token = serve.upgrade_status(&format!("/ws?token={}", serve.token()));
    assert!(with_token.contains("101"), "{with_token}");
    let token_file = dir.path().join("config/streamwerk/serve-token");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let result = run_page(
        "studio.mjs",
        &[&serve.url, &format!("rtmp://127.0.0.1:{}/live", nginx.port)],
    );
    assert_eq!(
        result["keyShown"], false,
        "the stream key never reaches the page"
    );
    // The header: LIVE with the time on air, the destination's chip with its state and
    // bitrate, REC with the recording's time; axe-core finds nothing serious in it.
    let on_air = &result["onAir"];
    let badge = on_air["badge"].as_str().unwrap_or_default();
    assert!(badge.starts_with("LIVE 00:00:"), "{on_air}");
    let chip = on_air["chip"].as_str().unwrap_or_default();
    assert!(
        chip.starts_with("Local live ") && chip.ends_with(" kbps"),
        "{on_air}"
    );
    // Read 1.5 s into a recording begun 4 s into the broadcast: the recording's own time.
    let rec = result["recBadge"].as_str().unwrap_or_default();
    assert!(["REC 00:00:01", "REC 00:00:02"].contains(&rec), "{result}");
    assert_eq!(result["headerAxe"], serde_json::json!([]), "{result}");
    // The whole page too, idle: axe-core's serious and critical rules find nothing.
    assert_eq!(result["pageAxe"], serde_json::json!([]), "{result}");
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    // Stage first, at 1366x768 and 1920x1080: the stage, the scenes, the layers and Go Live
    // are on screen, and the page itself does not scroll.
    for size in ["1366x768", "1920x1080"] {
        let at = &result["layout"][size];
        for what in ["stage", "scenes", "layers", "goLive"] {
            assert_eq!(at[what], true, "{what} at {size}: {at}");
        }
        assert_eq!(at["pageScrolls"], false, "{size}: {at}");
    }
    assert!(
        result["emptyDestinations"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Add your first destination"),
        "{result}"
    );
    assert_eq!(
        result["headerOrder"],
        serde_json::json!([
            "open-settings",
            "marker",
            "replay",
            "save-replay",
            "studio-mode",
            "panic",
            "record",
            "go-live"
        ]),
        "{result}"
    );
    // Stop asked before ending the broadcast, and "Keep streaming" kept it on.
    assert_eq!(
        result["stopAsks"], "End the broadcast on 1 destination?",
        "{result}"
    );
    assert_eq!(result["keptLive"], 1, "{result}");
    // Go Live asked first: the destination with its platform and the canvas it streams.
    assert_eq!(
        result["goLiveDialog"],
        serde_json::json!({
            "lines": ["Local Custom RTMP/SRT · Main canvas (16:9)"],
            "go": "Go live on 1 destination",
        }),
        "{result}"
    );

    // Live, the destination's line showed what it sent (the demo at 4500 kbps), and its graph
    // drew the sent bitrate; a loopback link carries it, so no uplink warning.
    let health = &result["destinationHealth"];
    let text = health["text"].as_str().unwrap();
    let kbps: f64 = text
        .split(" · ")
        .find_map(|p| p.strip_suffix(" kbps"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no bitrate in `{text}`"));
    assert!((3000.0..7000.0).contains(&kbps), "{health}");
    assert!(health["graphInk"].as_u64().unwrap() >= 3, "{health}");
    assert!(health["uplink"].is_null(), "{health}");

    // The mixer's meter read the demo's -24 dBFS tone; muting it silenced the master.
    let tone = result["tonePeak"].as_f64().unwrap();
    assert!((tone + 24.0).abs() <= 1.0, "tone meter {tone} dBFS");
    assert!(result["mutedMaster"].as_f64().unwrap() < -70.0, "{result}");

    // The drag moved the text by about (300, 200) canvas pixels (snapping may add a few).
    let dx = result["after"]["x"].as_f64().unwrap() - result["before"]["x"].as_f64().unwrap();
    let dy = result["after"]["y"].as_f64().unwrap() - result["before"]["y"].as_f64().unwrap();
    assert!(
        (dx - 300.0).abs() <= 10.0 && (dy - 200.0).abs() <= 10.0,
        "{result}"
    );

    // The edit was saved: render-frame of the saved collection shows the text where it moved.
    let saved = std::fs::read_to_string(&scene).unwrap();
    assert!(saved.contains("Breaking news: live"), "{saved}");
    // Alt-drag cropped about 100 source pixels off the right edge.
    let cropped = result["crop"]["right"].as_f64().unwrap();
    assert!((cropped - 100.0).abs() <= 10.0, "{result}");
    let png = dir.path().join("interview.png");
    let out = streamwerk(&[
        "render-frame",
        "--scene",
        scene.to_str().unwrap(),
        "--scene-name",
        "Interview",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let image = image::open(&png).unwrap().to_rgba8();
    let lit = |x0: f64, y0: f64| {
        let mut n = 0;
        for y in y0 as u32..(y0 as u32 + 60).min(image.height()) {
            for x in x0 as u32..(x0 as u32 + 300).min(image.width()) {
                if image.get_pixel(x, y)[0] > 200 {
                    n += 1;
                }
            }
        }
        n
    };
    let (ax, ay) = (
        result["after"]["x"].as_f64().unwrap(),
        result["after"]["y"].as_f64().unwrap(),
    );
    let (bx, by) = (
        result["before"]["x"].as_f64().unwrap(),
        result["before"]["y"].as_f64().unwrap(),
    );
    assert!(lit(ax, ay) > 200, "the text is at its new place");
    assert_eq!(lit(bx, by), 0, "and no longer at its old one");
    // The properties form gave it an outline and a #1E3A8A background box around it.
    assert!(
        saved.contains("\"outline\"") && saved.contains("#1E3A8A"),
        "{saved}"
    );
    let mut boxed = 0;
    for y in ay as u32..(ay as u32 + 60).min(image.height()) {
        for x in ax as u32..(ax as u32 + 300).min(image.width()) {
            let p = image.get_pixel(x, y);
            boxed += ((p[0] as i32 - 0x1E).abs() < 8 && (p[2] as i32 - 0x8A).abs() < 8) as u32;
        }
    }
    assert!(boxed > 500, "the background box shows: {boxed} pixels");

    // The server received the live stream; the local recording decodes too.
    let (received, stream) = nginx.only_recording();
    assert!(stream.starts_with("studio-e2e-key"), "{stream}");
    assert_decodes(&received);
    let recording = std::path::PathBuf::from(result["recording"].as_str().unwrap());
    assert_decodes(&recording);
    assert!(span(&packet_times(&recording, "v")) >= 1.5);

    // The file picker wrote the logo's path into the form, and the image source opened it.
    let real = |key: &str| std::fs::canonicalize(result[key].as_str().unwrap()).unwrap();
    assert_eq!(real("picked"), real("logoPath"), "{result}");

    // Multi-select: both layers moved by the same drag, about (-80, 60) without snapping, and
    // one Ctrl+Z put both back.
    let moved = &result["moved"];
    assert_eq!(moved[0], moved[1], "{result}");
    let (mx, my) = (moved[0][0].as_f64().unwrap(), moved[0][1].as_f64().unwrap());
    assert!(
        (mx + 80.0).abs() <= 2.0 && (my - 60.0).abs() <= 2.0,
        "{result}"
    );
    assert_eq!(result["undoneBack"], true, "{result}");

    // Settings: the 1080p canvas scaled the layout by 1.5 and the recording made then is a
    // 1080p MP4 (the format chosen in the output settings) that decodes.
    let (x720, x1080) = (
        result["x720"].as_f64().unwrap(),
        result["x1080"].as_f64().unwrap(),
    );
    assert!((x1080 - 1.5 * x720).abs() <= 1.0, "{result}");
    let recording1080 = std::path::PathBuf::from(result["recording1080"].as_str().unwrap());
    assert_eq!(recording1080.extension().unwrap(), "mp4");
    assert_decodes(&recording1080);
    // At 1080p the preview frames come at the size the page draws them, at most 1280 wide,
    // in the canvas's shape.
    let (w, h) = (
        result["previewAt1080"][0].as_u64().unwrap(),
        result["previewAt1080"][1].as_u64().unwrap(),
    );
    assert!(
        (320..=1280).contains(&w) && (h * 16).abs_diff(w * 9) <= 32,
        "{result}"
    );
    let video = streams(&recording1080)
        .into_iter()
        .find(|s| s.codec_type == "video")
        .unwrap();
    assert_eq!((video.width, video.height), (Some(1920), Some(1080)));
    // Settings is a dialog with nothing serious for axe-core; Quality named the demo's canvas
    // in plain words, and "High" set 1080p at 30 fps with 6000 kbps, "Standard" 720p with
    // 4500 kbps, leaving the preset chosen under Advanced as it was.
    assert_eq!(result["settingsAxe"], serde_json::json!([]), "{result}");
    assert!(
        result["qualityBefore"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Standard: 720p"),
        "{result}"
    );
    assert_eq!(
        result["quality1080"],
        serde_json::json!({ "size": [1920, 1080, 30], "kbps": 6000, "checked": "1920x1080" }),
        "{result}"
    );
    let profile = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    let saved_profile: Value = serde_json::from_str(&profile).unwrap();
    assert_eq!(saved_profile["video"]["preset"], "superfast", "{profile}");
    assert_eq!(saved_profile["video"]["bitrate_kbps"], 4500, "{profile}");
    // Opening another collection closed the dialog: the stage shows it.
    assert_eq!(result["openClosedSettings"], true, "{result}");

    // Collections: Save as wrote a valid copy that took the later edit; Open went back to the
    // original, which did not.
    let copy = dir.path().join("copy.json");
    let listed: Vec<&str> = result["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&copy.to_str().unwrap()) && listed.contains(&scene.to_str().unwrap()),
        "{result}"
    );
    assert!(
        !listed.iter().any(|p| p.ends_with("profile.json")),
        "{result}"
    );
    let out = streamwerk(&["validate", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("Only in the copy"));
    assert!(!std::fs::read_to_string(&scene)
        .unwrap()
        .contains("Only in the copy"));
    assert_eq!(result["original"], scene.to_str().unwrap());
    assert!(!result["copyScenes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "Only in the copy"));

    let status = serve.interrupt();
    assert!(status.success(), "Ctrl-C ends serve cleanly: {status}");
}

#[test]
fn studio_mode_and_hotkeys_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let serve = Serve::start(dir.path(), &scene);
    let obs = root()
        .join("tests/data/obs/linux-29.0.2-coderefinery-Teaching_Streaming_ZoomCapture2.json");
    let result = run_page("studio-mode.mjs", &[&serve.url, obs.to_str().unwrap()]);
    // Ctrl+2 in studio mode picked the preview scene; program stayed on air, in pixels too.
    assert_eq!(result["picked"]["program"], "Live", "{result}");
    assert_eq!(result["picked"]["preview"], "Be right back", "{result}");
    assert_eq!(result["previewShowsBrb"], true, "{result}");
    assert_eq!(result["programKeepsLive"], true, "{result}");
    // Ctrl+1 typed in a form field did nothing.
    assert_eq!(result["whileTyping"], "Be right back", "{result}");
    assert_eq!(result["programShowsBrb"], true, "{result}");
    // Transition used the fade chosen beside it (the program was a blend part way), and the
    // collection's default stayed a cut.
    let chosen = &result["chosenTransition"];
    assert_eq!(chosen["midFade"], true, "{result}");
    assert_eq!(chosen["defaultKind"], "cut", "{result}");
    // The hotkey list shows scene hotkeys only for scenes there are (the defaults go to 9),
    // and Enter in the add form does not reload the page.
    // The whole page in studio mode (preview and program side by side): nothing serious.
    assert_eq!(result["studioModeAxe"], serde_json::json!([]), "{result}");
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    let hotkeys = &result["hotkeyForm"];
    let count = hotkeys["sceneCount"].as_u64().unwrap();
    let listed = hotkeys["listedScenes"].as_array().unwrap();
    assert_eq!(listed.len() as u64, count.min(9), "{hotkeys}");
    assert!(
        listed
            .iter()
            .all(|n| !n.as_str().unwrap().ends_with(char::is_numeric)),
        "{hotkeys}"
    );
    assert_eq!(hotkeys["notReloaded"], true, "{hotkeys}");
    // Import from OBS closed the settings dialog, so its report shows beside the new collection.
    assert_eq!(hotkeys["importClosedSettings"], true, "{hotkeys}");
    // Ctrl+R recorded a file that decodes.
    let recording = std::path::PathBuf::from(result["recording"].as_str().unwrap());
    assert_decodes(&recording);
    assert!(video_frames(&recording) >= 30, "{}", recording.display());
    // The broadcast's key went live and was kept nowhere: not on the page, not in a file.
    assert_eq!(result["broadcastKeyShown"], false, "{result}");
    for file in ["profile.json", "keys.json"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap_or_default();
        assert!(!text.contains("IG-e2e-broadcast-key"), "{file}");
    }
    // The edited hotkey was saved with the profile.
    let profile = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    let saved: Value = serde_json::from_str(&profile).unwrap();
    assert!(
        saved["hotkeys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["keys"] == "F9" && h["action"]["type"] == "panic"),
        "{profile}"
    );
    // The brand page: a lower third from the gallery, named in place, styled by the kit and
    // saved naming it; a kit colour changed the program's pixels; the lock held the logo.
    let brand = &result["brand"];
    // The Graphics tab: the added lower third waited off air, selected; Show put it on both
    // canvases' pixels and Hide took it off both; axe found nothing serious in the tab.
    let graphics = &brand["graphics"];
    assert_eq!(
        graphics["selectedWaiting"],
        serde_json::json!({ "pressed": "false", "visible": false }),
        "{graphics}"
    );
    let both = |shown: bool| serde_json::json!({ "main": shown, "vertical": shown });
    assert_eq!(graphics["graphicAdded"], both(false), "{graphics}");
    assert_eq!(graphics["graphicShown"], both(true), "{graphics}");
    assert_eq!(graphics["graphicHidden"], both(false), "{graphics}");
    assert_eq!(graphics["graphicsAxe"], serde_json::json!([]), "{graphics}");
    assert_eq!(brand["brandName"], "Streamwerk", "{brand}");
    // A logo sent from the browser was stored beside the kit and named in it; the kit's three
    // logos and two fonts show as pictures.
    assert_eq!(
        brand["uploaded"],
        serde_json::json!({ "path": "streamwerk-mark.svg", "logoPictures": 3, "fontPictures": 2 }),
        "{brand}"
    );
    assert!(dir.path().join("brand/streamwerk-mark.svg").is_file());
    let rgb = |v: &Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_i64().unwrap())
            .collect()
    };
    let (before, after) = (rgb(&brand["barBefore"]), rgb(&brand["barAfter"]));
    assert!(before[1] < before[0], "the bar starts purple: {before:?}");
    assert!(
        after[1] > after[0] + 60 && after[1] > after[2],
        "the bar turned green: {after:?}"
    );
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("demo.json")).unwrap())
            .unwrap();
    let lower_third = saved["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "lower-third-1")
        .expect("the lower third was saved");
    assert_eq!(lower_third["settings"]["title"], "Sam Okafor");
    assert_eq!(lower_third["settings"]["background"], "brand:primary");
    let kit = std::fs::read_to_string(dir.path().join("brand/streamwerk.brand.json")).unwrap();
    assert!(kit.contains("\"primary\": \"#00A050E6\""), "{kit}");
    let disabled = brand["lockedButtons"].as_array().unwrap();
    for label in ["Lock", "Move up", "Move down", "Remove"] {
        assert!(
            disabled
                .iter()
                .any(|b| b.as_str() == Some(&format!("{label}: Logo"))),
            "{label} enabled: {brand}"
        );
    }
    assert_eq!(brand["badge"], "Brand", "{brand}");
    assert_eq!(brand["badgeLocked"], true, "{brand}");
    // Four refusals of the same nudge: one toast that counts them.
    assert_eq!(brand["lockedToasts"], 1, "{brand}");
    assert!(
        brand["refusal"]
            .as_str()
            .unwrap()
            .contains("“logo” is branded and the brand kit “Streamwerk” is locked"),
        "{brand}"
    );
    assert_eq!(
        brand["stillLocked"], true,
        "one click does not unlock: {brand}"
    );
    // Import from OBS made a new collection beside the demo and opened it, scenes in order.
    let imported = &result["imported"];
    assert!(
        imported["path"]
            .as_str()
            .unwrap()
            .starts_with(dir.path().to_str().unwrap()),
        "{imported}"
    );
    assert_eq!(imported["scenes"][0], "Title", "{imported}");
    assert_eq!(
        imported["scenes"].as_array().unwrap().len(),
        14,
        "{imported}"
    );
    // Its report is a panel with sections, not a toast; the drawer keeps what was said, and
    // axe-core finds nothing serious there.
    let report = &imported["importReport"];
    let sections: Vec<&str> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(sections.contains(&"approximated"), "{report}");
    assert!(
        sections.iter().any(|s| s.starts_with("missing files")),
        "{report}"
    );
    assert!(report["toast"].as_str().is_some(), "{report}");
    assert!(imported["drawerItems"].as_u64().unwrap() >= 3, "{imported}");
    assert_eq!(imported["noticesAxe"], serde_json::json!([]), "{imported}");
    assert_eq!(imported["backticks"], serde_json::json!([]), "{imported}");
    // A vertical canvas from one click: its own tab and guides, the Instagram destination
    // streams it by default, a nudge moves the logo there only, and a recording writes one
    // file per canvas at its own size.
    let canvases = &result["canvases"];
    assert_eq!(canvases["added"][0]["name"], "vertical", "{canvases}");
    assert_eq!(
        (
            &canvases["added"][0]["width"],
            &canvases["added"][0]["height"]
        ),
        (&Value::from(720), &Value::from(1280)),
        "{canvases}"
    );
    assert_eq!(canvases["tabs"][1][0], "vertical 720×1280", "{canvases}");
    assert_eq!(canvases["tabs"][1][1], "true", "{canvases}");
    assert_eq!(canvases["guides"][1], "guide band", "{canvases}");
    assert_eq!(
        canvases["instaLabel"], "Insta (instagram · vertical)",
        "{canvases}"
    );
    assert_eq!(canvases["nudged"]["vertical"], 10.0, "{canvases}");
    assert_eq!(canvases["nudged"]["main"], 0.0, "{canvases}");
    let status_bar = canvases["status"].as_str().unwrap();
    // Each canvas's own encode in the status bar: "main 30.0 fps 2498 kbps skipped 0".
    let encoded_fps = |name: &str| {
        status_bar
            .split(" · ")
            .find(|part| part.starts_with(&format!("{name} ")))
            .and_then(|part| part.split(' ').nth(1))
            .and_then(|fps| fps.parse::<f64>().ok())
    };
    for name in ["main", "vertical"] {
        assert!(
            encoded_fps(name).is_some_and(|fps| fps > 10.0),
            "{name}: {status_bar}"
        );
    }
    let files = canvases["recordingFiles"].as_array().unwrap();
    for (file, size) in files.iter().zip([(1280, 720), (720, 1280)]) {
        let file = std::path::PathBuf::from(file.as_str().unwrap());
        assert_decodes(&file);
        let video = streams(&file)
            .into_iter()
            .find(|s| s.codec_type == "video")
            .unwrap();
        assert_eq!(
            (video.width.unwrap(), video.height.unwrap()),
            size,
            "{}",
            file.display()
        );
    }
    let status = serve.interrupt();
    assert!(status.success(), "Ctrl-C ends serve cleanly: {status}");
}
