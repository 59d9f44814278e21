use crate::Platform;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How the program is encoded and recorded. Kept apart from scene collections so one set of
/// scenes can go out with different profiles (a 1080p stream, a 720p rehearsal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default = "crate::profile::version")]
    pub schema_version: u32,
    /// The main canvas's video encoder, and that of every other canvas not in `canvas_video`.
    #[serde(default)]
    pub video: VideoEncoderSettings,
    /// Video encoder settings of other canvases, by canvas name (a vertical canvas may want
    /// its own bitrate).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub canvas_video: std::collections::BTreeMap<String, VideoEncoderSettings>,
    #[serde(default)]
    pub audio: AudioEncoderSettings,
    #[serde(default)]
    pub recording: RecordingSettings,
    /// Where `streamwerk stream --profile` goes live; every enabled one at once.
    #[serde(default)]
    pub destinations: Vec<DestinationSettings>,
    /// Seconds the destinations' stream is held before it goes out (0 to 600), so a panic can
    /// take back what viewers have not seen yet. Recordings are not delayed.
    #[serde(default)]
    pub stream_delay_s: f64,
    /// How much the studio's replay buffer keeps, in seconds (1 to 300).
    #[serde(default = "crate::profile::replay_buffer")]
    pub replay_buffer_s: f64,
    /// Keys and what they do; a profile without the field starts with the defaults.
    #[serde(default = "crate::default_hotkeys")]
    pub hotkeys: Vec<crate::Hotkey>,
    /// How remote guests reach the studio through NATs: STUN and TURN servers.
    #[serde(default, skip_serializing_if = "GuestNetwork::is_empty")]
    pub guest_network: GuestNetwork,
    /// Where the remote control (the obs-websocket v5 protocol) listens.
    #[serde(default, skip_serializing_if = "RemoteControl::is_default")]
    pub remote_control: RemoteControl,
}

/// The remote control that stream decks, Companion and scripts speak (obs-websocket v5,
/// docs/remote-api.md): on this computer only, at OBS's port, unless changed here. The command
/// line's `--remote-port` and `--remote-bind` win.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct RemoteControl {
    /// 0 turns the remote control off.
    pub port: u16,
    /// Anything but loopback lets other machines drive the studio: refused without a password.
    #[ts(type = "string")]
    pub bind: std::net::IpAddr,
}

/// obs-websocket's own port, which every client tries first.
pub const REMOTE_PORT: u16 = 4455;

impl Default for RemoteControl {
    fn default() -> Self {
        RemoteControl {
            port: REMOTE_PORT,
            bind: std::net::Ipv4Addr::LOCALHOST.into(),
        }
    }
}

impl RemoteControl {
    pub fn is_default(&self) -> bool {
        *self == RemoteControl::default()
    }
}

/// How guests on other machines reach the studio: where its guest endpoint listens, with
/// which certificate, under which name, and the STUN and TURN servers a guest's browser is
/// given (docs/guests.md, "Guests on other networks").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct GuestNetwork {
    /// `stun:HOST:PORT`, `turn:HOST:PORT?transport=udp`, `turns:HOST:PORT`.
    pub ice_servers: Vec<String>,
    /// The name, in the key store, of the TURN server's shared secret (coturn's
    /// `static-auth-secret`): each guest gets credentials made from it (TURN REST, valid 12 h).
    pub turn_secret_key: Option<String>,
    /// This machine's address on the guests' network, `IP:PORT`; this computer only
    /// (127.0.0.1, any free port) when absent. The command line's `--guests` wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// HTTPS, which browsers need off this machine: the certificate (PEM, then its chain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_key: Option<PathBuf>,
    /// The name invite links carry (the certificate's), instead of the address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_host: Option<String>,
}

impl GuestNetwork {
    pub fn is_empty(&self) -> bool {
        *self == GuestNetwork::default()
    }
}

fn replay_buffer() -> f64 {
    30.0
}

