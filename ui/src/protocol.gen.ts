// Generated from crates/protocol by `cargo test -p streamwerk-protocol` with
// STREAMWERK_BLESS=1. Do not edit.

export const PROTOCOL_VERSION = 3;

export type Request = { id: number, command: Command, };

export type Command = { "type": "get_state" } | { "type": "switch_scene", scene: string, } | { "type": "set_studio_mode", on: boolean, } | { "type": "transition", transition: Transition | null, } | { "type": "set_transition", transition: Transition, } | { "type": "set_scene_transition", scene: string, transition: Transition | null, } | { "type": "panic" } | { "type": "set_stream_delay", seconds: number, } | { "type": "set_safe_scene", scene: string | null, } | { "type": "add_scene", name: string, } | { "type": "rename_scene", scene: string, name: string, } | { "type": "duplicate_scene", scene: string, name: string, } | { "type": "remove_scene", scene: string, } | { "type": "move_scene", scene: string, index: number, } | { "type": "add_source", scene: string, source: Source, transform: Transform, canvas?: string | null, } | { "type": "update_source", source: Source, } | { "type": "set_transforms", scene: string, layers: Array<LayerTransform>, canvas?: string | null, } | { "type": "set_layer_visible", scene: string, source: string, visible: boolean, canvas?: string | null, every_canvas?: boolean | null, } | { "type": "set_layer_locked", scene: string, source: string, locked: boolean, canvas?: string | null, } | { "type": "move_layer", scene: string, source: string, index: number, canvas?: string | null, } | { "type": "arrange_people", scene: string, layout: PeopleLayout, canvas?: string | null, speaker?: string | null, dress: boolean, } | { "type": "add_canvas", name: string, width: number, height: number, } | { "type": "remove_canvas", name: string, } | { "type": "remove_layer", scene: string, source: string, } | { "type": "set_destination", destination: DestinationSettings, } | { "type": "remove_destination", name: string, } | { "type": "set_stream_key", name: string, key: string, } | { "type": "go_live", keys: Array<BroadcastKey>, } | { "type": "stop_live" } | { "type": "stop_live_after_delay" } | { "type": "start_recording" } | { "type": "stop_recording" } | { "type": "start_replay_buffer" } | { "type": "stop_replay_buffer" } | { "type": "set_replay_buffer_length", seconds: number, } | { "type": "save_replay" } | { "type": "add_marker", title: string | null, } | { "type": "reconnect_destination", name: string, } | { "type": "save" } | { "type": "set_audio_mix", source: string, mix: AudioMix, } | { "type": "list_devices" } | { "type": "set_canvas", canvas: Canvas, } | { "type": "set_output_settings", video: VideoEncoderSettings, audio: AudioEncoderSettings, recording: RecordingSettings, } | { "type": "set_hotkeys", hotkeys: Array<Hotkey>, } | { "type": "open_collection", path: string, } | { "type": "save_collection_as", path: string, } | { "type": "list_files", folder: string | null, json?: boolean, } | { "type": "import_obs", path: string, profile_dir?: string | null, fit_1080p?: boolean | null, } | { "type": "update_brand", kit: BrandKit, } | { "type": "set_brand_lock", locked: boolean, } | { "type": "add_template", scene: string, template: TemplateKind, title?: string | null, } | { "type": "export_brand", path: string, } | { "type": "import_brand", path: string, } | { "type": "add_brand_file", group: BrandFileGroup, name: string, file_name: string, data: string, } | { "type": "render_pictures", scenes: Array<string>, sources: Array<string>, templates: Array<TemplateSample>, 
/**
 * The kit's fonts (a sample line) and logos, by group and name.
 */
brand_files: Array<BrandFile>, 
/**
 * What each of these guest slots' cameras show now, on air or in the lobby.
 */
guests: Array<string>, } | { "type": "guest_link", slot: string, renew: boolean, } | { "type": "set_guest_network", ice_servers: Array<string>, turn_secret?: string | null, 
/**
 * Where guests reach the studio (`IP:PORT`; none: this computer only), its
 * certificate and key (PEM files) and the name links carry. A change restarts the
 * guest endpoint, so invite links change; refused while a guest is in.
 */
listen?: string | null, certificate?: string | null, certificate_key?: string | null, public_host?: string | null, } | { "type": "admit_guest", slot: string, } | { "type": "send_guest_back", slot: string, } | { "type": "remove_guest", slot: string, } | { "type": "set_remote_control", port: number, bind: string, } | { "type": "show_remote_password" } | { "type": "new_remote_password" } | { "type": "disconnect_remote_client", id: number, };

