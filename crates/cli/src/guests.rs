//! `--guests`: the guest endpoint for a show, and one invite link printed for each guest
//! source of the collection. `record` and `stream` run it themselves; `serve` has the studio
//! run it, so its Guests panel admits, sends back and removes guests. The profile's
//! `guest_network` names the STUN and TURN servers guests are given.

use crate::bad_input;
use anyhow::anyhow;
use std::net::SocketAddr;
use std::path::PathBuf;
use streamwerk_guests::{EndpointConfig, GuestEndpoint, Limits, Tls};
use streamwerk_keys::KeyStore;
use streamwerk_scene::{Collection, GuestNetwork};
use streamwerk_studio::{guest_slots, ice_servers, GuestsConfig, Studio};

/// How the command line lets guests in.
#[derive(clap::Args)]
pub struct GuestArgs {
    /// Let remote guests join: the guest endpoint listens here (127.0.0.1:0 picks a free
    /// port) and an invite link is printed for each guest source of the collection.
    #[arg(long, value_name = "ADDR:PORT")]
    pub guests: Option<SocketAddr>,
    /// Bring guests on air as they arrive instead of having them wait in the lobby for the
    /// host (an unattended show; `record` and `stream` have no host to admit them).
    #[arg(long, requires = "guests")]
    pub guest_auto_admit: bool,
    /// The guest page over HTTPS with this certificate (PEM, with its chain): needed on any
    /// address but 127.0.0.1, as browsers give the camera only to secure pages.
    #[arg(long, value_name = "FILE", requires_all = ["guests", "guests_key"])]
    pub guests_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "guests_cert")]
    pub guests_key: Option<PathBuf>,
    /// The host name invite links carry (the one on the certificate), instead of the address.
    #[arg(long, value_name = "NAME", requires = "guests")]
    pub guests_host: Option<String>,
}

impl GuestArgs {
    fn tls(&self) -> Option<Tls> {
        Some(Tls {
            cert: self.guests_cert.clone()?,
            key: self.guests_key.clone()?,
        })
    }
}

/// The built UI, whose guest page the endpoint serves (installed, or the source tree's).
pub fn page() -> PathBuf {
    streamwerk_studio::installed::ui_dir()
}

fn print_link(name: &str, link: &str) {
    eprintln!("Invite link for {name}: {link}");
}

fn no_guest_source() -> crate::Failure {
    bad_input(anyhow!(
        "--guests: the collection has no guest source; add one (kind \"guest\" with a \"slot\") to place the guest in the layout"
    ))
}

/// For `record` and `stream`: starts the endpoint and prints the invite links; the show keeps
/// it until it ends. `recording` and `live` are what the guests' pages say.
pub fn start(
    args: &GuestArgs,
    collection: &Collection,
    network: &GuestNetwork,
    recording: bool,
    live: bool,
) -> Result<Option<GuestEndpoint>, crate::Failure> {
    let Some(bind) = args.guests else {
        return Ok(None);
    };
    let slots = guest_slots(collection);
    if slots.is_empty() {
        return Err(no_guest_source());
    }
    let endpoint = GuestEndpoint::start(EndpointConfig {
        bind,
        page: page(),
        limits: Limits::default(),
        auto_admit: args.guest_auto_admit,
        ice: ice_servers(network, &KeyStore::new())
            .map_err(|e| bad_input(anyhow!("--guests: {e}")))?,
        tls: args.tls(),
        public_host: args.guests_host.clone(),
    })
    .map_err(|e| bad_input(anyhow!("--guests: {e}")))?;
    endpoint.set_show(recording, live);
    for (slot, name) in slots {
        let link = endpoint
            .invite(&slot)
            .map_err(|e| bad_input(anyhow!("--guests: {e}")))?;
        print_link(&name, &link);
    }
    if !args.guest_auto_admit {
        eprintln!(
            "Guests wait in the lobby until admitted; with no host here to admit them, pass --guest-auto-admit"
        );
    }
    Ok(Some(endpoint))
}

/// For `serve`: the studio lets guests in (its endpoint starts with the first link); with
/// `--guests` it starts at once on that address and the links are printed.
pub fn allow(args: &GuestArgs, studio: &Studio, ui: PathBuf) -> Result<(), crate::Failure> {
    studio.allow_guests(GuestsConfig {
        bind: args.guests,
        page: ui,
        auto_admit: args.guest_auto_admit,
        tls: args.tls(),
        public_host: args.guests_host.clone(),
    });
    if args.guests.is_none() {
        return Ok(());
    }
    let slots = guest_slots(&studio.state().collection);
    if slots.is_empty() {
        return Err(no_guest_source());
    }
    for (slot, name) in slots {
        let link = studio
            .guest_link(&slot, false)
            .map_err(|e| bad_input(anyhow!("--guests: {e}")))?;
        print_link(&name, &link);
    }
    Ok(())
}
