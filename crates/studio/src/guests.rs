//! The studio's guests: the guest endpoint (off until the host makes the first invite link,
//! or started at once when the command line asks), the links made this run, and the host's
//! moves (admit, send back, remove). Every page hears who is where as [`Event::Guests`].

use crate::{refused, Inner, Studio, StudioError};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use streamwerk_guests::{
    EndpointConfig, GuestEndpoint, GuestStatus, IceServers, IsoPlan, Limits, Stage, Tls,
};
use streamwerk_keys::KeyStore;
use streamwerk_protocol::{Command, Event, GuestInfo, GuestStage};
use streamwerk_scene::{Collection, GuestNetwork, SourceKind};

/// Where and how the guest endpoint runs once started.
pub struct GuestsConfig {
    /// Its HTTP address from the command line (loopback unless a certificate is given; port
    /// 0 picks a free one); else the profile's, else 127.0.0.1 on a free port.
    pub bind: Option<SocketAddr>,
    /// The built UI, whose guest page it serves.
    pub page: PathBuf,
    /// Guests go on air as they arrive instead of waiting in the lobby.
    pub auto_admit: bool,
    /// HTTPS for the guest page (needed off loopback), from the command line; else the
    /// profile's.
    pub tls: Option<Tls>,
    /// The host name invite links carry, instead of the address; else the profile's.
    pub public_host: Option<String>,
}

#[derive(Default)]
struct Desk {
    config: Option<GuestsConfig>,
    endpoint: Option<GuestEndpoint>,
    /// Each slot's link made this run.
    links: HashMap<String, String>,
    /// What the pages were last told.
    told: Vec<GuestInfo>,
    /// While the studio records: where guests' ISO files go.
    iso: Option<IsoPlan>,
}

/// The guest side of a studio.
#[derive(Default)]
pub(crate) struct GuestDesk(Mutex<Desk>);

/// The collection's guest slots with the names their sources give them.
pub fn guest_slots(collection: &Collection) -> Vec<(String, String)> {
    collection
        .sources
        .iter()
        .filter_map(|s| match &s.kind {
            SourceKind::Guest(g) => {
                let name = [&g.name, &s.name, &g.slot]
                    .into_iter()
                    .find(|n| !n.trim().is_empty())
                    .map_or_else(String::new, |n| n.to_string());
                Some((g.slot.clone(), name))
            }
            _ => None,
        })
        .collect()
}

/// The STUN and TURN servers of a profile, with the TURN secret read from the key store.
pub fn ice_servers(network: &GuestNetwork, keys: &KeyStore) -> Result<IceServers, String> {
    let turn_secret = match &network.turn_secret_key {
        Some(name) => Some(keys.get(name).map_err(|e| {
            format!("the TURN secret `{name}`: {e}; store it with `streamwerk keys set {name}`")
        })?),
        None => None,
    };
    Ok(IceServers {
        urls: network.ice_servers.clone(),
        turn_secret,
    })
}

fn info(status: GuestStatus) -> GuestInfo {
    GuestInfo {
        slot: status.slot,
        name: status.name,
        stage: match status.stage {
            Stage::Lobby => GuestStage::Lobby,
            Stage::OnAir => GuestStage::OnAir,
        },
        connected: status.connected,
        // Two decimals are all a meter shows; fewer changes to send.
        level: (status.level * 100.0).round() / 100.0,
    }
}

impl Studio {
    /// Lets guests join: the endpoint starts with the first invite link, as `config` says.
    pub fn allow_guests(&self, config: GuestsConfig) {
        self.guests.0.lock().unwrap().config = Some(config);
    }

    /// `slot`'s invite link: the one made this run, or (with `renew`, or the first time) a
    /// new one, which stops the old from working. Starts the endpoint when it is not running.
    pub fn guest_link(&self, slot: &str, renew: bool) -> Result<String, StudioError> {
        let network = {
            let inner = self.lock();
            if !guest_slots(&inner.collection)
                .iter()
                .any(|(s, _)| s == slot)
            {
                return Err(refused(format!(
                    "no guest source has the slot `{slot}`: add a guest to a scene first"
                )));
            }
            inner.profile.guest_network.clone()
        };
        let mut desk = self.guests.0.lock().unwrap();
        let desk = &mut *desk;
        if desk.endpoint.is_none() {
            self.start_endpoint(desk, &network)?;
        }
        let endpoint = desk.endpoint.as_ref().expect("started above");
        if let Some(link) = desk.links.get(slot).filter(|_| !renew) {
            return Ok(link.clone());
        }
        let link = endpoint.invite(slot).map_err(|e| refused(e.to_string()))?;
        desk.links.insert(slot.to_string(), link.clone());
        Ok(link)
    }

