//! A remote guest end to end: `streamwerk record --guests` prints an invite link, Debian's
//! Chromium opens it with a fake camera showing a known colour, and the recording shows the
//! guest's card, then the guest's picture where the layout puts it, then the card again once
//! the guest leaves, and the guest again when they rejoin with the same link; the guest's tone
//! is heard only while they are in. VP8 and H.264 both. Then the lobby from the studio, and
//! the mix-minus with two guests. One test at a time: each runs one or two browsers sending
//! live video, and on two cores four at once starve each other's sound.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use streamwerk_e2e::{
    assert_starts_at_zero, bin, crop_frames, decode_audio_mono, one_stream_at_a_time, root,
    start_and_duration, stats_lines, stderr, tone_levels,
};

/// The fixture camera's colour, and the guest card's grey.
const RED: [u8; 3] = [0xE0, 0x30, 0x20];
const CARD: [u8; 3] = [0x24, 0x24, 0x24];

fn near(got: &[u8], want: [u8; 3], by: u8) -> bool {
    got.iter().zip(want).all(|(a, b)| a.abs_diff(b) <= by)
}

/// A 640x360 show: a dark background and the guest in a 320x180 box in the middle.
fn collection(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("guest-show.json");
    std::fs::write(
        &file,
        r##"{ "schema_version": 1, "name": "Guest show",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#102030FF", "width": 640, "height": 360 } },
    { "id": "ana", "name": "Ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } }
  ],
  "scenes": [ { "name": "Interview", "layers": [
    { "source": "bg" },
    { "source": "ana", "transform": { "x": 160, "y": 90, "width": 320, "height": 180 } } ] } ] }"##,
    )
    .unwrap();
    file
}

/// The fixture camera (a Y4M of the guest's red) and microphone (a 1 kHz tone).
fn fixtures(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    fixture(dir, "red", "0xE03020", 1000)
}

/// A fixture camera of one colour and a microphone of one tone, as files Chromium plays.
fn fixture(
    dir: &Path,
    name: &str,
    colour: &str,
    hz: u32,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (y4m, wav) = (
        dir.join(format!("{name}.y4m")),
        dir.join(format!("{name}.wav")),
    );
    for (input, out) in [
        (format!("color=c={colour}:s=640x360:r=30:d=3"), &y4m),
        (
            format!("sine=frequency={hz}:sample_rate=48000:duration=3"),
            &wav,
        ),
    ] {
        let made = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", &input])
            .args(if out == &y4m {
                &["-pix_fmt", "yuv420p"][..]
            } else {
                &[][..]
            })
            .arg(out)
            .output()
            .unwrap();
        assert!(made.status.success(), "{}", stderr(&made));
    }
    (y4m, wav)
}

