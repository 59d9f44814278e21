//! The remote control's side of the studio: where the obs-websocket server (crate
//! `streamwerk-remote`) should listen and with which password, and who is connected, for
//! Settings. The server watches [`RemoteConfig`] and restarts when it changes; the studio
//! never talks the protocol itself.

use crate::{refused, Inner, Studio, StudioError};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use streamwerk_protocol::{Command, Event, RemoteClient, RemoteState};
use streamwerk_scene::{Profile, RemoteControl};
use tokio::sync::watch;

/// The key store's entry for the password.
const PASSWORD_KEY: &str = "remote-control-password";
/// Overrides the key store (automation); empty turns the password off, on loopback only.
const PASSWORD_ENV: &str = "STREAMWERK_REMOTE_PASSWORD";
/// obs-websocket makes 16 letters and digits; so do we.
const PASSWORD_LEN: usize = 16;

/// What the server should do now; a new value restarts it and disconnects every client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteConfig {
    /// None: off.
    pub listen: Option<SocketAddr>,
    /// None: clients need none.
    pub password: Option<String>,
}

/// A connected client: its number, and the flag the studio raises to disconnect it.
pub struct RemoteTicket {
    pub id: u64,
    pub kicked: watch::Receiver<bool>,
}

struct Client {
    id: u64,
    address: SocketAddr,
    since: String,
    kick: watch::Sender<bool>,
}

#[derive(Default)]
struct DeskState {
    /// From the command line: wins over the profile's.
    given: Option<RemoteControl>,
    password: Option<Option<String>>,
    listening: Option<SocketAddr>,
    error: Option<String>,
    clients: Vec<Client>,
    next_id: u64,
}

pub(crate) struct RemoteDesk {
    state: Mutex<DeskState>,
    config: watch::Sender<RemoteConfig>,
}

impl Default for RemoteDesk {
    fn default() -> Self {
        let off = RemoteConfig {
            listen: None,
            password: None,
        };
        RemoteDesk {
            state: Mutex::default(),
            config: watch::channel(off).0,
        }
    }
}

fn new_password() -> Result<String, StudioError> {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; PASSWORD_LEN];
    getrandom::fill(&mut bytes).map_err(|e| refused(format!("no randomness: {e}")))?;
    // 256 % 62 leaves a bias of under 2 % on the first letters: 16 of them still carry
    // about 95 bits.
    Ok(bytes
        .iter()
        .map(|b| LETTERS[*b as usize % LETTERS.len()] as char)
        .collect())
}

impl Studio {
    /// The server's instructions: what to listen on and which password to ask. The first
    /// call makes the password (kept in the key store) when there is none yet.
    pub fn remote_config(&self) -> Result<watch::Receiver<RemoteConfig>, StudioError> {
        let settings = self.lock().profile.remote_control.clone();
        self.apply_remote(&settings)?;
        Ok(self.remote.config.subscribe())
    }

    /// The command line's address, which wins over the profile's.
    pub fn give_remote_control(&self, settings: RemoteControl) {
        self.remote.state.lock().unwrap().given = Some(settings);
    }

    /// The server listens on `at`, or cannot (why).
    pub fn remote_listening(&self, at: Result<Option<SocketAddr>, String>) {
        {
            let mut desk = self.remote.state.lock().unwrap();
            (desk.listening, desk.error) = match at {
                Ok(at) => (at, None),
                Err(e) => (None, Some(e)),
            };
        }
        self.send_state();
    }

    /// A client connected (and identified): the pages list it until [`Studio::remote_left`].
    pub fn remote_joined(&self, address: SocketAddr) -> RemoteTicket {
        let (kick, kicked) = watch::channel(false);
        let id = {
            let mut desk = self.remote.state.lock().unwrap();
            desk.next_id += 1;
            let id = desk.next_id;
            let since = chrono::Local::now().format("%H:%M:%S").to_string();
            desk.clients.push(Client {
                id,
                address,
                since,
                kick,
            });
            id
        };
        self.send_state();
        RemoteTicket { id, kicked }
    }

    pub fn remote_left(&self, id: u64) {
        self.remote
            .state
            .lock()
            .unwrap()
            .clients
            .retain(|c| c.id != id);
        self.send_state();
    }

