//! The running engine: a [`Program`] opens a scene's sources, composes on a video thread and
//! mixes on an audio thread, both paced by one master clock, for as long as the studio is
//! open; a [`Session`] encodes it once on two encoder threads and fans the packets out to
//! every sink. [`Engine`] is the two together for one show. See `docs/architecture.md`.

mod active_scene;
#[cfg(test)]
mod graphic_views_tests;
mod meters;
mod preview;
mod program;
mod run;
mod scene_audio;
mod session;
mod splice;
mod stats;
#[cfg(test)]
mod test_rig;
mod transition;
#[cfg(test)]
mod transition_tests;

pub use active_scene::{
    render_frame, source_sizes, ActiveScene, Canvases, OpenSources, ScenePlan, SceneVideo, Shown,
};
pub use meters::{Meters, SourceMeter};
pub use preview::{Preview, PreviewFrame, Watch};
pub use program::{Previews, Program, ProgramStats};
pub use run::{Engine, EngineConfig};
pub use scene_audio::{AudioPlan, SceneAudio};
pub use session::{RecordingSpec, Session, SessionConfig};
pub use stats::{CanvasStats, EngineStats, StatsSnapshot};
pub use streamwerk_outputs::{
    DelaySnapshot, DestinationSnapshot, DestinationState, SinkStatsSnapshot,
};
pub use streamwerk_sources::DeviceState;
pub use transition::check_transition;

use streamwerk_encode::EncodeError;
use streamwerk_outputs::OutputError;
use streamwerk_sources::SourceError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("scene `{name}` is not in the collection; it has: {available}")]
    UnknownScene { name: String, available: String },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("a replay buffer of {asked_s} s cannot be kept; give 1 to {most_s} s")]
    ReplayTooLong { asked_s: f64, most_s: u64 },
    #[error("the replay buffer is off; start it (--replay-buffer SECONDS, or Replay buffer in the studio) to keep the last seconds")]
    NoReplayBuffer,
    #[error("a stream delay of {asked_s} s is too long; give 0 to {most_s} s")]
    DelayTooLong { asked_s: f64, most_s: u64 },
    #[error("the stinger {path} cannot be played: {reason}; set the transition's `path` to a video FFmpeg reads (WebM VP9 with alpha or ProRes 4444 for one the scenes show through)")]
    Stinger { path: String, reason: String },
    #[error("the collection marks no safe scene to cut to; add \"safe_scene\": \"<scene name>\" to it (a \"be right back\" card)")]
    NoSafeScene,
    #[error("there is no canvas `{name}`; the collection has: {available}")]
    UnknownCanvas { name: String, available: String },
    #[error("the canvases changed (a size, the frame rate, or a canvas added or removed); stop streaming and recording, then apply it")]
    CanvasChanged,
    #[error("an engine thread panicked; this is a bug, please report it with the log")]
    Panicked,
}

impl EngineError {
    /// True when the user's input (scene, files, settings) is at fault rather than the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            EngineError::UnknownScene { .. }
                | EngineError::UnknownCanvas { .. }
                | EngineError::Source(_)
                | EngineError::NoSafeScene
                | EngineError::Stinger { .. }
                | EngineError::DelayTooLong { .. }
                | EngineError::ReplayTooLong { .. }
        )
    }
}
