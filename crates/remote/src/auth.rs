//! obs-websocket's challenge and response, exactly: a salt per server start, a challenge per
//! connection, and `base64(sha256(base64(sha256(password + salt)) + challenge))` from the
//! client. The password itself never travels.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

fn b64_sha256(text: &str) -> String {
    STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// 32 random bytes in base64, as obs-websocket makes salts and challenges.
pub fn random_b64() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system's randomness");
    STANDARD.encode(bytes)
}

/// A server start's salt and the secret derived from the password with it.
#[derive(Debug, Clone)]
pub struct Auth {
    pub salt: String,
    secret: String,
}

impl Auth {
    pub fn new(password: &str) -> Auth {
        Auth::with_salt(password, random_b64())
    }

    fn with_salt(password: &str, salt: String) -> Auth {
        let secret = b64_sha256(&format!("{password}{salt}"));
        Auth { salt, secret }
    }

    /// What a client that knows the password sends for `challenge`.
    fn expected(&self, challenge: &str) -> String {
        b64_sha256(&format!("{}{challenge}", self.secret))
    }

    /// Compared in full whatever the input, so the time taken says nothing of how much matched.
    pub fn accepts(&self, challenge: &str, answer: &str) -> bool {
        let expected = self.expected(challenge);
        expected.len() == answer.len()
            && expected
                .bytes()
                .zip(answer.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector in ../shared/notes/obs-websocket-v5.md (protocol.md's inputs; the string
    /// obs-websocket-js 5.0.8 sent for them).
    #[test]
    fn the_protocol_s_example_inputs_give_the_known_answer() {
        let auth = Auth::with_salt(
            "supersecretpassword",
            "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=".into(),
        );
        assert_eq!(auth.secret, "H1IfVz1pSREUQzbFTVnX/Tyb+gMhMik5x7yUBCY0PTs=");
        let challenge = "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY=";
        assert_eq!(
            auth.expected(challenge),
            "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4="
        );
        assert!(auth.accepts(challenge, "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4="));
        assert!(!auth.accepts(challenge, "Dj6cLS+jrNA0HpCArRg0Z/Fc+YHdt2FQfAvgD1mip6Y="));
        assert!(!auth.accepts(challenge, ""));
    }

    #[test]
    fn the_sha256_of_nothing_is_the_known_one() {
        assert_eq!(
            b64_sha256(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