export type BroadcastKey = { destination: string, key: string, };

export type LayerTransform = { source: string, transform: Transform, };

export type FileListing = { folder: string, 
/**
 * The folder above, if any.
 */
parent: string | null, 
/**
 * Subfolders first, then files, each sorted by name.
 */
entries: Array<FileEntry>, };

export type FileEntry = { name: string, path: string, folder: boolean, };

export type TemplateSample = { template: TemplateKind, title?: string | null, };

export type BrandFileGroup = "fonts" | "logos";

export type BrandFile = { group: BrandFileGroup, name: string, };

export type PictureOf = { "kind": "scene", name: string, } | { "kind": "source", id: string, } | { "kind": "template", sample: TemplateSample, } | { "kind": "brand_file", file: BrandFile, } | { "kind": "guest", slot: string, };

export type GuestStage = "lobby" | "on_air";

export type PeopleLayout = "side_by_side" | "grid" | "speaker";

export type GuestNetwork = { 
/**
 * `stun:HOST:PORT`, `turn:HOST:PORT?transport=udp`, `turns:HOST:PORT`.
 */
ice_servers: Array<string>, 
/**
 * The name, in the key store, of the TURN server's shared secret (coturn's
 * `static-auth-secret`): each guest gets credentials made from it (TURN REST, valid 12 h).
 */
turn_secret_key: string | null, 
/**
 * This machine's address on the guests' network, `IP:PORT`; this computer only
 * (127.0.0.1, any free port) when absent. The command line's `--guests` wins.
 */
listen: string | null, 
/**
 * HTTPS, which browsers need off this machine: the certificate (PEM, then its chain).
 */
certificate: string | null, 
/**
 * The certificate's private key (PEM).
 */
certificate_key: string | null, 
/**
 * The name invite links carry (the certificate's), instead of the address.
 */
public_host: string | null, };

export type GuestInfo = { slot: string, 
/**
 * The name they typed on their page.
 */
name: string, stage: GuestStage, 
/**
 * Their camera and microphone are coming through.
 */
connected: boolean, 
/**
 * Their microphone's peak just now, 0 to 1.
 */
level: number, };

export type RemoteState = { 
/**
 * `ws://ADDRESS:PORT` while it listens.
 */
address: string | null, 
/**
 * Why it does not listen although it should (a port taken, an address refused).
 */
error: string | null, 
/**
 * Clients must give the password (the environment can turn it off on loopback).
 */
password_required: boolean, 
/**
 * The password comes from `STREAMWERK_REMOTE_PASSWORD`: it cannot be renewed here.
 */
password_from_environment: boolean, clients: Array<RemoteClient>, };

export type RemoteClient = { id: number, 
/**
 * Its address and port.
 */
address: string, 
/**
 * When it connected (local time, HH:MM:SS).
 */
since: string, };

export type RemoteControl = { 
/**
 * 0 turns the remote control off.
 */
port: number, 
/**
 * Anything but loopback lets other machines drive the studio: refused without a password.
 */
bind: string, };

export type Picture = { of: PictureOf, url: string, width: number, height: number, };

export type Event = { "type": "hello", version: number, state: StudioState, } | { "type": "reply", id: number, error: string | null, } | { "type": "state", state: StudioState, } | { "type": "stats", stats: StudioStats, } | { "type": "notice", level: NoticeLevel, message: string, } | { "type": "hotkey", keys: string, } | { "type": "meters", meters: Meters, } | { "type": "devices", devices: DeviceList, } | { "type": "files", listing: FileListing, } | { "type": "pictures", pictures: Array<Picture>, } | { "type": "guest_link", slot: string, url: string, } | { "type": "guests", guests: Array<GuestInfo>, } | { "type": "remote_password", password: string, };

export type NoticeLevel = "info" | "warning" | "error";

