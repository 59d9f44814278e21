//! The one protocol the UI speaks, over Tauri IPC in the desktop app and over a WebSocket from
//! `streamwerk serve`: requests carry a [`Command`], the engine answers each with a
//! [`Event::Reply`] and pushes state, statistics and notices as they happen. Every type derives
//! `ts_rs::TS`; `ui/src/protocol.gen.ts` is generated from them and a test fails when it is
//! stale, so the two sides cannot drift.
//!
//! The preview does not travel here: it is a binary stream of its own ([`PreviewHeader`]).

use serde::{Deserialize, Serialize};
use streamwerk_capture::DeviceList;
use streamwerk_engine::{Meters, StatsSnapshot};
use streamwerk_scene::{
    AudioEncoderSettings, AudioMix, BrandKit, Canvas, Collection, DestinationSettings, Hotkey,
    PeopleLayout, Profile, RecordingSettings, Source, TemplateKind, Transform, Transition,
    VideoEncoderSettings,
};
use ts_rs::TS;

/// Bumped on every incompatible change; the UI refuses to talk to another version.
pub const PROTOCOL_VERSION: u32 = 3;

/// A command with the number its reply will carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Request {
    pub id: u64,
    pub command: Command,
}

/// What the UI asks of the engine. Scene and source edits apply to the program at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Answered by a [`Event::State`].
    GetState,
    /// Studio mode off: the program changes to `scene` through its transition (the scene's
    /// own, else the collection's). Studio mode on: `scene` becomes the preview scene.
    SwitchScene {
        scene: String,
    },
    /// Studio mode: edits go to a preview scene shown beside the program until Transition.
    SetStudioMode {
        on: bool,
    },
    /// Studio mode: the preview scene goes on air through `transition` (none: the scene's or
    /// the collection's).
    Transition {
        transition: Option<Transition>,
    },
    /// The collection's default transition.
    SetTransition {
        transition: Transition,
    },
    /// The transition used when switching to `scene` (none: the collection's).
    SetSceneTransition {
        scene: String,
        transition: Option<Transition>,
    },
    /// Cut the program to the collection's safe scene at once, no questions asked.
    Panic,
    /// How long the destinations' stream is held (0 to 600 s); fixed while recording or live.
    SetStreamDelay {
        seconds: f64,
    },
    /// Mark the scene a panic cuts to (none: unmark).
    SetSafeScene {
        scene: Option<String>,
    },
    AddScene {
        name: String,
    },
    RenameScene {
        scene: String,
        name: String,
    },
    DuplicateScene {
        scene: String,
        name: String,
    },
    RemoveScene {
        scene: String,
    },
    /// Moves a scene to `index` in the list.
    MoveScene {
        scene: String,
        index: usize,
    },
    /// Adds a new source to the collection and places it on top of `scene` on every canvas:
    /// at `transform` on `canvas` (main when absent), moved inside each other canvas.
    AddSource {
        scene: String,
        source: Source,
        transform: Transform,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
    },
    /// Replaces a source's settings (every scene showing it changes).
    UpdateSource {
        source: Source,
    },
    /// Moves, resizes or crops layers of `scene` together (one edit: all or none), on
    /// `canvas` (main when absent): each canvas has its own layout of the scene's layers.
    SetTransforms {
        scene: String,
        layers: Vec<LayerTransform>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
    },
    /// Shows or hides a layer on `canvas` (main when absent) only, or with `every_canvas` on
    /// every canvas whose layout of the scene has it (a graphic goes out everywhere at once).
    SetLayerVisible {
        scene: String,
        source: String,
        visible: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        every_canvas: Option<bool>,
    },
    SetLayerLocked {
        scene: String,
        source: String,
        locked: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
    },
    /// Moves a layer to `index`, counted from the bottom, on `canvas` (main when absent).
    MoveLayer {
        scene: String,
        source: String,
        index: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
    },
    /// Arranges the visible cameras and guest spots of `scene` on `canvas` (main when absent)
    /// as `layout`, `speaker` (a source id) first when given (one edit); with `dress`, each
    /// also gets a frame and a name tag in the brand kit's style.
    ArrangePeople {
        scene: String,
        layout: PeopleLayout,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canvas: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speaker: Option<String>,
        #[serde(default)]
        dress: bool,
    },
    /// Adds canvas `name` (such as a 1080x1920 vertical one) with every scene arranged on it
    /// from the main layout (docs/scene-format.md, "Adding a canvas"). Not while recording or
    /// live.
    AddCanvas {
        name: String,
        width: u32,
        height: u32,
    },
    /// Removes a canvas other than main, with its layouts. Not while recording or live.
    RemoveCanvas {
        name: String,
    },
    /// Takes a layer out of a scene, on every canvas; the source goes too when no scene shows
    /// it any more.
    RemoveLayer {
        scene: String,
        source: String,
    },
    /// Adds or replaces (by name) a destination of the profile.
    SetDestination {
        destination: DestinationSettings,
    },
    RemoveDestination {
        name: String,
    },
    /// Stores a stream key in the key store under `name`; it is never sent back.
    SetStreamKey {
        name: String,
        key: String,
    },
    /// Starts every enabled destination.
    /// Every enabled destination goes live. `keys` are this broadcast's keys of the
    /// destinations marked `key_per_broadcast`, kept for the session only.
    GoLive {
        #[serde(default)]
        keys: Vec<BroadcastKey>,
    },
    /// Stops every destination now: what the stream delay still holds never airs.
    StopLive,
    /// Stops the destinations once the stream delay has let out what went to air before now,
    /// so viewers see the end (the same as `stop_live` without a delay).
    StopLiveAfterDelay,
    StartRecording,
    StopRecording,
    /// Keeps the last `replay_buffer_s` (profile) of the program, recording or not.
    StartReplayBuffer,
    StopReplayBuffer,
    /// How much the replay buffer keeps (1 to 300 s); applies when it next starts.
    SetReplayBufferLength {
        seconds: f64,
    },
    /// Writes the replay buffer to the recording folder.
    SaveReplay,
    /// Marks this moment in the recording (a chapter; "Marker N" without a title).
    AddMarker {
        title: Option<String>,
    },
    /// Ends a destination's wait between reconnection attempts now.
    ReconnectDestination {
        name: String,
    },
    /// Writes the collection and the profile to their files.
    Save,
    /// Sets a source's fader, mute, sync offset, mono and filters; heard from the next block.
    SetAudioMix {
        source: String,
        mix: AudioMix,
    },
    /// Answered by a [`Event::Devices`]: the cameras and sound inputs, for pickers.
    ListDevices,
    /// Changes the canvas size (the layout scales with it) or frame rate; refused while
    /// recording or live.
    SetCanvas {
        canvas: Canvas,
    },
    /// The encoder (refused while recording or live) and where and how recordings go.
    SetOutputSettings {
        video: VideoEncoderSettings,
        audio: AudioEncoderSettings,
        recording: RecordingSettings,
    },
    /// Replaces the profile's hotkeys (checked: key names, no key used twice).
    SetHotkeys {
        hotkeys: Vec<Hotkey>,
    },
    /// Opens another collection file (relative paths: beside the open one) and puts its first
    /// scene on air. Edits are saved to it from then on.
    OpenCollection {
        path: String,
    },
    /// Saves the collection under a new file name and goes on editing that file; an existing
    /// file is never replaced.
    SaveCollectionAs {
        path: String,
    },
    /// Answered by a [`Event::Files`]: a folder's subfolders and its picture, video and sound
    /// files (with `json`, its .json files instead), for the file pickers (relative paths:
    /// beside the collection; none: its folder).
    ListFiles {
        folder: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        json: bool,
    },
    /// Imports an OBS scene collection (`path`; the canvas from the OBS profile folder
    /// `profile_dir` when given, else from the profile OBS keeps beside the collection) into a
    /// new collection beside the open one and opens it; a canvas larger than Streamwerk's
    /// largest (or than 1080p with `fit_1080p`) is fitted at the same shape. A notice reports
    /// what was mapped, approximated and left out.
    ImportObs {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile_dir: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fit_1080p: Option<bool>,
    },
    /// Saves new values for the collection's brand kit (colours, fonts, logos, defaults);
    /// every source naming a changed value is restyled on air at once. `locked` must stay as
    /// it is: [`Command::SetBrandLock`] changes it.
    UpdateBrand {
        kit: BrandKit,
    },
    /// Locks the kit (its branded layers keep their place and style in every scene; their
    /// text stays editable) or unlocks it.
    SetBrandLock {
        locked: bool,
    },
    /// Adds a graphics template to `scene`, styled from the kit and placed inside its safe
    /// margin on every canvas. `title` replaces the template's sample text (a slate's "Be
    /// right back").
    AddTemplate {
        scene: String,
        template: TemplateKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// Writes the kit with its fonts and logos to a new .zip (relative: beside the collection).
    ExportBrand {
        path: String,
    },
    /// Unpacks a kit .zip into a new folder beside the collection, named for the file, and
    /// makes it the collection's kit.
    ImportBrand {
        path: String,
    },
    /// Stores a font or logo picked in the page beside the brand kit, as a new file (never
    /// over one), and names it in the kit as `name`, replacing what that name pointed to.
    /// `data`: the file's bytes in base64, at most 10 MiB; `file_name` gives its type.
    AddBrandFile {
        group: BrandFileGroup,
        name: String,
        file_name: String,
        data: String,
    },
    /// Answered by [`Event::Pictures`]: small pictures the engine renders for the page. Each
    /// of `scenes` as the main canvas shows it (cameras and network inputs as a placeholder:
    /// they are not opened twice), each of the graphics `sources` alone, and each of
    /// `templates` as the kit would style it. A newer request joins one still waiting.
    RenderPictures {
        #[serde(default)]
        scenes: Vec<String>,
        #[serde(default)]
        sources: Vec<String>,
        #[serde(default)]
        templates: Vec<TemplateSample>,
        /// The kit's fonts (a sample line) and logos, by group and name.
        #[serde(default)]
        brand_files: Vec<BrandFile>,
        /// What each of these guest slots' cameras show now, on air or in the lobby.
        #[serde(default)]
        guests: Vec<String>,
    },
    /// Answered by [`Event::GuestLink`]: the invite link of guest slot `slot` (the one made
    /// this run, or with `renew` a new one, which stops the old from working). The first
    /// link starts the guest endpoint.
    GuestLink {
        slot: String,
        #[serde(default)]
        renew: bool,
    },
    /// How guests reach the studio through NATs: the STUN and TURN servers their browsers are
    /// given, and (when `turn_secret` is given) the TURN server's shared secret, kept in the
    /// key store; an empty secret forgets it. Used from the guest endpoint's next start.
    SetGuestNetwork {
        ice_servers: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        turn_secret: Option<String>,
        /// Where guests reach the studio (`IP:PORT`; none: this computer only), its
        /// certificate and key (PEM files) and the name links carry. A change restarts the
        /// guest endpoint, so invite links change; refused while a guest is in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listen: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_host: Option<String>,
    },
    /// Brings the guest waiting in `slot` on air.
    AdmitGuest {
        slot: String,
    },
    /// Takes `slot`'s guest off air, back to the lobby (they stay connected).
    SendGuestBack {
        slot: String,
    },
    /// Ends `slot`'s guest's visit; their link still works until renewed.
    RemoveGuest {
        slot: String,
    },
    /// Where the remote control (obs-websocket v5) listens: `port` 0 turns it off; `bind`
    /// other than loopback lets other machines in. Applied at once (clients reconnect).
    SetRemoteControl {
        port: u16,
        bind: String,
    },
    /// Answered by [`Event::RemotePassword`]: the password remote clients give.
    ShowRemotePassword,
    /// A new remote-control password; every connected client is disconnected.
    NewRemotePassword,
    /// Disconnects one remote client (it is told not to reconnect by itself).
    DisconnectRemoteClient {
        id: u64,
    },
}