fn guest_joins_and_leaves(codec: &str) {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("show.mkv");
    let mut show = Command::new(bin())
        .args([
            "record",
            "--duration",
            "26",
            "--guests",
            "127.0.0.1:0",
            "--guest-auto-admit",
            "--scene",
        ])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The invite link, as the host would copy it.
    let mut lines = BufReader::new(show.stderr.take().unwrap()).lines();
    let link = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split_once("Ana: ")
                .map(|(_, link)| link.trim().to_string())
        })
        .expect("an invite link for Ana");
    std::thread::spawn(move || lines.for_each(drop));
    assert!(
        link.starts_with("http://127.0.0.1:") && link.contains("/guest/ana#"),
        "{link}"
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    let page = Command::new("node")
        .arg(root().join("ui/e2e/guest.mjs"))
        .args([
            &link,
            y4m.to_str().unwrap(),
            wav.to_str().unwrap(),
            codec,
            "6",
        ])
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(&page)
    );
    let result: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    assert!(show.wait().unwrap().success());
    // As a player reads the file: it starts at zero and lasts the show's 26 s.
    assert_starts_at_zero(&out);
    let (_, duration) = start_and_duration(&out);
    assert!((25.5..26.6).contains(&duration), "{duration} s");
    assert_eq!(result["status"], "You are on air.", "{result}");
    assert_eq!(result["recordingShown"], true, "{result}");
    assert_eq!(result["left"], "You left the studio.", "{result}");
    assert_eq!(result["rejoined"], "You are on air.", "{result}");
    let sent = result["codecSent"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert_eq!(sent, format!("video/{codec}"), "{result}");
    assert_eq!(
        result["refusals"],
        serde_json::json!({
            "wrongToken": 401,
            "notSdp": 400,
            "oversized": 413
        }),
        "{result}"
    );
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");

    let says = guest_box(&out);
    // The card while waiting, the camera's colour while in the studio, the card while away,
    // the colour again after rejoining, the card after leaving.
    let runs = red_runs(&says);
    assert_eq!(runs.len(), 2, "in, away, in again: {says}");
    let ((a0, a1), (b0, b1)) = (runs[0], runs[1]);
    assert!(says[..a0].starts_with("cc"), "{says}");
    assert!(a1 - a0 >= 4 * 30 && b1 - b0 >= 2 * 30, "{says}");
    assert!(
        says[a1 + 1..b0].contains(&"c".repeat(20)),
        "the card while away: {says}"
    );
    assert!(
        says[b1 + 1..].contains("cccc"),
        "the card after leaving: {says}"
    );
    for (start, end) in [(a0, a1), (b0, b1)] {
        let red = says[start..=end].matches('R').count();
        assert!(red * 100 >= (end - start) * 95, "{says}");
    }

    // The guest's voice (the fixture's 1 kHz tone) on the recording's sound while they are
    // in the studio, and nothing of it before they join, while away, or after they leave.
    // Levels per 0.1 s window (half overlapping, so 20 a second), against the frames' times.
    // The browser's own gain control and noise suppression (on, as for any guest) bring a
    // steady tone down to about 0.013 of full scale within seconds.
    let levels = tone_levels(&decode_audio_mono(&out), 1000.0, 4800);
    let window = |frame: usize| (frame * 20 / 30).min(levels.len());
    for (start, end) in [(a0, a1), (b0, b1)] {
        let inside = &levels[window(start) + 10..window(end).saturating_sub(10)];
        let heard = inside.iter().filter(|&&l| l > 0.006).count();
        assert!(
            heard * 100 >= inside.len() * 90,
            "heard in {heard} of {} windows: {inside:?}",
            inside.len()
        );
    }
    let before = &levels[..window(a0).saturating_sub(20)];
    let away = &levels[window(a1) + 20..window(b0).saturating_sub(20)];
    let after = &levels[window(b1) + 20..];
    for (when, quiet) in [("before", before), ("away", away), ("after", after)] {
        assert!(
            !quiet.is_empty() && quiet.iter().all(|&l| l < 0.001),
            "{when}: {quiet:?}"
        );
    }
}

/// The guest's box in a recording, frame by frame: 'R' for the camera's colour, 'c' for the
/// card, '?' for anything else. Its top left: the card's name is in its middle.
fn guest_box(out: &Path) -> String {
    crop_frames(out, (180, 100, 40, 20))
        .iter()
        .map(|f| {
            if near(f, RED, 24) {
                'R'
            } else if near(f, CARD, 12) {
                'c'
            } else {
                '?'
            }
        })
        .collect()
}

/// The stretches (first and last frame) of the guest's picture in `says`, a stray frame or
/// two of anything else inside one not breaking it.
fn red_runs(says: &str) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, _) in says.match_indices('R') {
        match runs.last_mut() {
            Some((_, end)) if i - *end <= 3 => *end = i,
            _ => runs.push((i, i)),
        }
    }
    runs
}

#[test]
fn a_guest_on_vp8_is_seen_and_heard_only_while_in_the_studio() {
    guest_joins_and_leaves("vp8");
}

#[test]
fn a_guest_on_h264_is_seen_and_heard_only_while_in_the_studio() {
    guest_joins_and_leaves("h264");
}