export type StudioState = { collection: Collection, 
/**
 * The file edits are saved to.
 */
collection_path: string, 
/**
 * Collection files beside it (the profile aside), for Open.
 */
collections: Array<string>, 
/**
 * The scene on air.
 */
program_scene: string, 
/**
 * Studio mode's preview scene (the one being prepared); none while studio mode is off.
 */
preview_scene: string | null, profile: Profile, 
/**
 * Destinations going out now (by profile name).
 */
live: Array<string>, 
/**
 * The replay buffer runs.
 */
replay_buffer: boolean, 
/**
 * After "stop after the delay": seconds until the destinations stop.
 */
live_ends_in_s: number | null, 
/**
 * The file being recorded (of the first canvas recorded), if any.
 */
recording: string | null, 
/**
 * Every file being recorded, one per canvas recorded.
 */
recording_files: Array<string>, 
/**
 * The as-aired file recorded beside it (with a stream delay and the setting on).
 */
recording_aired: string | null, 
/**
 * Natural picture size (width, height) of each video source shown so far, by id: where a
 * layer has no explicit size, this is its size on the canvas.
 */
source_sizes: Array<SourceSize>, 
/**
 * Names of the stream keys the key store holds for the profile's destinations.
 */
stored_keys: Array<string>, 
/**
 * The canvas each destination streams, by destination name: its own, or its platform's
 * default (`DestinationSettings::canvas_in`).
 */
destination_canvases: { [key in string]: string }, 
/**
 * The collection's brand kit, when it has one.
 */
brand: BrandState | null, 
/**
 * The file the replay buffer was last saved to, this run.
 */
replay_saved: string | null, remote: RemoteState, };

export type StudioStats = { 
/**
 * Frames composed per second.
 */
render_fps: number, frames_lagged: number, compose_ms_avg: number, 
/**
 * CPU used by the whole studio process since the previous stats, in % of one core.
 */
cpu_percent: number, 
/**
 * Encoding counters of the current session, while one runs.
 */
session: StatsSnapshot | null, };

export type SourceSize = { id: string, width: number, height: number, };

export type BrandState = { 
/**
 * The kit's file.
 */
path: string, kit: BrandKit, 
/**
 * Sources whose look comes from the kit (they name its values, or are templates).
 */
branded: Array<string>, };

export type BrandKit = { schema_version: number, name: string, colors: { [key in string]: Rgba }, 
/**
 * TTF/OTF files by name.
 */
fonts: { [key in string]: string }, 
/**
 * Pictures (PNG, SVG, WebP, JPEG) by name.
 */
logos: { [key in string]: string }, defaults: BrandDefaults, 
/**
 * Branded layers keep their place and style in every scene; their fields stay editable.
 */
locked: boolean, };

export type BrandDefaults = { background: string, accent: string, text: string, headline_font: string | null, body_font: string | null, animation: Animation, 
/**
 * Lower thirds hide themselves this long after being shown; never when absent.
 */
hide_after_s: number | null, 
/**
 * The share of the canvas's width and height kept clear at each edge (0.05 is the
 * broadcast action-safe area).
 */
safe_margin: number, };

export type TemplateKind = "lower_third" | "title_card" | "ticker" | "slate" | "call_to_action";

export type TemplateSettings = { template: TemplateKind, 
/**
 * The main line: a guest's name, a card's or slate's title, the ticker's message, the call
 * to action.
 */
title: string, 
/**
 * The second line: a guest's title, a card's subtitle; none when empty.
 */
subtitle?: string, 
/**
 * A call to action's link, drawn as a QR code beside its text.
 */
url?: string | null, 
/**
 * The graphic's size in canvas pixels; text sizes follow the height.
 */
width: number, height: number, background: Rgba, accent: Rgba, text_color: Rgba, 
/**
 * The main line's font (TTF/OTF); the bundled bold face when absent.
 */
font?: string | null, 
/**
 * The second line's font; the bundled face when absent.
 */
body_font?: string | null, animation: Animation, 
/**
 * Hides itself (with its animation) this long after being shown.
 */
hide_after_s?: number | null, 
/**
 * A ticker's speed in pixels per second, rounded to a whole number of pixels per frame
 * so the text moves evenly.
 */
speed: number, };

export type Animation = { style: AnimationStyle, ms: number, };

export type AnimationStyle = "none" | "slide" | "fade";

export type StatsSnapshot = { elapsed_s: number, frames_rendered: number, frames_lagged: number, frames_skipped: number, frames_encoded: number, compose_ms_avg: number, compose_ms_max: number, video_bytes: number, audio_blocks: number, audio_dropped: number, audio_bytes: number, 
/**
 * Encoded frames per second since the previous snapshot.
 */
fps: number, 
/**
 * Encoded audio and video bitrate since the previous snapshot.
 */
bitrate_kbps: number, sinks: Array<SinkStatsSnapshot>, 
/**
 * Each canvas encoded in the session: its frames and bitrate. The totals above count
 * the video bytes of all of them, and the frames of the first.
 */
canvases: Array<CanvasStats>, 
/**
 * Audio meters since the previous snapshot, while the program runs.
 */
meters: Meters | null, 
/**
 * The stream delay, while the destinations have one: how long, what it holds.
 */
delay: DelaySnapshot | null, };

