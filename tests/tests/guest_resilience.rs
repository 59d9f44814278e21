//! Remote guests when things go wrong or far: more guests than seats, a link opened twice, a
//! browser killed mid-show, a guest who reaches the studio only through a TURN relay or over
//! HTTPS, and a guest behind the stream delay when the host panics. One test at a time, as in guests.rs.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use streamwerk_e2e::guests::*;
use streamwerk_e2e::peers::{self_signed_certificate, Coturn, Nginx};
use streamwerk_e2e::{
    bin, crop_frames_as_sent, decode_audio_mono, one_stream_at_a_time, stats_lines, tone_levels,
};

/// Seven guests' links against a show that admits guests as they come: six are on air, the
/// seventh hears the studio is full. A link opened again takes its old session's place (a
/// guest whose browser died, another tab), and the old session learns it was replaced.
#[test]
fn six_guests_fit_the_seventh_is_told_the_studio_is_full_and_a_reopened_link_takes_over() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = dir.path().join("seven.json");
    let guest = |i| {
        format!(
            r#"{{ "id": "g{i}", "kind": "guest", "settings": {{ "slot": "g{i}", "name": "G{i}" }} }}"#
        )
    };
    let sources: Vec<String> = (1..=7).map(guest).collect();
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
    let (mut show, links) = start_show(&mut record(&scene, &dir.path().join("seven.mkv"), 15), 7);
    let links: Vec<&str> = (1..=7).map(|i| links[&format!("G{i}")].as_str()).collect();
    let result = run_page("seats.mjs", &links, &[]);
    let _ = show.kill();
    let _ = show.wait();
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

/// A guest whose browser is killed mid-show: the show goes on without a stall, their card
/// comes back within seconds, and when they open their link again they are back on air in the
/// same place.
#[test]
fn a_guest_whose_browser_dies_leaves_their_card_and_comes_back_in_place() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("crash.mkv");
    let mut command = record(&scene, &out, 30);
    command.arg("--stats-json").stdout(Stdio::piped());
    let (mut show, links) = start_show(&mut command, 1);
    let stats = stats_lines(&mut show);
    std::thread::sleep(Duration::from_secs(2));
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    run_page("crash.mjs", &[&links["Ana"], y4m, wav], &[]);
    assert!(show.wait().unwrap().success());
    // The show went on. A tick or two may lag, or find the encoder a frame behind, while a
    // browser starts on the same two cores; a stall waiting on the dead guest would cost
    // seconds of them.
    let stats = stats.join().unwrap();
    let last = stats.last().expect("statistics");
    assert!(last["frames_skipped"].as_u64().unwrap() <= 3, "{last}");
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
    assert!(first.1 - first.0 <= (5 + 2 + 3) * 30, "{says}");
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
    let turn = Coturn::start(secret);
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
    let keys = [
        ("STREAMWERK_KEYS_FILE", dir.path().join("keys.json")),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/bus".into(),
        ),
    ];
    let mut set = Command::new(bin())
        .args(["keys", "set", "show-turn"])
        .envs(keys.clone())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = set.stdin.take().unwrap();
    writeln!(stdin, "{secret}").unwrap();
    drop(stdin);
    assert!(set.wait().unwrap().success());

    let out = dir.path().join("relayed.mkv");
    let mut command = record(&scene, &out, 20);
    command.arg("--profile").arg(&profile).envs(keys);
    let (mut show, links) = start_show(&mut command, 1);
    std::thread::sleep(Duration::from_secs(2));
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let result = run_page(
        "hear.mjs",
        &[&links["Ana"], "Ana", y4m, wav, "12", "1000"],
        &[("GUEST_QUERY", "&relay=1")],
    );
    assert!(show.wait().unwrap().success());
    assert_eq!(result["path"]["type"], "relay", "{result}");
    let port = result["path"]["port"].as_u64().unwrap() as u16;
    assert!(
        turn.relay_ports.contains(&port),
        "{port} is not coturn's: {result}"
    );
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    // Through the relay, the guest is on air: their red for at least 5 s, and their voice.
    let says = guest_box(&out);
    assert!(says.matches('R').count() >= 5 * 30, "{says}");
    let levels = tone_levels(&decode_audio_mono(&out), 1000.0, 4800);
    let heard = levels.iter().filter(|&&l| l > 0.006).count();
    assert!(heard >= 5 * 20, "heard in {heard} windows");
}

