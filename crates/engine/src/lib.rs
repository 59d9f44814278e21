//! The running engine: opens a scene's sources, composes on a video thread and mixes on an
//! audio thread, both paced by one [`MasterClock`], encodes once on two encoder threads and
//! fans the packets out to every sink. See `docs/architecture.md` for the threads and queues.

mod active_scene;
mod run;
mod stats;

pub use active_scene::{render_frame, ActiveScene};
pub use run::{Engine, EngineConfig};
pub use stats::{EngineStats, StatsSnapshot};

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
    #[error("an engine thread panicked; this is a bug, please report it with the log")]
    Panicked,
}

impl EngineError {
    /// True when the user's input (scene, files, settings) is at fault rather than the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            EngineError::UnknownScene { .. } | EngineError::Source(_)
        )
    }
}
