//! The studio behind every UI: the open scene collection and profile, the program on air,
//! and the output session that records and goes live. The desktop app and `streamwerk serve`
//! both drive it with protocol [`Command`]s and forward its [`Event`]s, so they behave alike.
//!
//! Edits are checked like a file on disk (same validation, same messages), applied to the
//! running program (unchanged sources keep running) and saved at once: nothing is lost when
//! the app dies.

mod preview;
pub mod preview_socket;

pub use preview::PreviewStream;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use streamwerk_engine::{EngineError, Preview, Program, Session, SessionConfig};
use streamwerk_keys::{KeyError, KeyStore};
use streamwerk_outputs::{validate_url, Backoff, DestinationSpec};
use streamwerk_protocol::{
    Command, Event, FileEntry, FileListing, NoticeLevel, SourceSize, StudioState, StudioStats,
};
use streamwerk_scene::{
    check_collection, is_key_name, load_collection, load_profile, Collection, LoadError, Profile,
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

/// An open studio. Shared by the connections of a UI; every method takes `&self`.
pub struct Studio {
    /// Outlives the program: a new canvas or collection restarts the program, not the preview.
    preview: Arc<Preview>,
    inner: Mutex<Inner>,
    events: broadcast::Sender<Event>,
    keys: KeyStore,
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
    session: Option<Session>,
    /// (profile destination name, sink name) of every destination going out.
    live: Vec<(String, String)>,
    /// (sink name, file) of the recording.
    recording: Option<(String, PathBuf)>,
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
        let preview = Arc::new(Preview::default());
        let program = Program::start(&collection, &program_scene, preview.clone())?;
        let (events, _) = broadcast::channel(256);
        let studio = Arc::new(Studio {
            preview,
            inner: Mutex::new(Inner {
                program,
                cpu_sample: (Instant::now(), process_cpu()),
                collection,
                collection_path: collection_path.to_path_buf(),
                profile,
                profile_path: profile_path.to_path_buf(),
                program_scene,
                session: None,
                live: Vec::new(),
                recording: None,
            }),
            events,
            keys,
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

    /// Starts watching the program: the stream yields preview messages (header and JPEG) as
    /// both carriers send them. Make it on the thread that reads it.
    pub fn preview_stream(&self) -> Result<PreviewStream, StudioError> {
        PreviewStream::new(&self.preview).map_err(StudioError::Refused)
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
            profile: inner.profile.clone(),
            live: inner.live.iter().map(|(name, _)| name.clone()).collect(),
            recording: inner
                .recording
                .as_ref()
                .map(|(_, path)| path.display().to_string()),
            source_sizes: inner
                .program
                .source_sizes()
                .into_iter()
                .map(|(id, width, height)| SourceSize { id, width, height })
                .collect(),
            stored_keys,
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
            Command::SwitchScene { scene } => {
                inner.program.show(&inner.collection, &scene)?;
                inner.program_scene = scene;
            }
            Command::AddScene { name } => self.edit(&mut inner, |c| {
                c.scenes.push(streamwerk_scene::Scene {
                    name,
                    layers: Vec::new(),
                });
                Ok(())
            })?,
            Command::RenameScene { scene, name } => {
                self.edit(&mut inner, |c| {
                    scene_mut(c, &scene)?.name = name.clone();
                    Ok(())
                })?;
                if inner.program_scene == scene {
                    inner.program_scene = name;
                }
            }
            Command::DuplicateScene { scene, name } => self.edit(&mut inner, |c| {
                let mut copy = scene_mut(c, &scene)?.clone();
                copy.name = name;
                let at = c.scenes.iter().position(|s| s.name == scene).unwrap_or(0);
                c.scenes.insert(at + 1, copy);
                Ok(())
            })?,
            Command::RemoveScene { scene } => {
                if inner.program_scene == scene {
                    return Err(refused(format!(
                        "scene `{scene}` is on air; switch to another scene first"
                    )));
                }
                self.edit(&mut inner, |c| {
                    scene_mut(c, &scene)?;
                    c.scenes.retain(|s| s.name != scene);
                    drop_unused_sources(c);
                    Ok(())
                })?
            }
            Command::MoveScene { scene, index } => self.edit(&mut inner, |c| {
                let from = c
                    .scenes
                    .iter()
                    .position(|s| s.name == scene)
                    .ok_or_else(|| no_scene(&scene))?;
                let moved = c.scenes.remove(from);
                c.scenes.insert(index.min(c.scenes.len()), moved);
                Ok(())
            })?,
            Command::AddSource {
                scene,
                source,
                transform,
            } => self.edit(&mut inner, |c| {
                if c.source(&source.id).is_some() {
                    return Err(refused(format!(
                        "a source with id `{}` exists; choose another id",
                        source.id
                    )));
                }
                let id = source.id.clone();
                c.sources.push(source);
                scene_mut(c, &scene)?.layers.push(streamwerk_scene::Layer {
                    source: id,
                    transform,
                    visible: true,
                    locked: false,
                });
                Ok(())
            })?,
            Command::UpdateSource { source } => self.edit(&mut inner, |c| {
                let slot = c
                    .sources
                    .iter_mut()
                    .find(|s| s.id == source.id)
                    .ok_or_else(|| refused(format!("there is no source `{}`", source.id)))?;
                *slot = source;
                Ok(())
            })?,
            Command::SetTransforms { scene, layers } => self.edit(&mut inner, |c| {
                for change in layers {
                    let layer = layer_mut(c, &scene, &change.source)?;
                    if layer.locked {
                        return Err(refused(format!(
                            "`{}` is locked in `{scene}`; unlock it to move it",
                            change.source
                        )));
                    }
                    layer.transform = change.transform;
                }
                Ok(())
            })?,
            Command::SetLayerVisible {
                scene,
                source,
                visible,
            } => self.edit(&mut inner, |c| {
                layer_mut(c, &scene, &source)?.visible = visible;
                Ok(())
            })?,
            Command::SetLayerLocked {
                scene,
                source,
                locked,
            } => self.edit(&mut inner, |c| {
                layer_mut(c, &scene, &source)?.locked = locked;
                Ok(())
            })?,
            Command::MoveLayer {
                scene,
                source,
                index,
            } => self.edit(&mut inner, |c| {
                let layers = &mut scene_mut(c, &scene)?.layers;
                let from = layers
                    .iter()
                    .position(|l| l.source == source)
                    .ok_or_else(|| no_layer(&scene, &source))?;
                let moved = layers.remove(from);
                layers.insert(index.min(layers.len()), moved);
                Ok(())
            })?,
            Command::RemoveLayer { scene, source } => self.edit(&mut inner, |c| {
                let layers = &mut scene_mut(c, &scene)?.layers;
                let before = layers.len();
                layers.retain(|l| l.source != source);
                if layers.len() == before {
                    return Err(no_layer(&scene, &source));
                }
                drop_unused_sources(c);
                Ok(())
            })?,
            Command::SetDestination { destination } => {
                let mut profile = inner.profile.clone();
                match profile
                    .destinations
                    .iter_mut()
                    .find(|d| d.name == destination.name)
                {
                    Some(d) => *d = destination,
                    None => profile.destinations.push(destination),
                }
                self.set_profile(&mut inner, profile)?;
            }
            Command::RemoveDestination { name } => {
                if inner.live.iter().any(|(n, _)| *n == name) {
                    return Err(refused(format!(
                        "`{name}` is live; stop streaming before removing it"
                    )));
                }
                let mut profile = inner.profile.clone();
                profile.destinations.retain(|d| d.name != name);
                self.set_profile(&mut inner, profile)?;
            }
            Command::SetStreamKey { name, key } => {
                if !is_key_name(&name) {
                    return Err(refused(format!(
                        "`{name}` cannot name a key: use letters, digits, '-', '_' and '.'"
                    )));
                }
                let key = key.trim();
                if key.is_empty() {
                    return Err(refused(
                        "the stream key is empty; paste it from the platform's dashboard",
                    ));
                }
                self.keys.set(&name, key)?;
            }
            Command::GoLive => self.go_live(&mut inner)?,
            Command::StopLive => {
                let live = std::mem::take(&mut inner.live);
                if let Some(session) = &inner.session {
                    for (_, sink) in &live {
                        if let Err(e) = session.remove_sink(sink) {
                            self.notice(NoticeLevel::Error, e.to_string());
                        }
                    }
                }
                self.end_session_if_idle(&mut inner);
            }
            Command::StartRecording => self.start_recording(&mut inner)?,
            Command::StopRecording => {
                if let (Some((sink, path)), Some(session)) =
                    (inner.recording.take(), &inner.session)
                {
                    session.remove_sink(&sink)?;
                    self.notice(NoticeLevel::Info, format!("saved {}", path.display()));
                }
                self.end_session_if_idle(&mut inner);
            }
            Command::ReconnectDestination { name } => {
                let sink = inner
                    .live
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, sink)| sink.clone())
                    .ok_or_else(|| refused(format!("`{name}` is not live")))?;
                if let Some(status) = inner.session.as_ref().and_then(|s| s.destination(&sink)) {
                    status.reconnect_now();
                }
            }
            Command::SetAudioMix { source, mix } => {
                let mut next = inner.collection.clone();
                let found = next.sources.iter_mut().find(|s| s.id == source);
                let found = found.ok_or_else(|| refused(format!("no source `{source}`")))?;
                found.audio = mix.clone();
                accept(check_collection(&next))?;
                // Straight to the mixer: a fader move must not reopen anything.
                inner.program.set_mix(&source, &mix);
                save_json(&inner.collection_path, &next)?;
                inner.collection = next;
            }
            Command::ListDevices => {
                let devices =
                    streamwerk_capture::list_devices().map_err(|e| refused(e.to_string()))?;
                let _ = self.events.send(Event::Devices { devices });
            }
            Command::Save => {
                save_json(&inner.collection_path, &inner.collection)?;
                save_json(&inner.profile_path, &inner.profile)?;
            }
            Command::SetCanvas { canvas } => {
                let mut next = inner.collection.clone();
                if (canvas.width, canvas.height) != (next.canvas.width, next.canvas.height) {
                    next.rescale_canvas(canvas.width, canvas.height);
                }
                next.canvas = canvas;
                let scene = inner.program_scene.clone();
                self.replace_collection(&mut inner, next, scene)?;
                let path = inner.collection_path.clone();
                save_json(&path, &inner.collection)?;
            }
            Command::SetOutputSettings {
                video,
                audio,
                recording,
            } => {
                let encoder_changes = video != inner.profile.video || audio != inner.profile.audio;
                if inner.session.is_some() && encoder_changes {
                    return Err(refused(
                        "the encoder cannot change while recording or live; stop both, then apply",
                    ));
                }
                let profile = Profile {
                    video,
                    audio,
                    recording,
                    ..inner.profile.clone()
                };
                self.set_profile(&mut inner, profile)?;
            }
            Command::OpenCollection { path } => {
                let path = beside(&inner.collection_path, &path);
                let next = load_collection(&path)?;
                let scene = next.scenes[0].name.clone();
                self.replace_collection(&mut inner, next, scene)?;
                inner.collection_path = path;
            }
            Command::SaveCollectionAs { path } => {
                let path = beside(&inner.collection_path, &path);
                if path.extension().is_none_or(|e| e != "json") || path == inner.profile_path {
                    return Err(refused(format!(
                        "{}: a collection is a .json file other than the profile; choose such a name",
                        path.display()
                    )));
                }
                if path.exists() {
                    return Err(refused(format!(
                        "{} exists; choose another name (nothing was overwritten)",
                        path.display()
                    )));
                }
                let mut copy = inner.collection.clone();
                copy.make_paths_absolute();
                copy.base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
                save_json(&path, &copy)?;
                inner.collection = copy;
                inner.collection_path = path;
            }
            Command::ListFiles { folder } => {
                let folder = match folder {
                    Some(folder) => beside(&inner.collection_path, &folder),
                    None => beside(&inner.collection_path, "."),
                };
                let listing = list_media(&folder).map_err(|e| {
                    refused(format!(
                        "cannot list {}: {e}; choose another folder",
                        folder.display()
                    ))
                })?;
                let _ = self.events.send(Event::Files { listing });
            }
        }
        drop(inner);
        let _ = self.events.send(Event::State {
            state: self.state(),
        });
        Ok(())
    }

    /// Applies an edit to a copy of the collection, checks it like a file on disk, shows it
    /// and saves it; on any failure nothing changes.
    fn edit(
        &self,
        inner: &mut Inner,
        change: impl FnOnce(&mut Collection) -> Result<(), StudioError>,
    ) -> Result<(), StudioError> {
        let mut next = inner.collection.clone();
        change(&mut next)?;
        accept(check_collection(&next))?;
        inner.program.show(&next, &inner.program_scene)?;
        save_json(&inner.collection_path, &next)?;
        inner.collection = next;
        Ok(())
    }

    /// Puts another collection (or this one on another canvas) on air at `scene`. The same
    /// canvas is an edit like any other; a new one restarts the program, which only an idle
    /// studio can do (the encoder's picture size is fixed while it runs). The new program
    /// starts before the old one stops, so the preview never goes dark and a device busy for
    /// a moment is simply retried by its source.
    fn replace_collection(
        &self,
        inner: &mut Inner,
        next: Collection,
        scene: String,
    ) -> Result<(), StudioError> {
        accept(check_collection(&next))?;
        if next.canvas == inner.collection.canvas {
            inner.program.show(&next, &scene)?;
        } else {
            if inner.session.is_some() {
                return Err(refused(
                    "the canvas cannot change while recording or live; stop both, then apply",
                ));
            }
            let program = Program::start(&next, &scene, self.preview.clone())?;
            let old = std::mem::replace(&mut inner.program, program);
            old.stop();
            std::thread::spawn(move || {
                if let Err(e) = old.wait() {
                    tracing::warn!("the previous program ended with: {e}");
                }
            });
        }
        inner.collection = next;
        inner.program_scene = scene;
        Ok(())
    }

    fn set_profile(&self, inner: &mut Inner, profile: Profile) -> Result<(), StudioError> {
        accept(streamwerk_scene::check_profile(&profile))?;
        save_json(&inner.profile_path, &profile)?;
        inner.profile = profile;
        Ok(())
    }

    /// The running session, started with nothing in it when there is none.
    fn session<'a>(&self, inner: &'a mut Inner) -> Result<&'a Session, StudioError> {
        if inner.session.is_none() {
            inner.session = Some(inner.program.start_session(SessionConfig {
                video: inner.profile.video.clone(),
                audio: inner.profile.audio.clone(),
                recordings: Vec::new(),
                destinations: Vec::new(),
                duration: None,
            })?);
        }
        Ok(inner.session.as_ref().expect("just started"))
    }

    fn go_live(&self, inner: &mut Inner) -> Result<(), StudioError> {
        if !inner.live.is_empty() {
            return Err(refused("already live; stop streaming first"));
        }
        let canvas = inner.collection.canvas;
        let mut specs = Vec::new();
        for d in inner.profile.destinations.iter().filter(|d| d.enabled) {
            let key = match &d.key {
                Some(name) => Some(
                    self.keys
                        .get(name)
                        .map_err(|e| refused(format!("destination `{}`: {e}", d.name)))?,
                ),
                None => None,
            };
            let url = d.url(key.as_deref()).ok_or_else(|| {
                refused(format!(
                    "destination `{}`: {} needs the server URL from its dashboard",
                    d.name,
                    d.platform.label()
                ))
            })?;
            validate_url(&url).map_err(|e| refused(format!("destination `{}`: {e}", d.name)))?;
            let picture = (canvas.width, canvas.height, canvas.fps);
            for warning in d
                .platform
                .check(&inner.profile.video, &inner.profile.audio, picture)
            {
                self.notice(NoticeLevel::Warning, format!("{}: {warning}", d.name));
            }
            specs.push((
                d.name.clone(),
                DestinationSpec {
                    name: d.name.clone(),
                    url,
                    backoff: Backoff::default(),
                    ca_file: None,
                },
            ));
        }
        if specs.is_empty() {
            return Err(refused(
                "no destination is enabled; add one under Destinations and enable it",
            ));
        }
        let session = self.session(inner)?;
        let mut live = Vec::new();
        for (name, spec) in specs {
            live.push((name, session.add_destination(spec)?));
        }
        inner.live = live;
        Ok(())
    }

    fn start_recording(&self, inner: &mut Inner) -> Result<(), StudioError> {
        if inner.recording.is_some() {
            return Err(refused("already recording"));
        }
        let settings = inner.profile.recording.clone();
        let folder = if settings.folder.is_absolute() {
            settings.folder.clone()
        } else {
            inner
                .collection_path
                .parent()
                .unwrap_or(Path::new("."))
                .join(&settings.folder)
        };
        std::fs::create_dir_all(&folder).map_err(|source| StudioError::Save {
            path: folder.clone(),
            source,
        })?;
        let stamp = chrono::Local::now().format("%Y-%m-%d_%H-%M-%S");
        let file_name: String = inner
            .collection
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let path = folder.join(format!(
            "{file_name}-{stamp}.{}",
            settings.format.extension()
        ));
        let format = settings.format;
        let session = self.session(inner)?;
        let sink = session.add_recording(&path, format)?;
        inner.recording = Some((sink, path));
        Ok(())
    }

    /// Ends the session once nothing records or streams, draining it in the background.
    fn end_session_if_idle(&self, inner: &mut Inner) {
        if inner.live.is_empty() && inner.recording.is_none() {
            if let Some(session) = inner.session.take() {
                session.stop();
                std::thread::spawn(move || {
                    if let Err(e) = session.wait() {
                        tracing::warn!("the output session ended with: {e}");
                    }
                });
            }
        }
    }

    /// Stops recording and streaming (recordings are finalised) and the program.
    pub fn shutdown(&self) {
        let mut inner = self.lock();
        inner.live.clear();
        inner.recording = None;
        if let Some(session) = inner.session.take() {
            session.stop();
            if let Err(e) = session.wait() {
                tracing::warn!("the output session ended with: {e}");
            }
        }
        inner.program.stop();
    }

    fn stats(&self) -> StudioStats {
        let mut inner = self.lock();
        let session = inner.session.as_ref().map(Session::stats);
        let program = inner.program.stats();
        let (then, cpu_then) = inner.cpu_sample;
        let (now, cpu_now) = (Instant::now(), process_cpu());
        inner.cpu_sample = (now, cpu_now);
        let wall = now.duration_since(then).as_secs_f64();
        StudioStats {
            render_fps: program.fps,
            frames_lagged: program.frames_lagged,
            compose_ms_avg: program.compose_ms_avg,
            cpu_percent: if wall > 0.0 {
                100.0 * cpu_now.saturating_sub(cpu_then).as_secs_f64() / wall
            } else {
                0.0
            },
            session,
        }
    }
}