/// Behind a stream delay a guest is held like any source: when the host panics, the held
/// seconds of their picture and voice never reach viewers (what nginx received is decoded),
/// while the local recording keeps them.
#[test]
fn a_panic_keeps_a_guests_held_seconds_from_viewers() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let scene = collection(dir.path());
    // A safe scene: the background alone.
    let text = std::fs::read_to_string(&scene).unwrap().replace(
        r#""scenes": [ "#,
        r#""safe_scene": "Card", "scenes": [ { "name": "Card", "layers": [ { "source": "bg" } ] }, "#,
    );
    std::fs::write(&scene, text).unwrap();
    let (y4m, wav) = fixtures(dir.path());
    let nginx = Nginx::start();
    let local = dir.path().join("local.mkv");
    let mut command = Command::new(bin());
    command
        .args(["stream", "--scene"])
        .arg(&scene)
        .args(["--scene-name", "Interview", "--delay", "4"])
        .args(["--guests", "127.0.0.1:0", "--guest-auto-admit"])
        .args(["--dest", &nginx.url("live", "guest")])
        .arg("--record")
        .arg(&local)
        .stdin(Stdio::piped());
    let (mut show, links) = start_show(&mut command, 1);
    let start = Instant::now();
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let mut guest = page_command(
        "hear.mjs",
        &[&links["Ana"], "Ana", y4m, wav, "16", "1000"],
        &[],
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    // On air from about 3 s; at 12 s viewers have seen up to 8 s, and 8 s to 12 s is held.
    let at =
        |s: f64| std::thread::sleep(Duration::from_secs_f64(s).saturating_sub(start.elapsed()));
    let mut stdin = show.stdin.take().unwrap();
    at(12.0);
    writeln!(stdin, "panic").unwrap();
    at(16.0);
    writeln!(stdin, "stop").unwrap();
    drop(stdin);
    assert!(guest.wait().unwrap().success());
    assert!(show.wait().unwrap().success());

    // Locally, the guest until the panic; for viewers, the same less the 4 held seconds.
    let kept = guest_box(&local);
    let (aired, _) = nginx.only_recording();
    let seen: String = crop_frames_as_sent(&aired, (180, 100, 40, 20))
        .iter()
        .map(|f| if near(f, RED, 24) { 'R' } else { '.' })
        .collect();
    let (kept_red, seen_red) = (kept.matches('R').count(), seen.matches('R').count());
    assert!(kept_red >= 7 * 30, "kept: {kept}");
    assert!(
        seen_red + 3 * 30 <= kept_red,
        "viewers saw {seen_red} of {kept_red} frames: {seen}"
    );
    assert!(
        seen_red >= 2 * 30,
        "viewers saw the guest before the held seconds: {seen}"
    );
    // Their voice likewise: heard by viewers at least 3 s less than in the recording.
    let heard = |file: &Path| {
        let levels = tone_levels(&decode_audio_mono(file), 1000.0, 4800);
        levels.iter().filter(|&&l| l > 0.006).count()
    };
    let (kept_voice, seen_voice) = (heard(&local), heard(&aired));
    assert!(kept_voice >= 6 * 20, "kept {kept_voice} windows");
    assert!(
        seen_voice + 3 * 20 <= kept_voice,
        "viewers heard {seen_voice} of {kept_voice} windows"
    );
}

/// The guest page over HTTPS with the user's certificate (here a self-signed one for
/// 127.0.0.1, which the guest's Chromium is told to trust by its key's hash): the invite link
/// is https, the guest joins and is recorded. Without a certificate an address off loopback is
/// refused, as is 0.0.0.0, and a certificate that cannot be read is named.
#[test]
fn guests_join_over_https_with_the_users_certificate() {
    let _alone = one_stream_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_certificate(dir.path());
    // The key's SPKI hash, which Chromium trusts without a CA.
    let spki = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl x509 -in {} -pubkey -noout | openssl pkey -pubin -outform der | \
             openssl dgst -sha256 -binary | base64",
            cert.display()
        ))
        .output()
        .unwrap();
    let spki = String::from_utf8(spki.stdout).unwrap().trim().to_string();
    let scene = collection(dir.path());
    let (y4m, wav) = fixtures(dir.path());
    let out = dir.path().join("https.mkv");
    let mut command = record(&scene, &out, 18);
    command
        .arg("--guests-cert")
        .arg(&cert)
        .arg("--guests-key")
        .arg(&key);
    let (mut show, links) = start_show(&mut command, 1);
    let link = &links["Ana"];
    assert!(link.starts_with("https://127.0.0.1:"), "{link}");
    std::thread::sleep(Duration::from_secs(2));
    let (y4m, wav) = (y4m.to_str().unwrap(), wav.to_str().unwrap());
    let trust = format!("--ignore-certificate-errors-spki-list={spki}");
    let result = run_page(
        "hear.mjs",
        &[link, "Ana", y4m, wav, "10", "1000"],
        &[("GUEST_CHROMIUM_ARGS", &trust)],
    );
    assert!(show.wait().unwrap().success());
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result}");
    let says = guest_box(&out);
    assert!(says.matches('R').count() >= 5 * 30, "{says}");

    // Refused, with what to do, before anything is recorded.
    let refused = |extra: &[&str], bind: &str| {
        let out = Command::new(bin())
            .args(["record", "--duration", "1", "--guests", bind, "--scene"])
            .arg(&scene)
            .arg("--out")
            .arg(dir.path().join("never.mkv"))
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            streamwerk_e2e::stderr(&out)
        );
        streamwerk_e2e::stderr(&out)
    };
    let plain = refused(&[], "192.0.2.10:8443");
    assert!(
        plain.contains("give a certificate and its key (--guests-cert FILE"),
        "{plain}"
    );
    let anywhere = refused(&[], "0.0.0.0:8443");
    assert!(anywhere.contains("such as 192.168.1.10:8443"), "{anywhere}");
    let missing = dir.path().join("missing.pem");
    let unread = refused(
        &[
            "--guests-cert",
            missing.to_str().unwrap(),
            "--guests-key",
            key.to_str().unwrap(),
        ],
        "127.0.0.1:0",
    );
    assert!(
        unread.contains("missing.pem") && unread.contains("give PEM files"),
        "{unread}"
    );
    assert!(!dir.path().join("never.mkv").exists());
}
