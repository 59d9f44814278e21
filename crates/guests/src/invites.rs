//! Invite links, one per guest slot: a 128-bit random token, carried in the link's fragment
//! (browsers never send a fragment to a server or its logs) and presented as a Bearer token.
//! Only its SHA-256 is kept. A new link replaces the slot's old one, which stops working.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Invites {
    hashes: Mutex<HashMap<String, [u8; 32]>>,
}

impl Invites {
    /// A new token for `slot` (32 hex digits); the slot's previous link stops working.
    pub fn new_link(&self, slot: &str) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.hashes
            .lock()
            .unwrap()
            .insert(slot.to_string(), hash(&token));
        Ok(token)
    }

    /// Whether `token` is `slot`'s current one. Hashes are compared in constant time.
    pub fn admits(&self, slot: &str, token: &str) -> bool {
        let Some(want) = self.hashes.lock().unwrap().get(slot).copied() else {
            return false;
        };
        let got = hash(token);
        got.iter().zip(want).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    }
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_link_revokes_the_old_one_and_slots_do_not_share_tokens() {
        let invites = Invites::default();
        let first = invites.new_link("guest-1").unwrap();
        assert_eq!(first.len(), 32);
        assert!(invites.admits("guest-1", &first));
        assert!(!invites.admits("guest-2", &first));
        let second = invites.new_link("guest-1").unwrap();
        assert!(!invites.admits("guest-1", &first));
        assert!(invites.admits("guest-1", &second));
        assert!(!invites.admits("guest-1", ""));
    }
}