/// While anyone listens: meters 20 times a second, counters twice a second.
fn stats_loop(studio: Weak<Studio>) {
    for tick in 0u64.. {
        std::thread::sleep(Duration::from_millis(50));
        let Some(studio) = studio.upgrade() else {
            return;
        };
        if studio.events.receiver_count() > 0 {
            let meters = studio.lock().program.meters();
            let _ = studio.events.send(Event::Meters { meters });
            if tick % 10 == 9 {
                let stats = studio.stats();
                let _ = studio.events.send(Event::Stats { stats });
            }
        }
    }
}

fn scene_mut<'a>(
    c: &'a mut Collection,
    scene: &str,
) -> Result<&'a mut streamwerk_scene::Scene, StudioError> {
    c.scenes
        .iter_mut()
        .find(|s| s.name == scene)
        .ok_or_else(|| no_scene(scene))
}

fn layer_mut<'a>(
    c: &'a mut Collection,
    scene: &str,
    source: &str,
) -> Result<&'a mut streamwerk_scene::Layer, StudioError> {
    scene_mut(c, scene)?
        .layers
        .iter_mut()
        .find(|l| l.source == source)
        .ok_or_else(|| no_layer(scene, source))
}

fn no_scene(scene: &str) -> StudioError {
    refused(format!("there is no scene `{scene}`"))
}