export type CanvasStats = { name: string, width: number, height: number, frames_encoded: number, frames_skipped: number, video_bytes: number, 
/**
 * Encoded frames per second since the previous snapshot.
 */
fps: number, 
/**
 * Video bitrate since the previous snapshot.
 */
bitrate_kbps: number, };

export type SinkStatsSnapshot = { name: string, packets: number, 
/**
 * Bytes the sink wrote that left the machine (for RTMP on Linux and macOS: not counting
 * what still waits in the socket's send buffer).
 */
bytes: number, dropped: number, error: string | null, 
/**
 * Sent bitrate since the previous snapshot.
 */
bitrate_kbps: number, 
/**
 * Destinations only: connection state, reconnections so far, seconds live.
 */
destination: DestinationSnapshot | null, 
/**
 * Set while a destination drops packets because its link carries less than the stream
 * needs: the measured throughput against the stream's bitrate, and the fix.
 */
uplink: string | null, 
/**
 * The canvas it gets, when the session has several.
 */
canvas?: string | null, };

export type DestinationSnapshot = { state: DestinationState, reconnects: number, uptime_s: number, };

export type DelaySnapshot = { delay_s: number, held_bytes: number, 
/**
 * Packets a panic threw away, all told.
 */
discarded: number, };

export type DestinationState = { "state": "connecting" } | { "state": "live" } | { "state": "reconnecting", attempt: number, retry_in_ms: number, error: string, } | { "state": "failed", error: string, } | { "state": "stopped" };

export type Meters = { sources: Array<SourceMeter>, master: MeterReading, 
/**
 * Blocks in which the master limiter had to pull the level down, since the program began.
 */
blocks_limited: number, };

export type SourceMeter = { source: string, 
/**
 * Whether its device delivers (a microphone that vanished reads `disconnected`).
 */
state: DeviceState, peak_dbfs: number, rms_dbfs: number, momentary_lufs: number, short_term_lufs: number, };

export type DeviceState = "opening" | "live" | "disconnected" | "waiting";

export type MeterReading = { peak_dbfs: number, rms_dbfs: number, momentary_lufs: number, short_term_lufs: number, };

export type DeviceList = { cameras: Array<CameraInfo>, audio_inputs: Array<AudioInputInfo>, };

export type CameraInfo = { index: number, name: string, description: string, 
/**
 * What the camera offers; empty when it could not be opened to ask.
 */
formats: Array<CameraMode>, };

export type CameraMode = { width: number, height: number, fps: number, format: PixelFormat, };

export type PixelFormat = "mjpeg" | "yuyv" | "nv12" | "gray" | "rgb" | "bgr";

export type AudioInputInfo = { 
/**
 * Stable identifier to put in a scene (`host:device`).
 */
id: string, 
/**
 * What people call it.
 */
name: string, is_default: boolean, channels: number, sample_rate: number, };

export type Collection = { schema_version: number, name: string, canvas: Canvas, sources: Array<Source>, scenes: Array<Scene>, 
/**
 * Canvases besides the first (`main`, which is `canvas`), such as a vertical one: the same
 * scenes and sources, each scene arranged again for them in its `layouts`.
 */
canvases?: Array<NamedCanvas>, 
/**
 * The scene a panic cuts to (a "be right back" card): one that is always fine to show.
 */
safe_scene?: string | null, 
/**
 * How a scene switch changes program, unless the scene switched to has its own.
 */
transition?: Transition, audio: AudioSettings, 
/**
 * The brand kit (`*.brand.json`) whose colours, fonts and logos sources name as
 * `brand:NAME`; relative to the collection file.
 */
brand?: string | null, };

export type Canvas = { width: number, height: number, fps: number, };

export type NamedCanvas = { name: string, width: number, height: number, };

export type Transition = { "kind": "cut" } | { "kind": "fade", duration_ms: number, } | { "kind": "slide", direction: SlideDirection, duration_ms: number, } | { "kind": "stinger", 
/**
 * Relative to the collection file.
 */
path: string, cut_point_ms: number, duration_ms?: number | null, };

export type SlideDirection = "left" | "right" | "up" | "down";

