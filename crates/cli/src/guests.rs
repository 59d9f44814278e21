//! `--guests`: the guest endpoint for a headless show, and one invite link printed for each
//! guest source of the collection.

use crate::bad_input;
use anyhow::anyhow;
use std::net::SocketAddr;
use std::path::PathBuf;
use streamwerk_guests::{EndpointConfig, GuestEndpoint};
use streamwerk_scene::{Collection, SourceKind};

/// Guests on air at once, at most.
const MAX_GUESTS: usize = 6;

/// Starts the endpoint on `bind` and prints the invite links; the show keeps it until it ends.
pub fn start(bind: SocketAddr, collection: &Collection) -> Result<GuestEndpoint, crate::Failure> {
    let guests: Vec<(&str, &str)> = collection
        .sources
        .iter()
        .filter_map(|s| match &s.kind {
            SourceKind::Guest(g) => Some((
                g.slot.as_str(),
                if g.name.is_empty() {
                    s.name.as_str()
                } else {
                    g.name.as_str()
                },
            )),
            _ => None,
        })
        .collect();
    if guests.is_empty() {
        return Err(bad_input(anyhow!(
            "--guests: the collection has no guest source; add one (kind \"guest\" with a \"slot\") to place the guest in the layout"
        )));
    }
    let endpoint = GuestEndpoint::start(EndpointConfig {
        bind,
        page: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist")),
        max_guests: MAX_GUESTS,
    })
    .map_err(|e| bad_input(anyhow!("--guests: {e}")))?;
    for (slot, name) in guests {
        let link = endpoint
            .invite(slot)
            .map_err(|e| bad_input(anyhow!("--guests: {e}")))?;
        let who = if name.is_empty() { slot } else { name };
        eprintln!("Invite link for {who}: {link}");
    }
    Ok(endpoint)
}