fn no_layer(scene: &str, source: &str) -> StudioError {
    refused(format!("scene `{scene}` does not show `{source}`"))
}

/// Sources no scene shows any more are removed with their last layer.
fn drop_unused_sources(c: &mut Collection) {
    let used: Vec<String> = c
        .scenes
        .iter()
        .flat_map(|s| s.layers.iter().map(|l| l.source.clone()))
        .collect();
    c.sources.retain(|s| used.contains(&s.id));
}

/// CPU time this process has used, all threads together.
fn process_cpu() -> Duration {
    cpu_time::ProcessTime::try_now().map_or(Duration::ZERO, |t| t.as_duration())
}

/// `path` as the user typed it: relative to the open collection's folder.
fn beside(collection: &Path, path: &str) -> PathBuf {
    let path = Path::new(path.trim());
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        collection.parent().unwrap_or(Path::new(".")).join(path)
    }
}

/// The other collection files in the open one's folder (`.json`, the profile aside), for the
/// UI's Open list.
fn collections_beside(collection: &Path, profile: &Path) -> Vec<String> {
    let folder = collection.parent().unwrap_or(Path::new("."));
    let mut found: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p != profile)
        .map(|p| p.display().to_string())
        .collect();
    found.sort();
    found
}

/// File endings the sources read: pictures for image sources, video and sound for media files.
const MEDIA_ENDINGS: [&str; 15] = [
    "png", "jpg", "jpeg", "gif", "webp", "mp4", "mkv", "mov", "webm", "ts", "mp3", "wav", "flac",
    "ogg", "m4a",
];
/// A folder with more than this many entries is shown in part.
const MOST_FILES: usize = 1000;