/// The lobby from the studio: `streamwerk serve --guests` with the guest waiting until the
/// host brings them on air from the Guests tab, sent back, brought on again and removed, all
/// while the studio records. The recording shows the card all the while the guest waits.
#[test]
fn the_host_brings_a_waiting_guest_on_air_sends_them_back_and_removes_them() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let mut serve = Command::new(bin())
        .args(["serve", "--port", "0", "--guests", "127.0.0.1:0", "--scene"])
        .arg(&scene)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("STREAMWERK_KEYS_FILE", dir.path().join("keys.json"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut errors = BufReader::new(serve.stderr.take().unwrap()).lines();
    let link = errors
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("Ana: ").map(|(_, l)| l.trim().to_string()))
        .expect("an invite link for Ana");
    std::thread::spawn(move || errors.for_each(drop));
    let mut url = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url
        .trim()
        .strip_prefix("Streamwerk studio: ")
        .unwrap()
        .to_string();
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let page = Command::new("node")
        .arg(root().join("ui/e2e/lobby.mjs"))
        .args([&url, &link, y4m.to_str().unwrap(), wav.to_str().unwrap()])
        .arg(&shots)
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(&page)
    );
    let result: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    assert_eq!(
        result["link"],
        link.as_str(),
        "the Guests tab copies the link"
    );
    assert!(
        result["nobody"].as_str().unwrap().contains("Nobody yet"),
        "{result}"
    );
    assert_eq!(
        result["lobbyWords"], "You are in the waiting room. The host will bring you on air.",
        "{result}"
    );
    let waiting = result["waiting"].as_str().unwrap();
    assert!(
        waiting.contains("Waiting") && waiting.contains("“Ana B.”"),
        "{result}"
    );
    // The host sees the guest's camera while they wait.
    let lobby: Vec<u8> = serde_json::from_value(result["lobbyPicture"].clone()).unwrap();
    assert!(near(&lobby, RED, 24), "the lobby preview: {lobby:?}");
    assert_eq!(result["lobbyAxe"], serde_json::json!([]), "{result}");
    assert_eq!(result["onAirWords"], "You are on air.", "{result}");
    assert_eq!(
        result["removedWords"], "The host ended your visit. The same link takes you back in.",
        "{result}"
    );
    assert_eq!(result["guestErrors"], serde_json::json!([]), "{result}");
    let arranged = &result["arranged"];
    assert_eq!(
        [
            &arranged["x"],
            &arranged["y"],
            &arranged["width"],
            &arranged["height"]
        ],
        [0.0, 0.0, 640.0, 360.0],
        "Side by side with one guest fills the canvas: {result}"
    );

    // The recording: the card while the guest waits (at least 2 s of it after the first
    // second), on air for 4 s, the card while back in the lobby, on air for 3 s, the card
    // after removal.
    let out = Path::new(result["recording"].as_str().unwrap());
    assert_starts_at_zero(out);
    let says = guest_box(out);
    let runs = red_runs(&says);
    assert_eq!(runs.len(), 2, "on air twice: {says}");
    let ((a0, a1), (b0, b1)) = (runs[0], runs[1]);
    assert!(says[..a0].contains(&"c".repeat(90)), "waiting: {says}");
    assert!(a1 - a0 >= 3 * 30 && b1 - b0 >= 2 * 30, "{says}");
    assert!(
        says[a1 + 1..b0].contains(&"c".repeat(60)),
        "back in the lobby: {says}"
    );
    assert!(says[b1 + 1..].contains(&"c".repeat(30)), "removed: {says}");
    // Their voice only while on air: nothing of it while they wait in the lobby (the 2 s
    // before they go on air) or after being sent back, though their microphone sends all along.
    let levels = tone_levels(&decode_audio_mono(out), 1000.0, 4800);
    let window = |frame: usize| (frame * 20 / 30).min(levels.len());
    let lobby = &levels[window(a0).saturating_sub(50)..window(a0).saturating_sub(10)];
    let back = &levels[window(a1) + 20..window(b0).saturating_sub(20)];
    for (when, quiet) in [("waiting", lobby), ("sent back", back)] {
        assert!(
            !quiet.is_empty() && quiet.iter().all(|&l| l < 0.001),
            "{when}: {quiet:?}"
        );
    }
    let on_air = &levels[window(a0) + 10..window(a1).saturating_sub(10)];
    let heard = on_air.iter().filter(|&&l| l > 0.006).count();
    assert!(heard * 100 >= on_air.len() * 90, "on air: {on_air:?}");
}

