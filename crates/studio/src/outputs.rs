//! Going out: destinations and their stream keys, the output session, going live and
//! recording. One session serves both; it ends once neither runs.

use crate::{refused, Inner, Studio, StudioError};
use std::path::Path;
use std::time::{Duration, Instant};
use streamwerk_engine::{RecordingSpec, Session, SessionConfig};
use streamwerk_outputs::{validate_url, Backoff, DestinationSpec};
use streamwerk_protocol::{Command, NoticeLevel};
use streamwerk_scene::{is_key_name, Profile, MAIN_CANVAS};

impl Studio {
    /// Destination, key, live and recording commands.
    pub(crate) fn outputs(&self, inner: &mut Inner, command: Command) -> Result<(), StudioError> {
        match command {
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
                self.set_profile(inner, profile)?;
            }
            Command::RemoveDestination { name } => {
                if inner.live.iter().any(|(n, _)| *n == name) {
                    return Err(refused(format!(
                        "`{name}` is live; stop streaming before removing it"
                    )));
                }
                let mut profile = inner.profile.clone();
                profile.destinations.retain(|d| d.name != name);
                self.set_profile(inner, profile)?;
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
            Command::GoLive { keys } => self.go_live(inner, &keys)?,
            Command::StopLive => self.stop_live(inner),
            Command::StartReplayBuffer => {
                let keep = Duration::from_secs_f64(inner.profile.replay_buffer_s);
                self.session(inner)?.start_replay(keep)?;
                inner.replay = true;
            }
            Command::SetReplayBufferLength { seconds } => {
                let profile = Profile {
                    replay_buffer_s: seconds,
                    ..inner.profile.clone()
                };
                self.set_profile(inner, profile)?;
            }
            Command::StopReplayBuffer => {
                if let Some(session) = &inner.session {
                    session.stop_replay()?;
                }
                inner.replay = false;
                self.end_session_if_idle(inner);
            }
            Command::SaveReplay => {
                let session = inner
                    .session
                    .as_ref()
                    .filter(|_| inner.replay)
                    .ok_or_else(|| {
                        refused("the replay buffer is off; start it with Replay buffer first")
                    })?;
                let path = self.output_file(inner, "-replay", "mkv")?;
                let saved = session.save_replay(&path)?;
                inner.replay_saved = Some(path.clone());
                self.notice(
                    NoticeLevel::Info,
                    format!(
                        "saved the last {:.1} s to {}",
                        saved.seconds,
                        path.display()
                    ),
                );
            }
            Command::AddMarker { title } => {
                let session = inner
                    .session
                    .as_ref()
                    .filter(|_| !inner.recording.is_empty());
                let session = session.ok_or_else(|| {
                    refused("a marker marks the recording; start recording first")
                })?;
                let (at, _) = session.add_marker(title.as_deref())?;
                self.notice(NoticeLevel::Info, format!("marker at {at:.1} s"));
            }
            Command::StopLiveAfterDelay => {
                if inner.live.is_empty() {
                    return Err(refused("not live; nothing to stop"));
                }
                let delay = inner.session.as_ref().map_or(Duration::ZERO, |s| s.delay());
                if delay.is_zero() {
                    self.stop_live(inner);
                } else {
                    inner.live_ends_at = Some(Instant::now() + delay);
                    self.notice(
                        NoticeLevel::Info,
                        format!(
                            "streaming stops in {:.0} s, when viewers have seen up to now",
                            delay.as_secs_f64()
                        ),
                    );
                }
            }
            Command::SetStreamDelay { seconds } => {
                let running = inner.session.is_some();
                if running && seconds != inner.profile.stream_delay_s {
                    return Err(refused(
                        "the stream delay is fixed while recording or live; stop both, then apply",
                    ));
                }
                let profile = Profile {
                    stream_delay_s: seconds,
                    ..inner.profile.clone()
                };
                self.set_profile(inner, profile)?;
            }
            Command::StartRecording => self.start_recording(inner)?,
            Command::StopRecording => {
                self.record_guest_isos(None);
                let mut recordings = std::mem::take(&mut inner.recording);
                recordings.append(&mut inner.recording_aired);
                if let Some(session) = &inner.session {
                    for (sink, path) in recordings {
                        session.remove_sink(&sink)?;
                        self.notice(NoticeLevel::Info, format!("saved {}", path.display()));
                    }
                }
                self.end_session_if_idle(inner);
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
            _ => unreachable!("Studio::handle sends only these commands here"),
        }
        Ok(())
    }

    /// Stops every destination now; what the delay holds is not aired.
    fn stop_live(&self, inner: &mut Inner) {
        inner.live_ends_at = None;
        let live = std::mem::take(&mut inner.live);
        if let Some(session) = &inner.session {
            for (_, sink) in &live {
                if let Err(e) = session.remove_sink(sink) {
                    self.notice(NoticeLevel::Error, e.to_string());
                }
            }
        }
        self.end_session_if_idle(inner);
    }

    /// Carries out a "stop after the delay" whose time has come; true when it did.
    pub(crate) fn stop_live_when_due(&self) -> bool {
        let mut inner = self.lock();
        if inner.live_ends_at.is_none_or(|at| at > Instant::now()) {
            return false;
        }
        self.stop_live(&mut inner);
        true
    }

    /// The running session, started with nothing in it when there is none.
    fn session<'a>(&self, inner: &'a mut Inner) -> Result<&'a Session, StudioError> {
        if inner.session.is_none() {
            inner.session = Some(inner.program.start_session(SessionConfig {
                video: inner.profile.video.clone(),
                canvas_video: inner.profile.canvas_video.clone(),
                audio: inner.profile.audio.clone(),
                recordings: Vec::new(),
                destinations: Vec::new(),
                duration: None,
                delay: Duration::from_secs_f64(inner.profile.stream_delay_s),
                replay_buffer: None,
            })?);
        }
        Ok(inner.session.as_ref().expect("just started"))
    }

    fn go_live(
        &self,
        inner: &mut Inner,
        broadcast_keys: &[streamwerk_protocol::BroadcastKey],
    ) -> Result<(), StudioError> {
        if !inner.live.is_empty() {
            return Err(refused("already live; stop streaming first"));
        }
        let canvases = inner.collection.canvas_sizes();
        let mut specs = Vec::new();
        for d in inner.profile.destinations.iter().filter(|d| d.enabled) {
            let key = if d.key_per_broadcast {
                let given = broadcast_keys
                    .iter()
                    .find(|k| k.destination == d.name && !k.key.trim().is_empty());
                Some(
                    given
                        .ok_or_else(|| {
                            refused(format!(
                                "destination `{}` takes a new key each broadcast: paste this \
                                 broadcast's key from {}'s dashboard when going live",
                                d.name,
                                d.platform.label()
                            ))
                        })?
                        .key
                        .trim()
                        .to_string(),
                )
            } else {
                match &d.key {
                    Some(name) => Some(
                        self.keys
                            .get(name)
                            .map_err(|e| refused(format!("destination `{}`: {e}", d.name)))?,
                    ),
                    None => None,
                }
            };
            let url = d.url(key.as_deref()).ok_or_else(|| {
                refused(format!(
                    "destination `{}`: {} needs the server URL from its dashboard",
                    d.name,
                    d.platform.label()
                ))
            })?;
            validate_url(&url).map_err(|e| refused(format!("destination `{}`: {e}", d.name)))?;
            let canvas = d.canvas_in(&canvases);
            let (_, width, height) = canvases
                .iter()
                .find(|(name, ..)| *name == canvas)
                .ok_or_else(|| {
                    refused(format!(
                        "destination `{}` streams canvas `{canvas}`, which the collection does \
                         not have; pick one of its canvases in the destination",
                        d.name
                    ))
                })?;
            let video = inner.profile.canvas_video.get(&canvas);
            let picture = (*width, *height, inner.collection.canvas.fps);
            for warning in d.platform.check(
                video.unwrap_or(&inner.profile.video),
                &inner.profile.audio,
                picture,
            ) {
                self.notice(NoticeLevel::Warning, format!("{}: {warning}", d.name));
            }
            specs.push((
                d.name.clone(),
                canvas,
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
        for (name, canvas, spec) in specs {
            live.push((name, session.add_destination(&canvas, spec)?));
        }
        inner.live = live;
        Ok(())
    }

    fn start_recording(&self, inner: &mut Inner) -> Result<(), StudioError> {
        if !inner.recording.is_empty() {
            return Err(refused("already recording"));
        }
        let settings = inner.profile.recording.clone();
        let format = settings.format;
        let path = self.output_file(inner, "", format.extension())?;
        let canvases = if settings.canvases.is_empty() {
            vec![MAIN_CANVAS.to_string()]
        } else {
            settings.canvases.clone()
        };
        // One file per canvas, named after the first with the canvas's name added.
        let file = |canvas: &str, suffix: &str| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let tail = if canvas == MAIN_CANVAS {
                String::new()
            } else {
                format!("-{canvas}")
            };
            path.with_file_name(format!("{stem}{tail}{suffix}.{}", format.extension()))
        };
        let session = self.session(inner)?;
        let mut recording = Vec::new();
        let mut aired = Vec::new();
        let started = (|| {
            for canvas in &canvases {
                let spec = RecordingSpec {
                    canvas: canvas.clone(),
                    path: file(canvas, ""),
                    format,
                };
                recording.push((session.add_recording(&spec)?, spec.path.clone()));
                if settings.as_aired {
                    let spec = RecordingSpec {
                        path: file(canvas, "-as-aired"),
                        ..spec
                    };
                    if let Some(sink) = session.add_aired_recording(&spec)? {
                        aired.push((sink, spec.path));
                    }
                }
            }
            Ok::<_, StudioError>(())
        })();
        inner.recording = recording;
        inner.recording_aired = aired;
        if let Err(e) = started {
            // What did start is stopped again, so a failed start records nothing.
            let _ = self.outputs(inner, Command::StopRecording);
            return Err(e);
        }
        // A recording joining the running show starts at its first picture, now: so do the
        // guests' ISO files beside it.
        self.record_guest_isos(Some(streamwerk_guests::IsoPlan {
            prefix: path.with_extension(""),
            origin: Instant::now(),
        }));
        Ok(())
    }

    /// A new file in the recording folder named after the collection and the time, with
    /// `suffix` before the extension; the folder is made if missing.
    fn output_file(
        &self,
        inner: &Inner,
        suffix: &str,
        extension: &str,
    ) -> Result<std::path::PathBuf, StudioError> {
        let settings = &inner.profile.recording;
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
        Ok(folder.join(format!("{file_name}-{stamp}{suffix}.{extension}")))
    }

    /// Ends the session once nothing records or streams, draining it in the background.
    fn end_session_if_idle(&self, inner: &mut Inner) {
        if inner.live.is_empty() && inner.recording.is_empty() && !inner.replay {
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
}
