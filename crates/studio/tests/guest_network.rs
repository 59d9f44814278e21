//! Guests on other networks, from the Settings: the STUN and TURN servers go into the profile,
//! the TURN secret into the key store (never the profile), a bad server is refused with the
//! field named and nothing kept.

mod common;

use streamwerk_keys::KeyStore;
use streamwerk_protocol::Command;
use streamwerk_studio::{GuestsConfig, Studio};

/// Settings › Guests on other networks saved with `ice_servers` and `turn_secret`, guests
/// reaching this computer only.
fn servers(ice_servers: &[&str], turn_secret: Option<&str>) -> Command {
    Command::SetGuestNetwork {
        ice_servers: ice_servers.iter().map(|s| s.to_string()).collect(),
        turn_secret: turn_secret.map(Into::into),
        listen: None,
        certificate: None,
        certificate_key: None,
        public_host: None,
    }
}

/// The same form with where guests reach the studio: address, certificate, key, name.
fn reach(listen: &str, certificate: &str, key: &str, host: &str) -> Command {
    let given = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    Command::SetGuestNetwork {
        ice_servers: Vec::new(),
        turn_secret: None,
        listen: given(listen),
        certificate: given(certificate),
        certificate_key: given(key),
        public_host: given(host),
    }
}

#[test]
fn the_turn_secret_goes_to_the_key_store_and_the_servers_to_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let studio = common::demo_studio(dir.path());
    studio
        .handle(servers(
            &[" turn:turn.example.org:3478?transport=udp ", ""],
            Some("s3cret-of-the-relay"),
        ))
        .unwrap();
    let network = studio.state().profile.guest_network;
    assert_eq!(
        network.ice_servers,
        ["turn:turn.example.org:3478?transport=udp"]
    );
    let key = network.turn_secret_key.expect("a key name");
    let keys = KeyStore::with_file(dir.path().join("keys.json"));
    assert_eq!(keys.get(&key).unwrap(), "s3cret-of-the-relay");
    let saved = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(
        saved.contains("turn.example.org") && !saved.contains("s3cret"),
        "{saved}"
    );

    // A server that is not one: refused, naming the field; nothing changes.
    let refused = studio
        .handle(servers(&["https://turn.example.org"], Some("another")))
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("guest_network.ice_servers[0]"),
        "{refused}"
    );
    assert_eq!(keys.get(&key).unwrap(), "s3cret-of-the-relay");

    // An empty secret forgets it; the servers stay as given.
    studio
        .handle(servers(&["stun:stun.example.org:3478"], Some("")))
        .unwrap();
    let network = studio.state().profile.guest_network;
    assert_eq!(network.turn_secret_key, None);
    assert_eq!(network.ice_servers, ["stun:stun.example.org:3478"]);
}

/// A studio on a show with one guest spot, letting guests in as the desktop app does.
fn guest_studio(dir: &std::path::Path) -> std::sync::Arc<Studio> {
    let file = dir.join("show.json");
    std::fs::write(
        &file,
        r##"{ "schema_version": 1, "name": "Show", "canvas": { "width": 320, "height": 180, "fps": 30 },
  "sources": [ { "id": "ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } } ],
  "scenes": [ { "name": "Talk", "layers": [ { "source": "ana" } ] } ] }"##,
    )
    .unwrap();
    let studio = Studio::open(
        &file,
        &dir.join("profile.json"),
        KeyStore::with_file(dir.join("keys.json")),
    )
    .unwrap();
    studio.allow_guests(GuestsConfig {
        bind: None,
        page: streamwerk_e2e::root().join("ui/dist"),
        auto_admit: false,
        tls: None,
        public_host: None,
    });
    studio
}

/// Where guests reach the studio, from the Settings: the address, the user's certificate and
/// the name links carry move the guest endpoint at once (HTTPS, the old link revoked); a
/// wrong address or an unusable certificate is refused with what to do and nothing kept.
#[test]
fn the_guests_address_and_certificate_from_settings_serve_https_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let studio = guest_studio(dir.path());
    let plain = studio.guest_link("ana", false).unwrap();
    assert!(plain.starts_with("http://127.0.0.1:"), "{plain}");

    let (cert, key) = streamwerk_e2e::peers::self_signed_certificate(dir.path());
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    studio
        .handle(reach("127.0.0.1:0", cert, key, "localhost"))
        .unwrap();
    let secure = studio.guest_link("ana", false).unwrap();
    assert!(secure.starts_with("https://localhost:"), "{secure}");
    assert_ne!(
        secure.split('#').nth(1),
        plain.split('#').nth(1),
        "a new token"
    );
    let page = std::process::Command::new("curl")
        .args(["-sk", "--max-time", "5", secure.split('#').next().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&page.stdout).contains("Join the show"),
        "the guest page over HTTPS: {page:?}"
    );
    let saved = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(saved.contains("\"listen\": \"127.0.0.1:0\""), "{saved}");

    // Refused, naming what to do; nothing kept.
    for (bad, says) in [
        (
            reach("0.0.0.0:8443", cert, key, ""),
            "this computer's own address",
        ),
        (
            reach("192.168.1.10:8443", "", "", ""),
            "give a certificate and its key",
        ),
        (
            reach("127.0.0.1:0", cert, "", ""),
            "a certificate goes with its private key",
        ),
        (
            reach("127.0.0.1:0", "/nowhere/cert.pem", key, ""),
            "cannot be used",
        ),
    ] {
        let refused = studio.handle(bad).unwrap_err().to_string();
        assert!(refused.contains(says), "{refused}");
    }
    let network = studio.state().profile.guest_network;
    assert_eq!(
        network.public_host.as_deref(),
        Some("localhost"),
        "kept: {network:?}"
    );

    // Blank again: this computer only, plain HTTP.
    studio.handle(reach("", "", "", "")).unwrap();
    let back = studio.guest_link("ana", false).unwrap();
    assert!(back.starts_with("http://127.0.0.1:"), "{back}");
}
