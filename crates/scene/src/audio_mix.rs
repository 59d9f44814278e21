//! How a source sounds in the mix: its channel strip. Kept on the source, as in OBS, so a
//! microphone keeps its level and filters in every scene that shows it.

use serde::{Deserialize, Serialize};

/// A source's channel strip. Filters run first, in order, then the fader, mono and offset;
/// the monitor hears that, the program hears it unless muted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AudioMix {
    /// Fader, in dB (-60 to +20); 0 leaves the level alone.
    #[serde(default)]
    pub gain_db: f32,
    #[serde(default)]
    pub muted: bool,
    /// Moves the source's sound later (positive) or earlier (negative), in ms (-2000 to 2000),
    /// to line it up with a picture that lags or leads. A live input cannot play ahead of what
    /// it has captured, so on a microphone only positive offsets apply.
    #[serde(default)]
    pub sync_offset_ms: i32,
    /// Folds the channels to one and plays it on both sides.
    #[serde(default)]
    pub mono: bool,
    /// Also plays it on the studio's monitoring output (headphones), after the fader and
    /// before the mute: a muted source can be checked before it goes out.
    #[serde(default)]
    pub monitor: bool,
    /// Left out of what remote guests hear (music cleared for the stream only). Guests hear
    /// the program minus their own voice and minus these.
    #[serde(default)]
    pub not_to_guests: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<AudioFilter>,
}

impl AudioMix {
    pub fn is_default(&self) -> bool {
        *self == AudioMix::default()
    }
}

/// An effect on a channel strip. Written as `{"type": "noise_gate", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AudioFilter {
    /// Silences the source while it is quieter than the threshold: room noise between words.
    NoiseGate(NoiseGate),
    /// A fixed level change, before the fader (for a quiet microphone).
    Gain { db: f32 },
}

/// OBS's gate: opens above `open_threshold_db`, closes below `close_threshold_db` once the
/// hold time has passed; attack and release fade in and out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoiseGate {
    #[serde(default = "gate_open")]
    pub open_threshold_db: f32,
    #[serde(default = "gate_close")]
    pub close_threshold_db: f32,
    #[serde(default = "gate_attack")]
    pub attack_ms: f32,
    #[serde(default = "gate_hold")]
    pub hold_ms: f32,
    #[serde(default = "gate_release")]
    pub release_ms: f32,
}

impl Default for NoiseGate {
    fn default() -> Self {
        NoiseGate {
            open_threshold_db: gate_open(),
            close_threshold_db: gate_close(),
            attack_ms: gate_attack(),
            hold_ms: gate_hold(),
            release_ms: gate_release(),
        }
    }
}

// OBS's defaults.
fn gate_open() -> f32 {
    -26.0
}
fn gate_close() -> f32 {
    -32.0
}
fn gate_attack() -> f32 {
    25.0
}
fn gate_hold() -> f32 {
    200.0
}
fn gate_release() -> f32 {
    150.0
}