/// Where a guest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GuestStage {
    /// Waiting for the host: seen and heard by the host only.
    Lobby,
    OnAir,
}

/// A guest in the studio or its lobby, as the Guests panel shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuestInfo {
    pub slot: String,
    /// The name they typed on their page.
    pub name: String,
    pub stage: GuestStage,
    /// Their camera and microphone are coming through.
    pub connected: bool,
    /// Their microphone's peak just now, 0 to 1.
    pub level: f32,
}

/// The brand kit's two kinds of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BrandFileGroup {
    Fonts,
    Logos,
}

/// One of the kit's files, by its name in the kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BrandFile {
    pub group: BrandFileGroup,
    pub name: String,
}

/// A gallery template with the title it starts with (a slate's "Be right back").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateSample {
    pub template: TemplateKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// What a [`Picture`] shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PictureOf {
    Scene {
        name: String,
    },
    Source {
        id: String,
    },
    Template {
        sample: TemplateSample,
    },
    BrandFile {
        file: BrandFile,
    },
    /// A guest's camera as it arrives (in the lobby too).
    Guest {
        slot: String,
    },
}

/// A small JPEG the engine rendered, as a `data:` URL an `<img>` shows directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Picture {
    pub of: PictureOf,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// A layer's new transform, by source id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LayerTransform {
    pub source: String,
    pub transform: Transform,
}

