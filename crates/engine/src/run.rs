//! One show from start to end, as the CLI runs it: a program and a single session with a
//! fixed set of sinks, stopped together.

use crate::{EngineError, Program, RecordingSpec, Session, SessionConfig, Shown, StatsSnapshot};
use std::time::Duration;
use streamwerk_outputs::DestinationSpec;
use streamwerk_scene::{Collection, Profile, Transition};

/// What to run.
pub struct EngineConfig {
    pub collection: Collection,
    pub scene: String,
    pub profile: Profile,
    /// Recordings, each of one canvas; several canvases' files start at the same frame.
    pub recordings: Vec<RecordingSpec>,
    /// Recordings of what viewers get, behind the stream delay.
    pub aired_recordings: Vec<RecordingSpec>,
    /// Streaming destinations as (canvas name, destination); each connects in parallel and
    /// reconnects on its own.
    pub destinations: Vec<(String, DestinationSpec)>,
    /// Stop by itself after this long.
    pub duration: Option<Duration>,
    /// Stream delay for the destinations (recordings are not delayed).
    pub delay: Duration,
    /// Keep the last this long for "save replay".
    pub replay_buffer: Option<Duration>,
}

/// A running show. Dropping it without [`Engine::wait`] detaches the threads.
pub struct Engine {
    program: Program,
    session: Session,
    collection: Collection,
}

impl Engine {
    /// Opens sources, encoders and sinks, then starts the clock and the threads. Everything
    /// that can fail on bad input fails here, before anything is written.
    pub fn start(config: EngineConfig) -> Result<Engine, EngineError> {
        let program = Program::start(
            &config.collection,
            Shown::program(&config.scene),
            Default::default(),
        )?;
        let session = program.start_session(SessionConfig {
            video: config.profile.video,
            canvas_video: config.profile.canvas_video,
            audio: config.profile.audio,
            recordings: config.recordings,
            destinations: config.destinations,
            duration: config.duration,
            delay: config.delay,
            replay_buffer: config.replay_buffer,
        });
        let session = session.and_then(|session| {
            for recording in &config.aired_recordings {
                session.add_aired_recording(recording)?;
            }
            Ok(session)
        });
        let session = match session {
            Ok(session) => session,
            Err(e) => {
                program.stop();
                program.wait()?;
                return Err(e);
            }
        };
        Ok(Engine {
            program,
            session,
            collection: config.collection,
        })
    }

    /// Shows `scene` from the next frame.
    pub fn cut(&self, scene: &str) -> Result<(), EngineError> {
        self.program.show(
            &self.collection,
            Shown::program(scene),
            Some(&Transition::Cut),
        )
    }

    /// Switches to `scene` through `transition` (the collection's for that scene when None);
    /// returns the transition used.
    pub fn transition(
        &self,
        scene: &str,
        transition: Option<&Transition>,
    ) -> Result<Transition, EngineError> {
        let transition = transition.unwrap_or_else(|| self.collection.transition_to(scene));
        self.program
            .show(&self.collection, Shown::program(scene), Some(transition))?;
        Ok(transition.clone())
    }

    /// Writes the last seconds (the replay buffer) to `path`.
    pub fn save_replay(
        &self,
        path: &std::path::Path,
    ) -> Result<streamwerk_outputs::SavedReplay, EngineError> {
        self.session.save_replay(path)
    }

    /// Marks this moment in the recordings; (seconds into the show, recordings marked).
    pub fn marker(&self, title: Option<&str>) -> Result<(f64, usize), EngineError> {
        self.session.add_marker(title)
    }

    /// Cuts to the collection's safe scene and throws away what the stream delay holds, so
    /// nothing composed before the panic that viewers have not seen reaches them. Returns the
    /// safe scene's name and the packets thrown away.
    pub fn panic(&self) -> Result<(String, usize), EngineError> {
        let safe = self
            .collection
            .safe_scene
            .clone()
            .ok_or(EngineError::NoSafeScene)?;
        let dropped =
            self.program
                .panic(&self.collection, Shown::program(&safe), Some(&self.session))?;
        Ok((safe, dropped))
    }

    /// Ends the show now: video and audio stop at the same clock time, encoders flush and
    /// every recording is finalised.
    pub fn stop(&self) {
        self.session.stop();
    }

    /// True once the show has ended (duration reached, stopped, failed) and is encoded.
    pub fn is_finished(&self) -> bool {
        self.session.is_finished()
    }

    /// Counters now, with rates since the previous call.
    pub fn stats(&self) -> StatsSnapshot {
        StatsSnapshot {
            meters: Some(self.program.meters()),
            ..self.session.stats()
        }
    }

    /// Waits for every thread and returns the final counters or the first failure.
    /// Recordings are finalised either way.
    pub fn wait(self) -> Result<StatsSnapshot, EngineError> {
        let stats = self.session.wait();
        self.program.stop();
        self.program.wait()?;
        stats
    }
}
