//! The studio behind every UI: the open scene collection and profile, the program on air,
//! and the output session that records and goes live. The desktop app and `streamwerk serve`
//! both drive it with protocol [`Command`]s and forward its [`Event`]s, so they behave alike.
//!
//! Edits are checked like a file on disk (same validation, same messages), applied to the
//! running program (unchanged sources keep running) and saved at once: nothing is lost when
//! the app dies.

mod brand;
mod brand_files;
mod canvases;
mod documents;
mod edits;
mod guests;
pub mod installed;
mod obs_import;
mod outputs;
pub mod pictures;
mod preview;
pub mod preview_socket;
mod remote;
mod screenshot;
mod stats;

use documents::collections_beside;
use stats::{process_cpu, stats_loop};

pub use documents::own_collection;
pub use guests::{guest_slots, ice_servers, GuestsConfig};
pub use obs_import::import_obs;
pub use preview::PreviewStream;
pub use remote::{RemoteConfig, RemoteTicket};
pub use streamwerk_obs_import::CanvasLimit;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use streamwerk_engine::{EngineError, Previews, Program, Session, Shown};
use streamwerk_keys::{KeyError, KeyStore};
use streamwerk_protocol::{
    BrandState, Command, Event, NoticeLevel, PictureOf, SourceSize, StudioState,
};
use streamwerk_scene::{
    load_collection, load_profile, Collection, LoadError, Profile, MAIN_CANVAS,
};
use tokio::sync::broadcast;
/// Why an event subscription yielded nothing: fell behind (skip ahead) or the studio closed.
pub use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, thiserror::Error)]
pub enum StudioError {
    /// The command cannot be carried out as given; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("cannot write {}: {source}", path.display())]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn refused(message: impl Into<String>) -> StudioError {
    StudioError::Refused(message.into())
}

/// A document's validation: refused with every problem (JSON path and fix) when there are any,
/// the same messages a file on disk gets.
fn accept(problems: Vec<streamwerk_scene::Problem>) -> Result<(), StudioError> {
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Err(refused(list.join("; ")))
}

/// Which picture a preview shows, of which canvas.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PreviewView {
    /// What goes on air.
    Program(String),
    /// Studio mode's preview scene.
    PreviewScene(String),
}

impl PreviewView {
    /// The main canvas's program.
    pub fn program() -> Self {
        PreviewView::Program(MAIN_CANVAS.into())
    }
}

/// An open studio. Shared by the connections of a UI; every method takes `&self`.
pub struct Studio {
    /// Outlive the program: a new canvas or collection restarts the program, not the previews.
    previews: Previews,
    inner: Mutex<Inner>,
    events: broadcast::Sender<Event>,
    keys: KeyStore,
    pictures: pictures::Pictures,
    guests: guests::GuestDesk,
    remote: remote::RemoteDesk,
}

struct Inner {
    program: Program,
    /// (when, process CPU time) at the previous stats, for the CPU share.
    cpu_sample: (Instant, Duration),
    collection: Collection,
    collection_path: PathBuf,
    profile: Profile,
    profile_path: PathBuf,
    program_scene: String,
    /// Studio mode's preview scene; None while studio mode is off.
    preview_scene: Option<String>,
    session: Option<Session>,
    /// (profile destination name, sink name) of every destination going out.
    live: Vec<(String, String)>,
    /// When the destinations stop, after a "stop after the delay".
    live_ends_at: Option<Instant>,
    /// The replay buffer runs (in the session).
    replay: bool,
    /// (sink name, file) of the recording.
    recording: Vec<(String, PathBuf)>,
    /// (sink name, file) of the as-aired recording beside it, with a stream delay.
    recording_aired: Vec<(String, PathBuf)>,
    /// Where the replay buffer was last saved.
    replay_saved: Option<PathBuf>,
}

impl Inner {
    /// What the program shows now.
    fn shown(&self) -> Shown<'_> {
        Shown {
            program: &self.program_scene,
            preview: self.preview_scene.as_deref(),
        }
    }
}

