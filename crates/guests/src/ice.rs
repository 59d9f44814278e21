//! The STUN and TURN servers a guest's browser is given, announced as WHIP does (RFC 9725
//! section 4.6): `Link` headers with `rel="ice-server"` in answer to an `OPTIONS` on the
//! guest's WHIP address. TURN credentials are made per guest from the TURN server's shared
//! secret, as coturn's `use-auth-secret` (the TURN REST scheme) expects: the user name is the
//! expiry time and the slot, the password the HMAC-SHA1 of that name, so the secret itself
//! never leaves the studio.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a guest's TURN credentials stay good: a long show.
const VALID: Duration = Duration::from_secs(12 * 3600);

/// The servers, and the TURN secret when there is one.
#[derive(Debug, Clone, Default)]
pub struct IceServers {
    /// `stun:…`, `turn:…` or `turns:…` URLs.
    pub urls: Vec<String>,
    /// The TURN server's shared secret (coturn's `static-auth-secret`).
    pub turn_secret: Option<String>,
}

impl IceServers {
    /// One `Link` header value per server, credentials for `slot` on the TURN ones.
    pub(crate) fn links(&self, slot: &str) -> Vec<String> {
        let expiry = (SystemTime::now() + VALID)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.urls
            .iter()
            .map(|url| {
                let turn = url.starts_with("turn:") || url.starts_with("turns:");
                match (&self.turn_secret, turn) {
                    (Some(secret), true) => {
                        let (user, password) = credentials(secret, expiry, slot);
                        format!(
                            "<{url}>; rel=\"ice-server\"; username=\"{user}\"; \
                             credential=\"{password}\"; credential-type=\"password\""
                        )
                    }
                    _ => format!("<{url}>; rel=\"ice-server\""),
                }
            })
            .collect()
    }
}

/// TURN REST credentials: `EXPIRY:SLOT` and base64(HMAC-SHA1(secret, that)).
fn credentials(secret: &str, expiry: u64, slot: &str) -> (String, String) {
    let user = format!("{expiry}:{slot}");
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(user.as_bytes());
    let password = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    (user, password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_credentials_are_those_coturn_computes() {
        // Computed with: printf '%s' 1700000000:ana | openssl dgst -sha1 -hmac s3cret -binary | base64
        let (user, password) = credentials("s3cret", 1_700_000_000, "ana");
        assert_eq!(user, "1700000000:ana");
        assert_eq!(password, "hhQyVw5wHTTuGY6tqdLScd4j9r8=");
    }

    #[test]
    fn stun_servers_get_no_credentials_and_turn_ones_do() {
        let servers = IceServers {
            urls: vec![
                "stun:127.0.0.1:3478".into(),
                "turn:127.0.0.1:3478?transport=udp".into(),
            ],
            turn_secret: Some("s3cret".into()),
        };
        let links = servers.links("ana");
        assert_eq!(links[0], "<stun:127.0.0.1:3478>; rel=\"ice-server\"");
        assert!(links[1]
            .starts_with("<turn:127.0.0.1:3478?transport=udp>; rel=\"ice-server\"; username=\""));
        assert!(links[1].contains(":ana\"; credential=\""));
    }
}