/// The mix-minus: two guests (Ana's 1 kHz, Ben's 1.5 kHz) and the studio's 440 Hz tone. Each
/// guest's page plays back what the studio sends them, measured there with WebAudio: the
/// studio's tone and the other guest, never their own voice. The recording has both guests,
/// each in their own box, and both voices.
#[test]
fn each_guest_hears_the_show_and_the_other_guest_but_not_themselves() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("panel.json");
    std::fs::write(
        &scene,
        r##"{ "schema_version": 1, "name": "Panel",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#102030FF", "width": 640, "height": 360 } },
    { "id": "studio-tone", "kind": "tone", "settings": { "frequency_hz": 440, "level_dbfs": -20 } },
    { "id": "ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } },
    { "id": "ben", "kind": "guest", "settings": { "slot": "ben", "name": "Ben" } }
  ],
  "scenes": [ { "name": "Panel", "layers": [
    { "source": "bg" }, { "source": "studio-tone" },
    { "source": "ana", "transform": { "x": 0, "y": 90, "width": 320, "height": 180 } },
    { "source": "ben", "transform": { "x": 320, "y": 90, "width": 320, "height": 180 } } ] } ] }"##,
    )
    .unwrap();
    let ana = fixture(dir.path(), "ana", "0xE03020", 1000);
    let ben = fixture(dir.path(), "ben", "0x2040E0", 1500);
    let out = dir.path().join("panel.mkv");
    let mut show = Command::new(bin())
        .args([
            "record",
            "--duration",
            "22",
            "--guests",
            "127.0.0.1:0",
            "--guest-auto-admit",
            "--scene",
        ])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(show.stderr.take().unwrap()).lines();
    let mut links = std::collections::HashMap::new();
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some((who, link)) = line
            .strip_prefix("Invite link for ")
            .and_then(|l| l.split_once(": "))
        {
            links.insert(who.to_string(), link.trim().to_string());
        }
        if links.len() == 2 {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let guest = |name: &str, (y4m, wav): &(std::path::PathBuf, std::path::PathBuf)| {
        Command::new("node")
            .arg(root().join("ui/e2e/hear.mjs"))
            .args([
                &links[name],
                name,
                y4m.to_str().unwrap(),
                wav.to_str().unwrap(),
                "14",
            ])
            .args(["440", "1000", "1500"])
            .current_dir(root().join("ui"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (a, b) = (guest("Ana", &ana), guest("Ben", &ben));
    let heard = |page: std::process::Child| {
        let page = page.wait_with_output().unwrap();
        assert!(
            page.status.success(),
            "{}{}",
            String::from_utf8_lossy(&page.stdout),
            stderr(&page)
        );
        let result: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
        assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
        let level = |hz: &str| result["levels"][hz].as_f64().unwrap();
        (level("440"), level("1000"), level("1500"))
    };
    let (ana_heard, ben_heard) = (heard(a), heard(b));
    assert!(show.wait().unwrap().success());
    // Heard: above -70 dB at the frequency. Not heard: at least 30 dB below the quieter of
    // what is heard (Opus leaves a floor, never the tone itself).
    let (studio, ben_voice, own) = (ana_heard.0, ana_heard.2, ana_heard.1);
    assert!(
        studio > -70.0 && ben_voice > -70.0,
        "Ana hears {ana_heard:?}"
    );
    assert!(
        own < studio.min(ben_voice) - 30.0,
        "Ana hears herself: {ana_heard:?}"
    );
    let (studio, ana_voice, own) = (ben_heard.0, ben_heard.1, ben_heard.2);
    assert!(
        studio > -70.0 && ana_voice > -70.0,
        "Ben hears {ben_heard:?}"
    );
    assert!(
        own < studio.min(ana_voice) - 30.0,
        "Ben hears himself: {ben_heard:?}"
    );

    // The recording: both guests in their boxes at once, and both voices.
    let frames = crop_frames(&out, (140, 170, 40, 20));
    let bens = crop_frames(&out, (460, 170, 40, 20));
    let both = frames
        .iter()
        .zip(&bens)
        .filter(|(a, b)| near(a, RED, 24) && near(b, [0x20, 0x40, 0xE0], 24))
        .count();
    assert!(both >= 8 * 30, "both on screen in {both} frames");
    let sound = decode_audio_mono(&out);
    let middle = &sound[48_000 * 8..48_000 * 12];
    for hz in [1000.0, 1500.0] {
        let levels = tone_levels(middle, hz, 4800);
        let heard = levels.iter().filter(|&&l| l > 0.006).count();
        assert!(heard * 100 >= levels.len() * 90, "{hz} Hz: {levels:?}");
    }
}

/// Seven guests' links against a show that admits guests as they come: six are on air, the
/// seventh hears the studio is full. A link opened again takes its old session's place (a
/// guest whose browser died, another tab), and the old session learns it was replaced.
#[test]
fn six_guests_fit_the_seventh_is_told_the_studio_is_full_and_a_reopened_link_takes_over() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("seven.json");
    let sources: Vec<String> = (1..=7)
        .map(|i| format!(r#"{{ "id": "g{i}", "kind": "guest", "settings": {{ "slot": "g{i}", "name": "G{i}" }} }}"#))
        .collect();
    let layers: Vec<String> = (1..=7)
        .map(|i| format!(r#"{{ "source": "g{i}" }}"#))
        .collect();
    std::fs::write(
        &scene,
        format!(
            r#"{{ "schema_version": 1, "name": "Seven", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
  "sources": [ {} ], "scenes": [ {{ "name": "All", "layers": [ {} ] }} ] }}"#,
            sources.join(", "),
            layers.join(", ")
        ),
    )
    .unwrap();
    let mut show = Command::new(bin())
        .args([
            "record",
            "--duration",
            "15",
            "--guests",
            "127.0.0.1:0",
            "--guest-auto-admit",
            "--scene",
        ])
        .arg(&scene)
        .arg("--out")
        .arg(dir.path().join("seven.mkv"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(show.stderr.take().unwrap()).lines();
    let links: Vec<String> = lines
        .by_ref()
        .map_while(Result::ok)
        .filter_map(|l| {
            l.split_once(": http")
                .map(|(_, l)| format!("http{}", l.trim()))
        })
        .take(7)
        .collect();
    std::thread::spawn(move || lines.for_each(drop));
    let page = Command::new("node")
        .arg(root().join("ui/e2e/seats.mjs"))
        .args(&links)
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    let _ = show.kill();
    let _ = show.wait();
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(&page)
    );
    let result: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    assert_eq!(
        result["statuses"],
        serde_json::json!([201, 201, 201, 201, 201, 201, 409]),
        "{result}"
    );
    assert_eq!(
        result["full"], "the studio is full (6 guests on air); try again later",
        "{result}"
    );
    assert_eq!(result["firstBefore"], "on_air", "{result}");
    assert_eq!(result["again"], 201, "{result}");
    assert_eq!(result["firstAfter"], "replaced", "{result}");
    assert_eq!(result["newOne"], "on_air", "{result}");
}

/// A guest whose browser is killed mid-show: the show goes on without a stall, their
/// card comes back within seconds, and when they open their link again they are back on air
/// in the same place.
#[test]
fn a_guest_whose_browser_dies_leaves_their_card_and_comes_back_in_place() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("crash.mkv");
    let mut show = Command::new(bin())
        .args([
            "record",
            "--duration",
            "30",
            "--stats-json",
            "--guests",
            "127.0.0.1:0",
            "--guest-auto-admit",
            "--scene",
        ])
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(show.stderr.take().unwrap()).lines();
    let link = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("Ana: ").map(|(_, l)| l.trim().to_string()))
        .expect("an invite link for Ana");
    std::thread::spawn(move || lines.for_each(drop));
    let stats = stats_lines(&mut show);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let page = Command::new("node")
        .arg(root().join("ui/e2e/crash.mjs"))
        .args([&link, y4m.to_str().unwrap(), wav.to_str().unwrap()])
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(&page)
    );
    assert!(show.wait().unwrap().success());
    // The show went on: every frame encoded, none skipped. A tick or two may lag while a
    // browser starts on the same two cores; a stall waiting on the dead guest would lag many.
    let stats = stats.join().unwrap();
    let last = stats.last().expect("statistics");
    assert_eq!(last["frames_skipped"], 0, "{last}");
    assert!(last["frames_lagged"].as_u64().unwrap() <= 3, "{last}");
    assert!(
        last["frames_encoded"].as_u64().unwrap() >= 29 * 30,
        "{last}"
    );
    // In the recording: the guest, then (after the kill, once the studio notices) the card,
    // then the guest again.
    let says = guest_box(&out);
    let runs = red_runs(&says);
    assert_eq!(runs.len(), 2, "on air, gone, back: {says}");
    let (first, second) = (runs[0], runs[1]);
    let card = &says[first.1 + 1..second.0];
    assert!(
        card.contains(&"c".repeat(30)),
        "the card while away: {says}"
    );
    // On air 5 s, then noticed once nothing arrived for 2 s (the studio's watch on silent
    // guests; ICE alone takes far longer), with 3 s to spare for a slow machine.
    let gone_after = first.1 - first.0;
    assert!(gone_after <= (5 + 2 + 3) * 30, "{says}");
    assert!(second.1 - second.0 >= 3 * 30, "{says}");
}

/// A guest who can reach the studio only through TURN: Debian's coturn on loopback with a
/// shared secret the studio keeps in its key store, the guest page told to use relay
/// candidates alone. The page's media goes through the relay (its candidate is a relay one,
/// on a port of coturn's relay range), and the recording has their picture and voice.
#[test]
fn a_guest_joins_through_a_turn_relay_alone() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let secret = "turn-s3cret-for-the-test";
    let turn = streamwerk_e2e::peers::Coturn::start(secret);
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let profile = dir.path().join("profile.json");
    std::fs::write(
        &profile,
        format!(
            r#"{{ "schema_version": 1, "guest_network": {{
  "ice_servers": ["turn:127.0.0.1:{}?transport=udp"], "turn_secret_key": "show-turn" }} }}"#,
            turn.port
        ),
    )
    .unwrap();
    let with_keys = |command: &mut Command| {
        command
            .env("STREAMWERK_KEYS_FILE", dir.path().join("keys.json"))
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    };
    let mut set = Command::new(bin());
    with_keys(set.args(["keys", "set", "show-turn"]).stdin(Stdio::piped()));
    let mut set = set.spawn().unwrap();
    use std::io::Write;
    set.stdin
        .take()
        .unwrap()
        .write_all(format!("{secret}\n").as_bytes())
        .unwrap();
    assert!(set.wait().unwrap().success());

    let out = dir.path().join("relayed.mkv");
    let mut show = Command::new(bin());
    with_keys(
        show.args([
            "record",
            "--duration",
            "20",
            "--guests",
            "127.0.0.1:0",
            "--guest-auto-admit",
        ])
        .arg("--profile")
        .arg(&profile)
        .arg("--scene")
        .arg(&scene)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::piped()),
    );
    let mut show = show.spawn().unwrap();
    let mut lines = BufReader::new(show.stderr.take().unwrap()).lines();
    let link = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("Ana: ").map(|(_, l)| l.trim().to_string()))
        .expect("an invite link for Ana");
    std::thread::spawn(move || lines.for_each(drop));
    std::thread::sleep(std::time::Duration::from_secs(2));
    let page = Command::new("node")
        .arg(root().join("ui/e2e/hear.mjs"))
        .args([
            &link,
            "Ana",
            y4m.to_str().unwrap(),
            wav.to_str().unwrap(),
            "12",
            "1000",
        ])
        .env("GUEST_QUERY", "&relay=1")
        .current_dir(root().join("ui"))
        .output()
        .unwrap();
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(&page)
    );
    assert!(show.wait().unwrap().success());
    let result: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    assert_eq!(result["path"]["type"], "relay", "{result}");
    let port = result["path"]["port"].as_u64().unwrap() as u16;
    assert!(
        turn.relay_ports.contains(&port),
        "{port} is not coturn's: {result}"
    );
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    // Through the relay, the guest is on air: their red for at least 5 s, and their voice.
    let says = guest_box(&out);
    let red = says.matches('R').count();
    assert!(red >= 5 * 30, "{says}");
    let levels = tone_levels(&decode_audio_mono(&out), 1000.0, 4800);
    let heard = levels.iter().filter(|&&l| l > 0.006).count();
    assert!(heard >= 5 * 20, "heard in {heard} windows");
}