/// What the engine tells the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// First message on every connection.
    Hello { version: u32, state: StudioState },
    /// The outcome of request `id`: `error` says what went wrong and how to fix it.
    Reply { id: u64, error: Option<String> },
    /// Everything the UI shows, after every change.
    State { state: StudioState },
    /// Counters, twice a second.
    Stats { stats: StudioStats },
    /// Something the user should read: a platform limit, a destination that failed.
    Notice { level: NoticeLevel, message: String },
    /// A system-wide hotkey was pressed (the desktop app only): the page acts on `keys` as on
    /// a key press of its own, unless the user is typing in it.
    Hotkey { keys: String },
    /// Audio meters, 20 times a second: the highest peak and RMS since the previous event.
    Meters { meters: Meters },
    /// The capture devices, in answer to [`Command::ListDevices`].
    Devices { devices: DeviceList },
    /// A folder's contents, in answer to [`Command::ListFiles`].
    Files { listing: FileListing },
    /// Pictures rendered in answer to [`Command::RenderPictures`]; one that could not be made
    /// (a scene removed meanwhile) is left out.
    Pictures { pictures: Vec<Picture> },
    /// A guest slot's invite link, in answer to [`Command::GuestLink`].
    GuestLink { slot: String, url: String },
    /// Who is in the studio and its lobby: on every change, and twice a second for the meters
    /// while anyone is there.
    Guests { guests: Vec<GuestInfo> },
    /// The remote-control password, in answer to [`Command::ShowRemotePassword`].
    RemotePassword { password: String },
}

