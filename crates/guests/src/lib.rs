//! Remote guests. A guest opens an invite link, their browser offers WebRTC to the guest
//! endpoint (WHIP-shaped: POST an SDP offer with the link's token as Bearer, 201 with the
//! answer and a Location, DELETE to leave), and their camera's pictures and microphone's sound
//! are decoded into the feed of their slot, which the collection's `guest` source plays.
//!
//! Threads: the endpoint's HTTP server (tokio, its own listener, apart from the control API);
//! one `guest-rtc` thread with one UDP socket for every guest (str0m, sans-IO); per guest a
//! `guest-video` decoder thread (FFmpeg, H.264 or VP8) and a `guest-audio` one (libopus).
//! What each guest hears back (the program minus their voice, queued in their feed by the
//! engine's audio thread) is encoded to Opus and sent on the `guest-rtc` thread; what they
//! see (the program, small) is encoded once for all on the `guest-show` thread.
//! Nothing here runs on the engine's threads: the engine only takes from a feed.

mod audio;
mod back;
mod ice;
mod invites;
mod iso;
mod listen;
mod lobby;
mod peers;
mod server;
mod show_picture;
mod video;

pub use ice::IceServers;
pub use invites::Invites;
pub use iso::IsoPlan;
pub use listen::Tls;
pub use lobby::{GuestStatus, Limits, Stage};
pub use server::{EndpointConfig, GuestEndpoint};

/// What went wrong, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum GuestError {
    #[error("the guest endpoint cannot listen on {addr}: {reason}; pass another address or port")]
    Listen { addr: String, reason: String },
    #[error("{0}")]
    Refused(String),
}