fn version() -> u32 {
    crate::SCHEMA_VERSION
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            schema_version: version(),
            video: VideoEncoderSettings::default(),
            canvas_video: Default::default(),
            audio: AudioEncoderSettings::default(),
            recording: RecordingSettings::default(),
            destinations: Vec::new(),
            stream_delay_s: 0.0,
            replay_buffer_s: replay_buffer(),
            hotkeys: crate::default_hotkeys(),
            guest_network: GuestNetwork::default(),
            remote_control: RemoteControl::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RateControl {
    /// Constant bitrate: what streaming platforms ask for.
    #[default]
    Cbr,
    /// Variable bitrate capped at `max_bitrate_kbps`.
    Vbr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct VideoEncoderSettings {
    /// x264 preset: ultrafast … veryslow.
    pub preset: String,
    /// x264 tune, such as `zerolatency`; none when absent.
    pub tune: Option<String>,
    /// H.264 profile: baseline, main or high.
    pub profile: String,
    pub rate_control: RateControl,
    pub bitrate_kbps: u32,
    /// VBR ceiling; defaults to 1.5 x the bitrate.
    pub max_bitrate_kbps: Option<u32>,
    pub keyframe_interval_s: f32,
    /// Encoder threads; 0 lets x264 choose.
    pub threads: u32,
}

impl Default for VideoEncoderSettings {
    fn default() -> Self {
        VideoEncoderSettings {
            preset: "veryfast".into(),
            tune: Some("zerolatency".into()),
            profile: "high".into(),
            rate_control: RateControl::Cbr,
            bitrate_kbps: 4500,
            max_bitrate_kbps: None,
            keyframe_interval_s: 2.0,
            threads: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct AudioEncoderSettings {
    pub bitrate_kbps: u32,
}

impl Default for AudioEncoderSettings {
    fn default() -> Self {
        AudioEncoderSettings { bitrate_kbps: 160 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordingFormat {
    /// Matroska: readable after a crash, remux to MP4 for publishing.
    #[default]
    Mkv,
    /// Fragmented MP4: also readable after a crash.
    Mp4,
}

impl RecordingFormat {
    pub fn extension(self) -> &'static str {
        match self {
            RecordingFormat::Mkv => "mkv",
            RecordingFormat::Mp4 => "mp4",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct RecordingSettings {
    pub format: RecordingFormat,
    pub folder: PathBuf,
    /// With a stream delay, also record what viewers got (held, and cut short by a panic)
    /// beside the program's recording, as `…-as-aired.mkv`.
    #[serde(default)]
    pub as_aired: bool,
    /// The canvases recorded, one file each starting at the same frame; empty: `main`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canvases: Vec<String>,
}

impl Default for RecordingSettings {
    fn default() -> Self {
        RecordingSettings {
            format: RecordingFormat::Mkv,
            folder: PathBuf::from("recordings"),
            as_aired: false,
            canvases: Vec::new(),
        }
    }
}

/// A streaming destination as saved in a profile. The stream key is not here: `key` names an
/// entry of the key store (`streamwerk keys set NAME`), so profiles can be shared and committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DestinationSettings {
    pub name: String,
    #[serde(default)]
    pub platform: Platform,
    /// Ingest server URL without the key, such as rtmp://host/app; the platform's own when absent.
    #[serde(default)]
    pub server: Option<String>,
    /// Name of the stream key in the key store.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// The platform gives a new key each broadcast (Facebook, Instagram, TikTok and LinkedIn
    /// events): Go Live asks for it and keeps it for that session only; `key` is not used.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key_per_broadcast: bool,
    /// The canvas it streams; absent: by platform (see [`DestinationSettings::canvas_in`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canvas: Option<String>,
}

fn enabled() -> bool {
    true
}

/// A stream key's name (not the key): letters, digits, '-', '_' and '.', so it is safe as a
/// keyring entry and a file key, and unlike most pasted keys.
pub fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

impl DestinationSettings {
    /// The canvas this destination streams, of `canvases` (name, width, height; `main`
    /// first): its own `canvas`, else for TikTok and Instagram, which play 9:16, the first
    /// vertical canvas, else `main`.
    pub fn canvas_in(&self, canvases: &[(String, u32, u32)]) -> String {
        match &self.canvas {
            Some(name) => name.clone(),
            None => self.platform.default_canvas(canvases),
        }
    }

    /// The full URL for a key: RTMP servers take the key as the last path segment, SRT servers
    /// as the `streamid`.
    pub fn url(&self, key: Option<&str>) -> Option<String> {
        let server = self.server.as_deref().or(self.platform.default_server())?;
        let server = server.trim_end_matches('/');
        Some(match key {
            None => server.to_string(),
            Some(key) if server.starts_with("srt://") => {
                let sep = if server.contains('?') { '&' } else { '?' };
                format!("{server}{sep}streamid={key}")
            }
            Some(key) => format!("{server}/{key}"),
        })
    }
}