/// The remote control as Settings shows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct RemoteState {
    /// `ws://ADDRESS:PORT` while it listens.
    pub address: Option<String>,
    /// Why it does not listen although it should (a port taken, an address refused).
    pub error: Option<String>,
    /// Clients must give the password (the environment can turn it off on loopback).
    pub password_required: bool,
    /// The password comes from `STREAMWERK_REMOTE_PASSWORD`: it cannot be renewed here.
    pub password_from_environment: bool,
    pub clients: Vec<RemoteClient>,
}

/// A connected remote client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RemoteClient {
    pub id: u64,
    /// Its address and port.
    pub address: String,
    /// When it connected (local time, HH:MM:SS).
    pub since: String,
}

/// What a file picker shows of one folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileListing {
    pub folder: String,
    /// The folder above, if any.
    pub parent: Option<String>,
    /// Subfolders first, then files, each sorted by name.
    pub entries: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileEntry {
    pub name: String,
    pub path: String,
    pub folder: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// The studio as the UI draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StudioState {
    pub collection: Collection,
    /// The file edits are saved to.
    pub collection_path: String,
    /// Collection files beside it (the profile aside), for Open.
    pub collections: Vec<String>,
    /// The scene on air.
    pub program_scene: String,
    /// Studio mode's preview scene (the one being prepared); none while studio mode is off.
    pub preview_scene: Option<String>,
    pub profile: Profile,
    /// Destinations going out now (by profile name).
    pub live: Vec<String>,
    /// The replay buffer runs.
    pub replay_buffer: bool,
    /// After "stop after the delay": seconds until the destinations stop.
    pub live_ends_in_s: Option<f64>,
    /// The file being recorded (of the first canvas recorded), if any.
    pub recording: Option<String>,
    /// Every file being recorded, one per canvas recorded.
    pub recording_files: Vec<String>,
    /// The as-aired file recorded beside it (with a stream delay and the setting on).
    pub recording_aired: Option<String>,
    /// Natural picture size (width, height) of each video source shown so far, by id: where a
    /// layer has no explicit size, this is its size on the canvas.
    pub source_sizes: Vec<SourceSize>,
    /// Names of the stream keys the key store holds for the profile's destinations.
    pub stored_keys: Vec<String>,
    /// The canvas each destination streams, by destination name: its own, or its platform's
    /// default (`DestinationSettings::canvas_in`).
    pub destination_canvases: std::collections::BTreeMap<String, String>,
    /// The collection's brand kit, when it has one.
    pub brand: Option<BrandState>,
    /// The file the replay buffer was last saved to, this run.
    pub replay_saved: Option<String>,
    pub remote: RemoteState,
}

