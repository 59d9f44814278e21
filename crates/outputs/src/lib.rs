//! Where encoded packets go. The [`FanOut`] hands each packet, by reference, to every sink's
//! own bounded queue and never waits: a sink that falls behind loses its own packets (counted)
//! and resumes at the next keyframe, so it cannot hold up the encoder or the other sinks.
//! Each sink runs a [`Muxer`] on its own thread.

mod delay;
mod destination;
mod fanout;
mod flv;
mod markers;
mod muxer;
mod recording;
mod remux;
mod replay;
mod rtmp;
mod url_check;

pub use delay::{CutPoint, DelayLine, DelaySnapshot, MAX_DELAY};
pub use destination::{
    start_destination, Backoff, Destination, DestinationSpec, DestinationState, DestinationStatus,
};
pub use fanout::{
    DestinationSnapshot, FanOut, KeyframeRequest, SinkFeed, SinkStats, SinkStatsSnapshot,
};
pub use markers::{read_sidecar, Chapter, Markers};
pub use muxer::Muxer;
pub use recording::{start_recording, Recording};
pub use remux::{remux, RemuxSummary};
pub use replay::{ReplayBuffer, SavedReplay, MAX_REPLAY};
pub use streamwerk_encode::mask_url;
pub use url_check::validate_url;

use std::path::PathBuf;
use streamwerk_encode::ffmpeg::{self, Rational, Rescale, Rounding};

/// One AAC frame (1024 samples at 48 kHz) in time base `tb`: how far an AAC packet's sound
/// reaches before its timestamp (its transform window spans the frame before; the packet
/// before the first picture is the encoder's priming).
pub(crate) fn aac_frame_in(tb: Rational) -> i64 {
    1024i64.rescale(Rational::new(1, 48_000), tb)
}

/// `pts` in time base `from`, in time base `to`, rounded down (exact where one divides the
/// other, as 1/30 into 1/48000).
pub(crate) fn rescale_down(pts: i64, from: Rational, to: Rational) -> i64 {
    pts.rescale_with(from, to, Rounding::Down)
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot open {target} for writing: {source}")]
    Open {
        target: String,
        source: ffmpeg::Error,
    },
    #[error("{target}: writing failed: {source}")]
    Write {
        target: String,
        source: ffmpeg::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Input {
        path: PathBuf,
        source: ffmpeg::Error,
    },
    #[error("{target}: {reason}")]
    Network { target: String, reason: String },
    #[error("destination {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("a sink thread panicked; this is a bug, please report it with the log")]
    Panicked,
    #[error("{}: unknown container; name the file .mkv, .mp4, .mov, .flv or .ts", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("cannot write the markers file {}: {source}", path.display())]
    Sidecar {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a markers file ({reason}); move it away to remux without markers", path.display())]
    SidecarFormat { path: PathBuf, reason: String },
}
