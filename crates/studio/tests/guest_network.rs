//! Guests on other networks, from the Settings: the STUN and TURN servers go into the profile,
//! the TURN secret into the key store (never the profile), a bad server is refused with the
//! field named and nothing kept.

mod common;

use streamwerk_keys::KeyStore;
use streamwerk_protocol::Command;

#[test]
fn the_turn_secret_goes_to_the_key_store_and_the_servers_to_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let studio = common::demo_studio(dir.path());
    studio
        .handle(Command::SetGuestNetwork {
            ice_servers: vec![
                " turn:turn.example.org:3478?transport=udp ".into(),
                "".into(),
            ],
            turn_secret: Some("s3cret-of-the-relay".into()),
        })
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
        .handle(Command::SetGuestNetwork {
            ice_servers: vec!["https://turn.example.org".into()],
            turn_secret: Some("another".into()),
        })
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("guest_network.ice_servers[0]"),
        "{refused}"
    );
    assert_eq!(keys.get(&key).unwrap(), "s3cret-of-the-relay");

    // An empty secret forgets it; the servers stay as given.
    studio
        .handle(Command::SetGuestNetwork {
            ice_servers: vec!["stun:stun.example.org:3478".into()],
            turn_secret: Some(String::new()),
        })
        .unwrap();
    let network = studio.state().profile.guest_network;
    assert_eq!(network.turn_secret_key, None);
    assert_eq!(network.ice_servers, ["stun:stun.example.org:3478"]);
}