/// The brand kit as the Brand page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BrandState {
    /// The kit's file.
    pub path: String,
    pub kit: BrandKit,
    /// Sources whose look comes from the kit (they name its values, or are templates).
    pub branded: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceSize {
    pub id: String,
    pub width: u32,
    pub height: u32,
}

/// A stream key for one broadcast of one destination (never saved).
#[derive(Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BroadcastKey {
    pub destination: String,
    pub key: String,
}

/// Keys stay out of logs, even in debug output.
impl std::fmt::Debug for BroadcastKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BroadcastKey({}, ****)", self.destination)
    }
}

/// Rendering counters always; encoding counters while something is recorded or live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StudioStats {
    /// Frames composed per second.
    pub render_fps: f64,
    pub frames_lagged: u64,
    pub compose_ms_avg: f64,
    /// CPU used by the whole studio process since the previous stats, in % of one core.
    pub cpu_percent: f64,
    /// Encoding counters of the current session, while one runs.
    pub session: Option<StatsSnapshot>,
}

/// The preview stream: every binary message is this 24-byte header (little-endian u64 frame
/// number, u64 time the frame was composed in microseconds since the Unix epoch, u32 width,
/// u32 height) followed by the frame as a baseline JPEG.
pub struct PreviewHeader;

impl PreviewHeader {
    pub const LEN: usize = 24;

    /// The header of a frame.
    pub fn bytes(seq: u64, composed_us: u64, width: u32, height: u32) -> [u8; Self::LEN] {
        let mut out = [0; Self::LEN];
        out[..8].copy_from_slice(&seq.to_le_bytes());
        out[8..16].copy_from_slice(&composed_us.to_le_bytes());
        out[16..20].copy_from_slice(&width.to_le_bytes());
        out[20..].copy_from_slice(&height.to_le_bytes());
        out
    }
}

