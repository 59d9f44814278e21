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
use streamwerk_e2e::guests::*;
use streamwerk_e2e::{
    assert_starts_at_zero, bin, crop_frames, decode_audio_mono, one_stream_at_a_time, root,
    start_and_duration, tone_levels,
};

fn guest_joins_and_leaves(codec: &str) {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("show.mkv");
    let (mut show, links) = start_show(&mut record(&scene, &out, 26), 1);
    // The invite link, as the host would copy it.
    let link = links["Ana"].clone();
    assert!(
        link.starts_with("http://127.0.0.1:") && link.contains("/guest/ana#"),
        "{link}"
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let result = run_page("guest.mjs", &[&link, y4m, wav, codec, "6"], &[]);
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
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let page = page_command(
        "lobby.mjs",
        &[&url, &link, y4m, wav, shots.to_str().unwrap()],
        &[],
    )
    .output()
    .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    let result = page_json(&page);
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
    assert_eq!(result["guestAxe"], serde_json::json!([]), "{result}");
    assert_eq!(result["onAirWords"], "You are on air.", "{result}");
    assert_eq!(
        result["removedWords"], "The host ended your visit. The same link takes you back in.",
        "{result}"
    );
    assert_eq!(result["guestErrors"], serde_json::json!([]), "{result}");
    assert_eq!(result["stripWhileWaiting"], "in the lobby", "{result}");
    assert_eq!(
        result["guestNetwork"],
        serde_json::json!({
            "servers": ["turn:127.0.0.1:3478?transport=udp"],
            "secretField": "",
            "placeholder": "kept (type a new one to replace it)"
        }),
        "{result}"
    );
    let profile = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(!profile.contains("relay-s3cret"), "{profile}");
    assert_eq!(
        result["nameTag"],
        serde_json::json!({ "template": "lower_third", "title": "Ana B.", "shown": false }),
        "{result}"
    );
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
    assert_eq!(arranged["fit"], "cover", "{result}");
    assert_eq!(
        result["dressed"],
        serde_json::json!({ "order": ["frame-ana", "ana", "name-ana"], "title": "Ana", "frame": "color" }),
        "{result}"
    );

    check_lobby_recording(Path::new(result["recording"].as_str().unwrap()));
}

/// The studio's recording of the lobby test: the card while the guest waits, on air, the
/// card while back in the lobby, on air again, the card after removal; their voice only while
/// on air; an ISO file for each time on air.
fn check_lobby_recording(out: &Path) {
    // The recording: the card while the guest waits (at least 2 s of it after the first
    // second), on air for 4 s, the card while back in the lobby, on air for 3 s, the card
    // after removal.
    assert_starts_at_zero(out);
    let says = guest_box(out);
    let runs = red_runs(&says);
    // An ISO file beside the recording for each time on air, never for the lobby: the guest's
    // picture from when they were first on air.
    for (iso, (first, _)) in ["-ana.mkv", "-ana-2.mkv"].iter().zip(&runs) {
        let iso = out.with_file_name(format!(
            "{}{iso}",
            out.file_stem().unwrap().to_string_lossy()
        ));
        let (start, _) = start_and_duration(&iso);
        assert!(
            (start - *first as f64 / 30.0).abs() < 0.5,
            "{}: {start} s",
            iso.display()
        );
        let pictures = crop_frames(&iso, (300, 160, 40, 40));
        assert!(
            pictures.iter().filter(|f| near(f, RED, 24)).count() >= 60,
            "{}",
            iso.display()
        );
    }
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
/// each in their own box, and both voices; and each guest's ISO file has theirs alone.
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
    let (mut show, links) = start_show(&mut record(&scene, &out, 22), 2);
    let guest = |name: &str, (y4m, wav): &(std::path::PathBuf, std::path::PathBuf)| {
        let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
        let args = [
            links[name].as_str(),
            name,
            y4m,
            wav,
            "14",
            "440",
            "1000",
            "1500",
        ];
        page_command("hear.mjs", &args, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (a, b) = (guest("Ana", &ana), guest("Ben", &ben));
    let heard = |page: std::process::Child| {
        let result = page_json(&page.wait_with_output().unwrap());
        assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
        check_show_seen(&result["show"]);
        let level = |hz: &str| result["levels"][hz].as_f64().unwrap();
        (level("440"), level("1000"), level("1500"))
    };
    let (ana_heard, ben_heard) = (heard(a), heard(b));
    assert!(show.wait().unwrap().success());
    // Heard: above -70 dB at the frequency. Not heard: at least 30 dB below the quieter of
    // what is heard (Opus leaves a floor, never the tone itself).
    // Levels are (440, 1000, 1500): Ana's own is 1000 Hz, Ben's 1500 Hz.
    for (who, (studio, ana, ben), own_is_ana) in
        [("Ana", ana_heard, true), ("Ben", ben_heard, false)]
    {
        let (other, own) = if own_is_ana { (ben, ana) } else { (ana, ben) };
        assert!(
            studio > -70.0 && other > -70.0,
            "{who} hears {studio} {ana} {ben}"
        );
        assert!(
            own < studio.min(other) - 30.0,
            "{who} hears themselves: {studio} {ana} {ben}"
        );
    }

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

    check_iso_files(dir.path(), &frames, &bens);
}

/// What a guest's page shows of the show: the program, 640 x 360 in VP8, live, with the
/// background above and below and Ana (left) and Ben (right) between, as a 4 x 4 grid of
/// average colours read off the page's video.
fn check_show_seen(show: &serde_json::Value) {
    assert_eq!(
        (show["width"].as_u64(), show["height"].as_u64()),
        (Some(640), Some(360)),
        "{show}"
    );
    assert_eq!(show["codec"], "video/VP8", "{show}");
    assert!(
        show["frames"].as_u64().unwrap() >= 45,
        "15 a second: {show}"
    );
    let cell = |row: usize, col: usize| -> Vec<u8> {
        let rgb = &show["colours"][row * 4 + col];
        (0..3).map(|c| rgb[c].as_u64().unwrap() as u8).collect()
    };
    for (row, col, want) in [
        (0, 0, [0x10, 0x20, 0x30]),
        (3, 3, [0x10, 0x20, 0x30]),
        (1, 0, RED),
        (2, 1, RED),
        (1, 2, [0x20, 0x40, 0xE0]),
        (2, 3, [0x20, 0x40, 0xE0]),
    ] {
        assert!(
            near(&cell(row, col), want, 10),
            "cell {row},{col} is {:?}: {show}",
            cell(row, col)
        );
    }
}

/// Each guest's ISO file beside the mix-minus recording: their own picture and voice only, as
/// received, on the recording's clock. `ana` and `ben` are their boxes in the program, frame
/// by frame.
fn check_iso_files(dir: &Path, ana: &[Vec<u8>], ben: &[Vec<u8>]) {
    for (slot, colour, own, other, program) in [
        ("ana", RED, 1000.0, 1500.0, ana),
        ("ben", [0x20, 0x40, 0xE0], 1500.0, 1000.0, ben),
    ] {
        let iso = dir.join(format!("panel-{slot}.mkv"));
        let (start, duration) = start_and_duration(&iso);
        let first_seen = program.iter().position(|f| near(f, colour, 24)).unwrap() as f64 / 30.0;
        assert!(
            (start - first_seen).abs() < 0.5,
            "{slot}: starts at {start} s, seen at {first_seen} s"
        );
        assert!(duration > 8.0, "{slot}: {duration} s");
        let pictures = crop_frames(&iso, (300, 160, 40, 40));
        let theirs = pictures.iter().filter(|f| near(f, colour, 24)).count();
        assert!(
            theirs * 100 >= pictures.len() * 95,
            "{slot}: {theirs} of {}",
            pictures.len()
        );
        let sound = decode_audio_mono(&iso);
        let heard = |hz| {
            let levels = tone_levels(&sound[48_000..sound.len() - 48_000], hz, 4800);
            levels.iter().filter(|&&l| l > 0.006).count() * 100 / levels.len()
        };
        assert!(
            heard(own) >= 90,
            "{slot} in their own file: {}%",
            heard(own)
        );
        assert_eq!(heard(other), 0, "{slot}'s file has the other guest");
    }
}

/// A WHIP publisher, as OBS Studio 30+ is with its "WHIP" service: the spot's server URL and
/// Bearer token (what the Guests tab copies for it), a send-only H.264 and Opus offer with
/// every candidate in it, no name, no polling, nothing taken back. It comes on air in the
/// spot like a guest, its picture and sound in the recording, and DELETE ends it.
#[test]
fn a_whip_publisher_such_as_obs_sends_into_a_guest_spot() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("obs.mkv");
    let (mut show, links) = start_show(&mut record(&scene, &out, 16), 1);
    let (page, token) = links["Ana"].split_once('#').unwrap();
    let server = page.replace("/guest/", "/whip/");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let result = run_page("whip-publisher.mjs", &[&server, token, y4m, wav, "8"], &[]);
    assert!(show.wait().unwrap().success());
    assert_eq!(result["status"], 201, "{result}");
    assert_eq!(result["connected"], true, "{result}");
    assert_eq!(
        result["directions"],
        serde_json::json!(["recvonly", "recvonly"]),
        "the studio only receives: {result}"
    );
    assert!(result["framesSent"].as_u64().unwrap() >= 8 * 20, "{result}");
    assert_eq!(result["inbound"], 0, "nothing sent back: {result}");
    assert_eq!(result["deleted"], 200, "{result}");

    // On air for its 8 s, then the card again once it left.
    let says = guest_box(&out);
    let runs = red_runs(&says);
    assert_eq!(runs.len(), 1, "{says}");
    let (a0, a1) = runs[0];
    assert!(a1 - a0 >= 7 * 30, "{says}");
    assert!(says[a1 + 1..].contains("cccc"), "the card after: {says}");
    let levels = tone_levels(&decode_audio_mono(&out), 1000.0, 4800);
    let inside = &levels[(a0 * 20 / 30) + 10..(a1 * 20 / 30) - 10];
    let heard = inside.iter().filter(|&&l| l > 0.006).count();
    assert!(heard * 100 >= inside.len() * 90, "{inside:?}");
}

/// The guest page in Firefox (Debian's Firefox ESR over WebDriver BiDi, with Firefox's own
/// fake camera and 1 kHz tone): it joins from the link and comes on air, its picture is where
/// the layout puts it and its voice in the recording, and it sees and hears the show back
/// (the studio's 440 Hz tone) before it leaves.
#[test]
fn a_guest_in_firefox_is_seen_and_heard_and_gets_the_show_back() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("fox.json");
    std::fs::write(
        &scene,
        r##"{ "schema_version": 1, "name": "Fox",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#102030FF", "width": 640, "height": 360 } },
    { "id": "studio-tone", "kind": "tone", "settings": { "frequency_hz": 440, "level_dbfs": -20 } },
    { "id": "ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } }
  ],
  "scenes": [ { "name": "Talk", "layers": [ { "source": "bg" }, { "source": "studio-tone" },
    { "source": "ana", "transform": { "x": 160, "y": 90, "width": 320, "height": 180 } } ] } ] }"##,
    )
    .unwrap();
    let out = dir.path().join("fox.mkv");
    let (mut show, links) = start_show(&mut record(&scene, &out, 22), 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    // Firefox runs Web Audio only with a sound server to play to: the tests' PulseAudio.
    let pulse = streamwerk_e2e::peers::PulseAudio::start();
    let env = pulse.env();
    let xdg = env[0].1.to_str().unwrap();
    let result = run_page(
        "firefox-guest.mjs",
        &[&links["Ana"], "10"],
        &[(env[0].0, xdg)],
    );
    assert!(show.wait().unwrap().success());
    let version = result["version"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(version.contains("firefox"), "{result}");
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    assert_eq!(result["left"], "You left the studio.", "{result}");
    let seen = &result["show"];
    assert_eq!(
        (seen["width"].as_u64(), seen["height"].as_u64()),
        (Some(640), Some(360)),
        "{result}"
    );
    assert!(seen["frames"].as_u64().unwrap() >= 30, "{result}");
    let corner: Vec<u8> = (0..3)
        .map(|c| seen["colours"][0][c].as_u64().unwrap() as u8)
        .collect();
    assert!(
        near(&corner, [0x10, 0x20, 0x30], 10),
        "the show's background: {result}"
    );
    assert!(
        result["heard"].as_f64().unwrap() > 0.01,
        "the show's sound: {result}"
    );

    // In the recording: the card, Firefox's moving picture for most of its ten seconds on
    // air (its media starts a moment after the studio lets it on), the card.
    let says = guest_box(&out);
    let first = says.find(|c| c != 'c').expect("the guest's picture");
    let last = says.rfind(|c| c != 'c').unwrap();
    assert!(
        says[..first].len() >= 30 && says[last + 1..].len() >= 30,
        "{says}"
    );
    let picture = &says[first..=last];
    let card = picture.matches('c').count();
    assert!(
        picture.len() >= 7 * 30 && card * 100 <= picture.len() * 5,
        "{says}"
    );
    let levels = tone_levels(&decode_audio_mono(&out), 1000.0, 4800);
    let inside = &levels[(first * 20 / 30) + 20..(last * 20 / 30) - 10];
    let heard = inside.iter().filter(|&&l| l > 0.006).count();
    assert!(
        heard * 100 >= inside.len() * 90,
        "Firefox's tone: {inside:?}"
    );
}