impl Studio {
    /// Opens a collection (saved back to the same file) and a profile (created on first save
    /// when the file does not exist) and puts the collection's first scene on air.
    pub fn open(
        collection_path: &Path,
        profile_path: &Path,
        keys: KeyStore,
    ) -> Result<Arc<Studio>, StudioError> {
        let collection = load_collection(collection_path)?;
        let profile = if profile_path.exists() {
            load_profile(profile_path)?
        } else {
            Profile::default()
        };
        let program_scene = collection.scenes[0].name.clone();
        let previews = Previews::default();
        let program = Program::start(
            &collection,
            Shown::program(&program_scene),
            previews.clone(),
        )?;
        let (events, _) = broadcast::channel(256);
        let studio = Arc::new(Studio {
            previews,
            inner: Mutex::new(Inner {
                program,
                cpu_sample: (Instant::now(), process_cpu()),
                collection,
                collection_path: collection_path.to_path_buf(),
                profile,
                profile_path: profile_path.to_path_buf(),
                program_scene,
                preview_scene: None,
                session: None,
                live: Vec::new(),
                live_ends_at: None,
                replay: false,
                recording: Vec::new(),
                recording_aired: Vec::new(),
                replay_saved: None,
            }),
            events,
            keys,
            pictures: Default::default(),
            guests: Default::default(),
            remote: Default::default(),
        });
        let weak = Arc::downgrade(&studio);
        std::thread::Builder::new()
            .name("studio-stats".into())
            .spawn(move || stats_loop(weak))
            .expect("spawning a thread");
        Ok(studio)
    }

    /// Events from now on; the first thing a connection sends is [`Studio::hello`].
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub fn hello(&self) -> Event {
        Event::Hello {
            version: streamwerk_protocol::PROTOCOL_VERSION,
            state: self.state(),
        }
    }

    /// Starts watching the program (or, with `preview_scene`, studio mode's preview scene):
    /// the stream yields preview messages (header and JPEG) as both carriers send them. Make
    /// it on the thread that reads it.
    pub fn preview_stream(&self, view: &PreviewView) -> Result<PreviewStream, StudioError> {
        let (PreviewView::Program(name) | PreviewView::PreviewScene(name)) = view;
        if !self
            .lock()
            .collection
            .canvas_names()
            .contains(&name.as_str())
        {
            return Err(refused(format!("there is no canvas `{name}`")));
        }
        let (program, preview_scene) = self.previews.canvas(name);
        let preview = match view {
            PreviewView::Program(_) => program,
            PreviewView::PreviewScene(_) => preview_scene,
        };
        PreviewStream::new(&preview).map_err(StudioError::Refused)
    }