/// The TypeScript declarations of every protocol type, as written to `ui/src/protocol.gen.ts`.
pub fn typescript() -> String {
    use streamwerk_scene as s;
    // Counters are u64 in Rust; JSON carries them as numbers, which is what the UI reads.
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from crates/protocol by `cargo test -p streamwerk-protocol` with\n\
         // STREAMWERK_BLESS=1. Do not edit.\n\n",
    );
    out += &format!("export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n\n");
    let decls = [
        Request::decl(&cfg),
        Command::decl(&cfg),
        BroadcastKey::decl(&cfg),
        LayerTransform::decl(&cfg),
        FileListing::decl(&cfg),
        FileEntry::decl(&cfg),
        TemplateSample::decl(&cfg),
        BrandFileGroup::decl(&cfg),
        BrandFile::decl(&cfg),
        PictureOf::decl(&cfg),
        GuestStage::decl(&cfg),
        s::PeopleLayout::decl(&cfg),
        s::GuestNetwork::decl(&cfg),
        GuestInfo::decl(&cfg),
        RemoteState::decl(&cfg),
        RemoteClient::decl(&cfg),
        s::RemoteControl::decl(&cfg),
        Picture::decl(&cfg),
        Event::decl(&cfg),
        NoticeLevel::decl(&cfg),
        StudioState::decl(&cfg),
        StudioStats::decl(&cfg),
        SourceSize::decl(&cfg),
        BrandState::decl(&cfg),
        s::BrandKit::decl(&cfg),
        s::BrandDefaults::decl(&cfg),
        s::TemplateKind::decl(&cfg),
        s::TemplateSettings::decl(&cfg),
        s::Animation::decl(&cfg),
        s::AnimationStyle::decl(&cfg),
        StatsSnapshot::decl(&cfg),
        streamwerk_engine::CanvasStats::decl(&cfg),
        streamwerk_engine::SinkStatsSnapshot::decl(&cfg),
        streamwerk_engine::DestinationSnapshot::decl(&cfg),
        streamwerk_engine::DelaySnapshot::decl(&cfg),
        streamwerk_engine::DestinationState::decl(&cfg),
        Meters::decl(&cfg),
        streamwerk_engine::SourceMeter::decl(&cfg),
        streamwerk_engine::DeviceState::decl(&cfg),
        streamwerk_mixer::MeterReading::decl(&cfg),
        DeviceList::decl(&cfg),
        streamwerk_capture::CameraInfo::decl(&cfg),
        streamwerk_capture::CameraMode::decl(&cfg),
        streamwerk_capture::PixelFormat::decl(&cfg),
        streamwerk_capture::AudioInputInfo::decl(&cfg),
        s::Collection::decl(&cfg),
        s::Canvas::decl(&cfg),
        s::NamedCanvas::decl(&cfg),
        s::Transition::decl(&cfg),
        s::SlideDirection::decl(&cfg),
        s::Hotkey::decl(&cfg),
        s::HotkeyAction::decl(&cfg),
        s::AudioSettings::decl(&cfg),
        s::Source::decl(&cfg),
        s::SourceKind::decl(&cfg),
        s::TestPatternSettings::decl(&cfg),
        s::ColorSettings::decl(&cfg),
        s::ImageSettings::decl(&cfg),
        s::Align::decl(&cfg),
        s::Outline::decl(&cfg),
        s::TextBackground::decl(&cfg),
        s::TextSettings::decl(&cfg),
        s::ToneSettings::decl(&cfg),
        s::CameraSettings::decl(&cfg),
        s::GuestSettings::decl(&cfg),
        s::CameraFormat::decl(&cfg),
        s::MicrophoneSettings::decl(&cfg),
        s::MediaFileSettings::decl(&cfg),
        s::AudioMix::decl(&cfg),
        s::AudioFilter::decl(&cfg),
        s::NoiseGate::decl(&cfg),
        s::Scene::decl(&cfg),
        s::Layer::decl(&cfg),
        s::Transform::decl(&cfg),
        s::Crop::decl(&cfg),
        s::Fit::decl(&cfg),
        s::Rgba::decl(&cfg),
        s::Profile::decl(&cfg),
        s::VideoEncoderSettings::decl(&cfg),
        s::RateControl::decl(&cfg),
        s::AudioEncoderSettings::decl(&cfg),
        s::RecordingFormat::decl(&cfg),
        s::RecordingSettings::decl(&cfg),
        s::DestinationSettings::decl(&cfg),
        s::Platform::decl(&cfg),
    ];
    for decl in decls {
        out += "export ";
        out += &decl;
        out += "\n\n";
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_types_are_generated_from_these() {
        // The checkout the test runs in, not the one it was built in (a shared target folder).
        let file = std::path::Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap())
            .join("../../ui/src/protocol.gen.ts");
        let now = typescript();
        if std::env::var_os("STREAMWERK_BLESS").is_some() {
            std::fs::write(&file, &now).unwrap();
        }
        let saved = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            saved == now,
            "{} is stale: run `STREAMWERK_BLESS=1 cargo test -p streamwerk-protocol` and commit it",
            file.display()
        );
    }

    #[test]
    fn commands_read_as_the_ui_writes_them() {
        let request: Request = serde_json::from_str(
            r#"{"id": 7, "command": {"type": "switch_scene", "scene": "Live"}}"#,
        )
        .unwrap();
        assert_eq!(
            request,
            Request {
                id: 7,
                command: Command::SwitchScene {
                    scene: "Live".into()
                }
            }
        );
        let wrong = serde_json::from_str::<Request>(
            r#"{"id": 8, "command": {"type": "switch_scene", "scene": "Live", "extra": 1}}"#,
        );
        assert!(wrong.is_err(), "unknown fields are refused");
    }
}