    /// The guest commands.
    pub(crate) fn guest_command(&self, command: Command) -> Result<(), StudioError> {
        if let Command::GuestLink { slot, renew } = command {
            let url = self.guest_link(&slot, renew)?;
            let _ = self.events.send(Event::GuestLink { slot, url });
            return Ok(());
        }
        {
            let desk = self.guests.0.lock().unwrap();
            let endpoint = desk
                .endpoint
                .as_ref()
                .ok_or_else(|| refused("no guest has joined: send them their invite link"))?;
            match command {
                Command::AdmitGuest { slot } => endpoint.admit(&slot),
                Command::SendGuestBack { slot } => endpoint.send_back(&slot),
                Command::RemoveGuest { slot } => endpoint.remove(&slot),
                _ => unreachable!("Studio::handle sends only guest commands here"),
            }
            .map_err(|e| refused(e.to_string()))?;
        }
        self.tell_guests(true);
        Ok(())
    }

    /// Sends who is where to the pages: when it changed, or always with `force`. Called by
    /// the stats loop twice a second (meters move), and after every move of the host's.
    pub(crate) fn tell_guests(&self, force: bool) {
        let guests = {
            let mut desk = self.guests.0.lock().unwrap();
            let Some(endpoint) = &desk.endpoint else {
                return;
            };
            let guests: Vec<GuestInfo> = endpoint.guests().into_iter().map(info).collect();
            if !force && guests == desk.told {
                return;
            }
            desk.told = guests.clone();
            guests
        };
        let _ = self.events.send(Event::Guests { guests });
    }

    /// Tells the guest pages whether the show is being recorded or is live.
    pub(crate) fn tell_guest_pages(&self, inner: &Inner) {
        if let Some(endpoint) = &self.guests.0.lock().unwrap().endpoint {
            endpoint.set_show(!inner.recording.is_empty(), !inner.live.is_empty());
        }
    }

    /// Records each guest on air to a file of their own while `plan` is set (the studio
    /// records), from now or from when the endpoint starts.
    pub(crate) fn record_guest_isos(&self, plan: Option<IsoPlan>) {
        let mut desk = self.guests.0.lock().unwrap();
        if let Some(endpoint) = &desk.endpoint {
            endpoint.record_isos(plan.clone());
        }
        desk.iso = plan;
    }

    /// Starts the guest endpoint: the command line's address, certificate and name where it
    /// gave them, else the profile's, else this computer only.
    fn start_endpoint(&self, desk: &mut Desk, network: &GuestNetwork) -> Result<(), StudioError> {
        let config = desk.config.as_ref().ok_or_else(|| {
            refused("guests cannot join this studio: it was started without a guest page")
        })?;
        let listen = network.listen.as_deref().map(str::parse).transpose();
        let bind = config
            .bind
            .or(listen.map_err(|_| refused("the guests' address is not IP:PORT"))?)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let tls = config.tls.clone().or_else(|| {
            Some(Tls {
                cert: network.certificate.clone()?,
                key: network.certificate_key.clone()?,
            })
        });
        let endpoint = GuestEndpoint::start(EndpointConfig {
            bind,
            page: config.page.clone(),
            limits: Limits::default(),
            auto_admit: config.auto_admit,
            ice: ice_servers(network, &self.keys).map_err(refused)?,
            tls,
            public_host: config
                .public_host
                .clone()
                .or_else(|| network.public_host.clone()),
        })
        .map_err(|e| refused(e.to_string()))?;
        endpoint.record_isos(desk.iso.clone());
        desk.endpoint = Some(endpoint);
        Ok(())
    }

    /// Where guests reach the studio changed (`network`, not yet kept): the endpoint starts
    /// again with it, at once, so a wrong address or certificate is said now. Old invite
    /// links stop working; refused while a guest is in, whose visit it would end.
    pub(crate) fn move_guest_endpoint(&self, network: &GuestNetwork) -> Result<(), StudioError> {
        let mut desk = self.guests.0.lock().unwrap();
        let desk = &mut *desk;
        if let Some(endpoint) = &desk.endpoint {
            if endpoint.guests().iter().any(|g| g.connected) {
                return Err(refused(
                    "a guest is in the studio, and moving the guest address would end their \
                     visit: remove them first",
                ));
            }
        }
        desk.endpoint = None;
        desk.links.clear();
        if desk.config.is_none() || network.listen.is_none() && network.certificate.is_none() {
            return Ok(());
        }
        self.start_endpoint(desk, network)
    }

    /// The names connected guests typed, by the id of the guest spot that shows them: what
    /// their name tags say.
    pub(crate) fn guest_names(&self, inner: &Inner) -> BTreeMap<String, String> {
        let desk = self.guests.0.lock().unwrap();
        let Some(endpoint) = &desk.endpoint else {
            return BTreeMap::new();
        };
        let typed: Vec<GuestStatus> = endpoint.guests();
        inner
            .collection
            .sources
            .iter()
            .filter_map(|s| match &s.kind {
                SourceKind::Guest(g) => typed
                    .iter()
                    .find(|t| t.slot == g.slot && t.connected && !t.name.trim().is_empty())
                    .map(|t| (s.id.clone(), t.name.clone())),
                _ => None,
            })
            .collect()
    }

    /// Ends every guest's session (the studio closes).
    pub(crate) fn stop_guests(&self) {
        self.guests.0.lock().unwrap().endpoint = None;
    }
}