    pub fn state(&self) -> StudioState {
        let inner = self.lock();
        let mut stored_keys: Vec<String> = inner
            .profile
            .destinations
            .iter()
            .filter_map(|d| d.key.clone())
            .filter(|k| self.keys.get(k).is_ok())
            .collect();
        stored_keys.dedup();
        StudioState {
            collection_path: inner.collection_path.display().to_string(),
            collections: collections_beside(&inner.collection_path, &inner.profile_path),
            collection: inner.collection.clone(),
            program_scene: inner.program_scene.clone(),
            preview_scene: inner.preview_scene.clone(),
            profile: inner.profile.clone(),
            live: inner.live.iter().map(|(name, _)| name.clone()).collect(),
            replay_buffer: inner.replay,
            live_ends_in_s: inner
                .live_ends_at
                .map(|at| at.saturating_duration_since(Instant::now()).as_secs_f64()),
            recording: inner
                .recording
                .first()
                .map(|(_, path)| path.display().to_string()),
            recording_files: inner
                .recording
                .iter()
                .map(|(_, path)| path.display().to_string())
                .collect(),
            recording_aired: inner
                .recording_aired
                .first()
                .map(|(_, path)| path.display().to_string()),
            source_sizes: inner
                .program
                .source_sizes()
                .into_iter()
                .map(|(id, width, height)| SourceSize { id, width, height })
                .collect(),
            stored_keys,
            destination_canvases: {
                let canvases = inner.collection.canvas_sizes();
                inner
                    .profile
                    .destinations
                    .iter()
                    .map(|d| (d.name.clone(), d.canvas_in(&canvases)))
                    .collect()
            },
            brand: inner.collection.branding.as_ref().map(|b| BrandState {
                path: b.path.display().to_string(),
                kit: b.kit.clone(),
                branded: inner
                    .collection
                    .sources
                    .iter()
                    .filter(|s| b.brands(s))
                    .map(|s| s.id.clone())
                    .collect(),
            }),
            replay_saved: inner.replay_saved.as_ref().map(|p| p.display().to_string()),
            remote: self.remote_state(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap()
    }

    fn notice(&self, level: NoticeLevel, message: String) {
        let _ = self.events.send(Event::Notice { level, message });
    }

    /// Carries out a command; on success every connection gets the new state.
    pub fn handle(&self, command: Command) -> Result<(), StudioError> {
        let mut inner = self.lock();
        match command {
            Command::GetState => {}
            command @ (Command::SwitchScene { .. }
            | Command::SetStudioMode { .. }
            | Command::Transition { .. }) => self.switch(&mut inner, command)?,
            Command::Panic => self.panic(&mut inner)?,
            Command::RenderPictures {
                scenes,
                sources,
                templates,
                brand_files,
                guests,
            } => {
                let wanted = scenes
                    .into_iter()
                    .map(|name| PictureOf::Scene { name })
                    .chain(sources.into_iter().map(|id| PictureOf::Source { id }))
                    .chain(
                        templates
                            .into_iter()
                            .map(|sample| PictureOf::Template { sample }),
                    )
                    .chain(
                        brand_files
                            .into_iter()
                            .map(|file| PictureOf::BrandFile { file }),
                    )
                    .chain(guests.into_iter().map(|slot| PictureOf::Guest { slot }))
                    .collect();
                let (c, path) = (&inner.collection, &inner.collection_path);
                self.pictures.request(c, path, wanted, self.events.clone());
                // Nothing changed: no new state for the pages.
                return Ok(());
            }
            command @ (Command::GuestLink { .. }
            | Command::AdmitGuest { .. }
            | Command::SendGuestBack { .. }
            | Command::RemoveGuest { .. }) => {
                // Reads the collection itself; nothing the pages keep changes.
                drop(inner);
                return self.guest_command(command);
            }
            Command::ListDevices => {
                let devices =
                    streamwerk_capture::list_devices().map_err(|e| refused(e.to_string()))?;
                let _ = self.events.send(Event::Devices { devices });
            }
            command @ (Command::AddScene { .. }
            | Command::RenameScene { .. }
            | Command::DuplicateScene { .. }
            | Command::RemoveScene { .. }
            | Command::MoveScene { .. }
            | Command::SetSafeScene { .. }
            | Command::SetTransition { .. }
            | Command::SetSceneTransition { .. }
            | Command::AddSource { .. }
            | Command::UpdateSource { .. }
            | Command::SetTransforms { .. }
            | Command::SetLayerVisible { .. }
            | Command::SetLayerLocked { .. }
            | Command::MoveLayer { .. }
            | Command::ArrangePeople { .. }
            | Command::RemoveLayer { .. }
            | Command::SetAudioMix { .. }
            | Command::SetCanvas { .. }) => self.edit_collection(&mut inner, command)?,
            command @ (Command::AddCanvas { .. } | Command::RemoveCanvas { .. }) => {
                self.edit_canvases(&mut inner, command)?
            }
            command @ (Command::SetDestination { .. }
            | Command::RemoveDestination { .. }
            | Command::SetStreamKey { .. }
            | Command::GoLive { .. }
            | Command::StopLive
            | Command::StopLiveAfterDelay
            | Command::AddMarker { .. }
            | Command::StartReplayBuffer
            | Command::SetReplayBufferLength { .. }
            | Command::StopReplayBuffer
            | Command::SaveReplay
            | Command::SetStreamDelay { .. }
            | Command::StartRecording
            | Command::StopRecording
            | Command::ReconnectDestination { .. }) => self.outputs(&mut inner, command)?,
            command @ (Command::Save
            | Command::SetOutputSettings { .. }
            | Command::SetGuestNetwork { .. }
            | Command::SetHotkeys { .. }
            | Command::OpenCollection { .. }
            | Command::SaveCollectionAs { .. }
            | Command::ListFiles { .. }) => self.documents(&mut inner, command)?,
            Command::ImportObs {
                path,
                profile_dir,
                fit_1080p,
            } => {
                let limit = if fit_1080p == Some(true) {
                    streamwerk_obs_import::CanvasLimit::Hd1080
                } else {
                    streamwerk_obs_import::CanvasLimit::Largest
                };
                self.import_obs(&mut inner, &path, profile_dir.as_deref(), limit)?
            }
            command @ (Command::UpdateBrand { .. }
            | Command::SetBrandLock { .. }
            | Command::AddTemplate { .. }
            | Command::AddBrandFile { .. }
            | Command::ExportBrand { .. }
            | Command::ImportBrand { .. }) => self.brand(&mut inner, command)?,
            command @ (Command::SetRemoteControl { .. }
            | Command::ShowRemotePassword
            | Command::NewRemotePassword
            | Command::DisconnectRemoteClient { .. }) => {
                self.remote_command(&mut inner, command)?
            }
        }
        drop(inner);
        let _ = self.events.send(Event::State {
            state: self.state(),
        });
        Ok(())
    }

    /// Cuts the program to the collection's safe scene at once; held seconds behind a stream
    /// delay are thrown away.
    fn panic(&self, inner: &mut Inner) -> Result<(), StudioError> {
        let safe = inner.collection.safe_scene.clone().ok_or_else(|| {
            refused(
                "no scene is marked safe: mark one (a \"be right back\" card) in the scene list",
            )
        })?;
        let shown = Shown {
            program: &safe,
            preview: inner.preview_scene.as_deref(),
        };
        // A cut, whatever the transition: the safe scene is on air from the next frame.
        let dropped = inner
            .program
            .panic(&inner.collection, shown, inner.session.as_ref())?;
        let held = if dropped > 0 {
            "; the delayed seconds were thrown away and will not air"
        } else {
            ""
        };
        self.notice(
            NoticeLevel::Warning,
            format!("panic: on air is `{safe}`{held}"),
        );
        inner.program_scene = safe;
        Ok(())
    }

    /// Scene switches, studio mode and its Transition.
    fn switch(&self, inner: &mut Inner, command: Command) -> Result<(), StudioError> {
        let (program, preview, transition) = match command {
            Command::SwitchScene { scene } => match &inner.preview_scene {
                Some(_) => (inner.program_scene.clone(), Some(scene), None),
                None => (scene, None, None),
            },
            Command::SetStudioMode { on } => (
                inner.program_scene.clone(),
                on.then(|| inner.program_scene.clone()),
                None,
            ),
            Command::Transition { transition } => {
                let preview = inner.preview_scene.clone().ok_or_else(|| {
                    refused("studio mode is off: pick a scene to switch to, or turn studio mode on")
                })?;
                (preview.clone(), Some(preview), transition)
            }
            _ => unreachable!("Studio::handle sends only these commands here"),
        };
        let changes = program != inner.program_scene;
        let transition = transition
            .as_ref()
            .unwrap_or_else(|| inner.collection.transition_to(&program));
        let shown = Shown {
            program: &program,
            preview: preview.as_deref(),
        };
        inner
            .program
            .show(&inner.collection, shown, changes.then_some(transition))?;
        inner.program_scene = program;
        inner.preview_scene = preview;
        Ok(())
    }

    /// Stops recording and streaming (recordings are finalised) and the program.
    pub fn shutdown(&self) {
        self.stop_guests();
        let mut inner = self.lock();
        inner.live.clear();
        inner.recording.clear();
        inner.recording_aired.clear();
        inner.replay = false;
        if let Some(session) = inner.session.take() {
            session.stop();
            if let Err(e) = session.wait() {
                tracing::warn!("the output session ended with: {e}");
            }
        }
        inner.program.stop();
    }
}