export type Hotkey = { 
/**
 * Modifiers then a key, joined by `+`: `Ctrl+1`, `Ctrl+Shift+P`, `F9`.
 */
keys: string, action: HotkeyAction, };

export type HotkeyAction = { "type": "switch_scene", number: number, } | { "type": "transition" } | { "type": "studio_mode" } | { "type": "go_live" } | { "type": "record" } | { "type": "mute", source: string, } | { "type": "panic" } | { "type": "save_replay" } | { "type": "add_marker" };

export type AudioSettings = { sample_rate: number, channels: number, };

export type Source = { id: string, name?: string, 
/**
 * How it sounds in the mix; only sources with sound use it.
 */
audio?: AudioMix, } & ({ "kind": "test_pattern", "settings": TestPatternSettings } | { "kind": "color", "settings": ColorSettings } | { "kind": "image", "settings": ImageSettings } | { "kind": "text", "settings": TextSettings } | { "kind": "tone", "settings": ToneSettings } | { "kind": "camera", "settings": CameraSettings } | { "kind": "microphone", "settings": MicrophoneSettings } | { "kind": "media_file", "settings": MediaFileSettings } | { "kind": "template", "settings": TemplateSettings } | { "kind": "guest", "settings": GuestSettings });

export type SourceKind = { "kind": "test_pattern", "settings": TestPatternSettings } | { "kind": "color", "settings": ColorSettings } | { "kind": "image", "settings": ImageSettings } | { "kind": "text", "settings": TextSettings } | { "kind": "tone", "settings": ToneSettings } | { "kind": "camera", "settings": CameraSettings } | { "kind": "microphone", "settings": MicrophoneSettings } | { "kind": "media_file", "settings": MediaFileSettings } | { "kind": "template", "settings": TemplateSettings } | { "kind": "guest", "settings": GuestSettings };

export type TestPatternSettings = { 
/**
 * Defaults to the canvas size.
 */
width: number | null, height: number | null, 
/**
 * Turn the whole frame white on each whole second (pairs with a tone's `beep_each_second`).
 */
flash_each_second: boolean, };

export type ColorSettings = { color: Rgba, width: number, height: number, };

export type ImageSettings = { 
/**
 * PNG, JPEG, GIF (first frame) or WebP; relative to the collection file.
 */
path: string, };

export type Align = "left" | "center" | "right";

export type Outline = { width: number, color: Rgba, };

export type TextBackground = { color: Rgba, padding: number, };

export type TextSettings = { text: string, 
/**
 * A font file (TTF/OTF); defaults to the bundled font.
 */
font: string | null, 
/**
 * Font size in canvas pixels.
 */
size: number, color: Rgba, bold: boolean, align: Align, 
/**
 * Wrap lines at this width in pixels; no wrapping when absent.
 */
wrap_width: number | null, outline: Outline | null, background: TextBackground | null, };

export type ToneSettings = { frequency_hz: number, level_dbfs: number, beep_each_second: boolean, };

export type CameraSettings = { 
/**
 * Device name or index; the first camera when absent.
 */
device: string | null, width: number | null, height: number | null, fps: number | null, 
/**
 * What the camera should send; any it offers when absent.
 */
format: CameraFormat | null, };

export type GuestSettings = { slot: string, name: string, };

export type CameraFormat = "mjpeg" | "yuyv" | "nv12";

export type MicrophoneSettings = { 
/**
 * Device name; the default input when absent.
 */
device: string | null, };

export type MediaFileSettings = { 
/**
 * A video or audio file FFmpeg reads (MP4, MKV, MOV, WebM, MP3, WAV...); relative to the
 * collection file.
 */
path: string, 
/**
 * Start again from `start_s` at the end.
 */
looping: boolean, 
/**
 * Where playback starts, in seconds into the file.
 */
start_s: number, };

export type AudioMix = { 
/**
 * Fader, in dB (-60 to +20); 0 leaves the level alone.
 */
gain_db: number, muted: boolean, 
/**
 * Moves the source's sound later (positive) or earlier (negative), in ms (-2000 to 2000),
 * to line it up with a picture that lags or leads. A live input cannot play ahead of what
 * it has captured, so on a microphone only positive offsets apply.
 */
sync_offset_ms: number, 
/**
 * Folds the channels to one and plays it on both sides.
 */
mono: boolean, 
/**
 * Also plays it on the studio's monitoring output (headphones), after the fader and
 * before the mute: a muted source can be checked before it goes out.
 */
monitor: boolean, 
/**
 * Left out of what remote guests hear (music cleared for the stream only). Guests hear
 * the program minus their own voice and minus these.
 */
not_to_guests: boolean, filters?: Array<AudioFilter>, };