    pub(crate) fn remote_state(&self) -> RemoteState {
        let desk = self.remote.state.lock().unwrap();
        let config = self.remote.config.borrow();
        RemoteState {
            address: desk.listening.map(|at| format!("ws://{at}")),
            error: desk.error.clone(),
            password_required: config.password.is_some(),
            password_from_environment: std::env::var_os(PASSWORD_ENV).is_some(),
            clients: desk
                .clients
                .iter()
                .map(|c| RemoteClient {
                    id: c.id,
                    address: c.address.to_string(),
                    since: c.since.clone(),
                })
                .collect(),
        }
    }

    pub(crate) fn remote_command(
        &self,
        inner: &mut Inner,
        command: Command,
    ) -> Result<(), StudioError> {
        match command {
            Command::SetRemoteControl { port, bind } => {
                let bind: IpAddr = bind.trim().parse().map_err(|_| {
                    refused(format!(
                        "`{bind}` is not an IP address: give 127.0.0.1 (this computer only) or \
                         this computer's address on the network"
                    ))
                })?;
                let settings = RemoteControl { port, bind };
                self.apply_remote(&settings)?;
                let profile = Profile {
                    remote_control: settings,
                    ..inner.profile.clone()
                };
                self.set_profile(inner, profile)?;
            }
            Command::ShowRemotePassword => {
                let password = self.remote.config.borrow().password.clone();
                let password = password.ok_or_else(|| {
                    refused(format!(
                        "the remote control asks no password ({PASSWORD_ENV} is empty)"
                    ))
                })?;
                let _ = self.events.send(Event::RemotePassword { password });
            }
            Command::NewRemotePassword => {
                if std::env::var_os(PASSWORD_ENV).is_some() {
                    return Err(refused(format!(
                        "the password comes from {PASSWORD_ENV}: change it there"
                    )));
                }
                let password = new_password()?;
                self.keys.set(PASSWORD_KEY, &password)?;
                self.remote.state.lock().unwrap().password = Some(Some(password));
                let settings = inner.profile.remote_control.clone();
                self.apply_remote(&settings)?;
            }
            Command::DisconnectRemoteClient { id } => {
                let desk = self.remote.state.lock().unwrap();
                let client = desk.clients.iter().find(|c| c.id == id);
                let client = client.ok_or_else(|| {
                    refused("that remote client has already gone; the list is up to date now")
                })?;
                let _ = client.kick.send(true);
            }
            _ => unreachable!("Studio::handle sends only these commands here"),
        }
        Ok(())
    }

    /// Works out the server's configuration from `settings` (the command line's instead, if
    /// given) and the password, and hands it over when it changed.
    fn apply_remote(&self, settings: &RemoteControl) -> Result<(), StudioError> {
        let mut desk = self.remote.state.lock().unwrap();
        let settings = desk.given.clone().unwrap_or_else(|| settings.clone());
        if desk.password.is_none() {
            desk.password = Some(self.stored_password()?);
        }
        let password = desk.password.clone().flatten();
        if settings.port != 0 && !settings.bind.is_loopback() && password.is_none() {
            return Err(refused(format!(
                "the remote control at {} would let anyone on the network drive the studio \
                 without a password: set one, or listen on 127.0.0.1",
                settings.bind
            )));
        }
        let config = RemoteConfig {
            listen: (settings.port != 0).then(|| SocketAddr::new(settings.bind, settings.port)),
            password,
        };
        self.remote.config.send_if_modified(|now| {
            let changed = *now != config;
            *now = config;
            changed
        });
        Ok(())
    }

    /// The environment's password, else the key store's, else a new one kept there.
    fn stored_password(&self) -> Result<Option<String>, StudioError> {
        if let Ok(password) = std::env::var(PASSWORD_ENV) {
            return Ok(Some(password).filter(|p| !p.is_empty()));
        }
        if let Ok(password) = self.keys.get(PASSWORD_KEY) {
            return Ok(Some(password));
        }
        let password = new_password()?;
        self.keys.set(PASSWORD_KEY, &password)?;
        Ok(Some(password))
    }

    fn send_state(&self) {
        let _ = self.events.send(Event::State {
            state: self.state(),
        });
    }
}