/// A folder's subfolders and media files (hidden ones aside), for the UI's file pickers.
fn list_media(folder: &Path) -> std::io::Result<FileListing> {
    let folder = folder.canonicalize()?;
    let mut entries: Vec<FileEntry> = std::fs::read_dir(&folder)?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_folder = entry.file_type().ok()?.is_dir() || entry.path().is_dir();
            let media = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| MEDIA_ENDINGS.contains(&e.to_ascii_lowercase().as_str()));
            (!name.starts_with('.') && (is_folder || media)).then(|| FileEntry {
                path: entry.path().display().to_string(),
                name,
                folder: is_folder,
            })
        })
        .take(MOST_FILES)
        .collect();
    entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| a.name.cmp(&b.name)));
    Ok(FileListing {
        parent: folder.parent().map(|p| p.display().to_string()),
        folder: folder.display().to_string(),
        entries,
    })
}

/// Writes a document atomically (temporary file, then rename): a crash never leaves half a file.
fn save_json<T: serde::Serialize>(path: &Path, document: &T) -> Result<(), StudioError> {
    let text = serde_json::to_string_pretty(document).expect("documents serialise");
    let tmp = path.with_extension("json.tmp");
    let write = || -> std::io::Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&tmp, text + "\n")?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| StudioError::Save {
        path: path.to_path_buf(),
        source,
    })
}

/// The user's own collection, `collection.json` in the data folder: on first use a copy of the
/// demo whose asset paths point at the installed assets, so edits never touch the demo.
pub fn own_collection() -> Result<PathBuf, StudioError> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("streamwerk");
    let mine = data.join("collection.json");
    if mine.exists() {
        return Ok(mine);
    }
    let demo = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/scenes/demo.json"
    ));
    let mut collection = load_collection(demo)?;
    collection.make_paths_absolute();
    save_json(&mine, &collection)?;
    Ok(mine)
}