export type AudioFilter = { "type": "noise_gate" } & NoiseGate | { "type": "gain", db: number, };

export type NoiseGate = { open_threshold_db: number, close_threshold_db: number, attack_ms: number, hold_ms: number, release_ms: number, };

export type Scene = { name: string, 
/**
 * The layers on the main canvas, bottom first.
 */
layers: Array<Layer>, 
/**
 * The same layers arranged for each extra canvas, by canvas name: their own transform,
 * visibility and order. A layer missing from a layout is not shown on that canvas.
 */
layouts?: { [key in string]: Array<Layer> }, 
/**
 * Used instead of the collection's transition when switching to this scene.
 */
transition?: Transition | null, };

export type Layer = { source: string, transform: Transform, visible: boolean, locked: boolean, };

export type Transform = { x: number, y: number, width: number | null, height: number | null, crop: Crop, rotation: number, opacity: number, fit?: Fit, };

export type Crop = { left: number, top: number, right: number, bottom: number, };

export type Fit = "stretch" | "cover";

export type Rgba = string;

export type Profile = { schema_version: number, 
/**
 * The main canvas's video encoder, and that of every other canvas not in `canvas_video`.
 */
video: VideoEncoderSettings, 
/**
 * Video encoder settings of other canvases, by canvas name (a vertical canvas may want
 * its own bitrate).
 */
canvas_video?: { [key in string]: VideoEncoderSettings }, audio: AudioEncoderSettings, recording: RecordingSettings, 
/**
 * Where `streamwerk stream --profile` goes live; every enabled one at once.
 */
destinations: Array<DestinationSettings>, 
/**
 * Seconds the destinations' stream is held before it goes out (0 to 600), so a panic can
 * take back what viewers have not seen yet. Recordings are not delayed.
 */
stream_delay_s: number, 
/**
 * How much the studio's replay buffer keeps, in seconds (1 to 300).
 */
replay_buffer_s: number, 
/**
 * Keys and what they do; a profile without the field starts with the defaults.
 */
hotkeys: Array<Hotkey>, 
/**
 * How remote guests reach the studio through NATs: STUN and TURN servers.
 */
guest_network?: GuestNetwork, 
/**
 * Where the remote control (the obs-websocket v5 protocol) listens.
 */
remote_control?: RemoteControl, };

export type VideoEncoderSettings = { 
/**
 * x264 preset: ultrafast … veryslow.
 */
preset: string, 
/**
 * x264 tune, such as `zerolatency`; none when absent.
 */
tune: string | null, 
/**
 * H.264 profile: baseline, main or high.
 */
profile: string, rate_control: RateControl, bitrate_kbps: number, 
/**
 * VBR ceiling; defaults to 1.5 x the bitrate.
 */
max_bitrate_kbps: number | null, keyframe_interval_s: number, 
/**
 * Encoder threads; 0 lets x264 choose.
 */
threads: number, };

export type RateControl = "cbr" | "vbr";

export type AudioEncoderSettings = { bitrate_kbps: number, };

export type RecordingFormat = "mkv" | "mp4";

export type RecordingSettings = { format: RecordingFormat, folder: string, 
/**
 * With a stream delay, also record what viewers got (held, and cut short by a panic)
 * beside the program's recording, as `…-as-aired.mkv`.
 */
as_aired: boolean, 
/**
 * The canvases recorded, one file each starting at the same frame; empty: `main`.
 */
canvases?: Array<string>, };

export type DestinationSettings = { name: string, platform: Platform, 
/**
 * Ingest server URL without the key, such as rtmp://host/app; the platform's own when absent.
 */
server: string | null, 
/**
 * Name of the stream key in the key store.
 */
key: string | null, enabled: boolean, 
/**
 * The platform gives a new key each broadcast (Facebook, Instagram, TikTok and LinkedIn
 * events): Go Live asks for it and keeps it for that session only; `key` is not used.
 */
key_per_broadcast?: boolean, 
/**
 * The canvas it streams; absent: by platform (see [`DestinationSettings::canvas_in`]).
 */
canvas?: string | null, };

export type Platform = "youtube" | "twitch" | "facebook" | "linkedin" | "kick" | "tiktok" | "instagram" | "custom";
