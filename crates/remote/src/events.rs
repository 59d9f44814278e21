//! obs-websocket's events, made from the studio's own: each new state is compared with the
//! one before (so a change made in the studio's page raises the same events as one made by a
//! remote client), meters become `InputVolumeMeters`, and the times outputs started are kept
//! for the status requests.

use crate::names::{input_name, item_id};
use crate::transitions::{transition_duration, transition_name};
use serde_json::{json, Value};
use std::time::Instant;
use streamwerk_mixer::MeterReading;
use streamwerk_protocol::{Event, GuestInfo, StudioState, StudioStats};
use streamwerk_scene::{Collection, Source, MAIN_CANVAS};

/// Event categories: obs-websocket's `EventSubscription` bits.
pub mod intent {
    pub const GENERAL: u64 = 1;
    pub const CONFIG: u64 = 1 << 1;
    pub const SCENES: u64 = 1 << 2;
    pub const INPUTS: u64 = 1 << 3;
    pub const TRANSITIONS: u64 = 1 << 4;
    pub const OUTPUTS: u64 = 1 << 6;
    pub const SCENE_ITEMS: u64 = 1 << 7;
    pub const UI: u64 = 1 << 10;
    /// High volume: sent only to clients that asked for it by this bit.
    pub const INPUT_VOLUME_METERS: u64 = 1 << 16;
}

/// One event for the clients subscribed to its category.
#[derive(Debug, Clone, PartialEq)]
pub struct ObsEvent {
    pub event_type: &'static str,
    pub intent: u64,
    /// Left out of the message when there is none (ExitStarted).
    pub data: Option<Value>,
}

impl ObsEvent {
    pub fn new(event_type: &'static str, intent: u64, data: Value) -> ObsEvent {
        ObsEvent {
            event_type,
            intent,
            data: Some(data),
        }
    }

    /// The op 5 message's data.
    pub fn message(&self) -> Value {
        let mut d = json!({ "eventType": self.event_type, "eventIntent": self.intent });
        if let Some(data) = &self.data {
            d["eventData"] = data.clone();
        }
        d
    }
}

const STARTING: &str = "OBS_WEBSOCKET_OUTPUT_STARTING";
const STARTED: &str = "OBS_WEBSOCKET_OUTPUT_STARTED";
const STOPPING: &str = "OBS_WEBSOCKET_OUTPUT_STOPPING";
const STOPPED: &str = "OBS_WEBSOCKET_OUTPUT_STOPPED";

/// What the server knows beyond the studio's state: when outputs started, the last counters.
#[derive(Default)]
pub struct Tracker {
    pub state: Option<StudioState>,
    pub live_since: Option<Instant>,
    pub recording_since: Option<Instant>,
    pub stats: Option<StudioStats>,
    pub guests: Vec<GuestInfo>,
    /// The program's last meter reading.
    pub master: Option<MeterReading>,
}

/// A fader in dB as obs-websocket gives volumes: the multiplier and dB (-100 for silence).
pub fn volume(db: f32) -> (f64, f64) {
    let db = f64::from(db);
    (10f64.powf(db / 20.0), db.max(-100.0))
}

fn scene(name: &str) -> Value {
    json!({ "sceneName": name, "sceneUuid": name })
}

fn input(c: &Collection, s: &Source) -> Value {
    json!({ "inputName": input_name(c, s), "inputUuid": s.id })
}

/// GetSceneList's `scenes`: bottom of the list first, as obs-websocket orders them.
pub fn scene_list(c: &Collection) -> Value {
    c.scenes
        .iter()
        .rev()
        .enumerate()
        .map(|(i, s)| json!({ "sceneIndex": i, "sceneName": s.name, "sceneUuid": s.name }))
        .collect()
}

impl Tracker {
    /// The events one studio event makes.
    pub fn observe(&mut self, event: &Event) -> Vec<ObsEvent> {
        match event {
            Event::Hello { state, .. } | Event::State { state } => {
                let events = match &self.state {
                    Some(before) => changes(before, state),
                    None => Vec::new(),
                };
                self.times(state);
                self.state = Some(state.clone());
                events
            }
            Event::Stats { stats } => {
                self.stats = Some(stats.clone());
                Vec::new()
            }
            Event::Guests { guests } => {
                self.guests = guests.clone();
                Vec::new()
            }
            Event::Meters { meters } => {
                self.master = Some(meters.master);
                let Some(state) = &self.state else {
                    return Vec::new();
                };
                let c = &state.collection;
                let inputs: Vec<Value> = meters
                    .sources
                    .iter()
                    .filter_map(|m| {
                        let s = c.source(&m.source)?;
                        let volume = if s.audio.muted { 0.0 } else { 1.0 };
                        let mul = |db: f32| 10f64.powf(f64::from(db) / 20.0);
                        let (rms, peak) = (mul(m.reading.rms_dbfs), mul(m.reading.peak_dbfs));
                        let channel = json!([rms * volume, peak * volume, peak]);
                        let mut v = input(c, s);
                        v["inputLevelsMul"] = json!([channel, channel]);
                        Some(v)
                    })
                    .collect();
                vec![ObsEvent::new(
                    "InputVolumeMeters",
                    intent::INPUT_VOLUME_METERS,
                    json!({ "inputs": inputs }),
                )]
            }
            _ => Vec::new(),
        }
    }

    fn times(&mut self, state: &StudioState) {
        let now = Instant::now();
        match (state.live.is_empty(), self.live_since) {
            (false, None) => self.live_since = Some(now),
            (true, Some(_)) => self.live_since = None,
            _ => {}
        }
        match (&state.recording, self.recording_since) {
            (Some(_), None) => self.recording_since = Some(now),
            (None, Some(_)) => self.recording_since = None,
            _ => {}
        }
    }
}

fn output(event_type: &'static str, active: bool, state: &str) -> ObsEvent {
    ObsEvent::new(
        event_type,
        intent::OUTPUTS,
        json!({ "outputActive": active, "outputState": state }),
    )
}

/// Every change between two states, as obs-websocket events, in the order OBS raises them.
fn changes(before: &StudioState, after: &StudioState) -> Vec<ObsEvent> {
    let mut out = Vec::new();
    let (b, a) = (&before.collection, &after.collection);
    if before.collection_path != after.collection_path {
        out.push(ObsEvent::new(
            "CurrentSceneCollectionChanged",
            intent::CONFIG,
            json!({ "sceneCollectionName": a.name }),
        ));
    }
    let names = |c: &Collection| c.scenes.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    if names(b) != names(a) {
        out.push(ObsEvent::new(
            "SceneListChanged",
            intent::SCENES,
            json!({ "scenes": scene_list(a) }),
        ));
    }
    if before.preview_scene.is_some() != after.preview_scene.is_some() {
        out.push(ObsEvent::new(
            "StudioModeStateChanged",
            intent::UI,
            json!({ "studioModeEnabled": after.preview_scene.is_some() }),
        ));
    }
    if before.program_scene != after.program_scene {
        out.push(ObsEvent::new(
            "CurrentProgramSceneChanged",
            intent::SCENES,
            scene(&after.program_scene),
        ));
    }
    if let Some(preview) = after.preview_scene.as_deref() {
        if before.preview_scene.as_deref() != Some(preview) {
            out.push(ObsEvent::new(
                "CurrentPreviewSceneChanged",
                intent::SCENES,
                scene(preview),
            ));
        }
    }
    items(b, a, &mut out);
    inputs(b, a, &mut out);
    transitions(b, a, &mut out);
    outputs(before, after, &mut out);
    out
}

/// Layers shown or hidden on the main canvas.
fn items(b: &Collection, a: &Collection, out: &mut Vec<ObsEvent>) {
    for scene_after in &a.scenes {
        let Some(scene_before) = b.scene(&scene_after.name) else {
            continue;
        };
        for layer in scene_after.layers_on(MAIN_CANVAS) {
            let was = scene_before
                .layers_on(MAIN_CANVAS)
                .iter()
                .find(|l| l.source == layer.source);
            if was.is_some_and(|w| w.visible != layer.visible) {
                let mut data = scene(&scene_after.name);
                data["sceneItemId"] = json!(item_id(&layer.source));
                data["sceneItemEnabled"] = json!(layer.visible);
                out.push(ObsEvent::new(
                    "SceneItemEnableStateChanged",
                    intent::SCENE_ITEMS,
                    data,
                ));
            }
        }
    }
}

/// Mutes, faders and settings of sources present before and after.
fn inputs(b: &Collection, a: &Collection, out: &mut Vec<ObsEvent>) {
    for s in &a.sources {
        let Some(was) = b.source(&s.id) else {
            continue;
        };
        if was.audio.muted != s.audio.muted {
            let mut data = input(a, s);
            data["inputMuted"] = json!(s.audio.muted);
            out.push(ObsEvent::new("InputMuteStateChanged", intent::INPUTS, data));
        }
        if was.audio.gain_db != s.audio.gain_db {
            let (mul, db) = volume(s.audio.gain_db);
            let mut data = input(a, s);
            data["inputVolumeMul"] = json!(mul);
            data["inputVolumeDb"] = json!(db);
            out.push(ObsEvent::new("InputVolumeChanged", intent::INPUTS, data));
        }
        if was.kind != s.kind {
            let mut data = input(a, s);
            data["inputSettings"] = crate::inputs::settings_of(s);
            out.push(ObsEvent::new("InputSettingsChanged", intent::INPUTS, data));
        }
    }
}

fn transitions(b: &Collection, a: &Collection, out: &mut Vec<ObsEvent>) {
    if transition_name(&b.transition) != transition_name(&a.transition) {
        let name = transition_name(&a.transition);
        out.push(ObsEvent::new(
            "CurrentSceneTransitionChanged",
            intent::TRANSITIONS,
            json!({ "transitionName": name, "transitionUuid": name }),
        ));
    } else if transition_duration(&b.transition) != transition_duration(&a.transition) {
        out.push(ObsEvent::new(
            "CurrentSceneTransitionDurationChanged",
            intent::TRANSITIONS,
            json!({ "transitionDuration": transition_duration(&a.transition) }),
        ));
    }
}

fn outputs(before: &StudioState, after: &StudioState, out: &mut Vec<ObsEvent>) {
    let started_or_stopped =
        |out: &mut Vec<ObsEvent>, kind, before: bool, after: bool| match (before, after) {
            (false, true) => {
                out.extend([output(kind, false, STARTING), output(kind, true, STARTED)])
            }
            (true, false) => {
                out.extend([output(kind, false, STOPPING), output(kind, false, STOPPED)])
            }
            _ => {}
        };
    let live = |s: &StudioState| !s.live.is_empty();
    started_or_stopped(out, "StreamStateChanged", live(before), live(after));
    let record = |active: bool, state: &str, path: Option<&String>| {
        let mut e = output("RecordStateChanged", active, state);
        e.data.as_mut().expect("has data")["outputPath"] = json!(path);
        e
    };
    match (&before.recording, &after.recording) {
        (None, Some(path)) => out.extend([
            record(false, STARTING, None),
            record(true, STARTED, Some(path)),
        ]),
        (Some(path), None) => out.extend([
            record(false, STOPPING, None),
            record(false, STOPPED, Some(path)),
        ]),
        _ => {}
    }
    started_or_stopped(
        out,
        "ReplayBufferStateChanged",
        before.replay_buffer,
        after.replay_buffer,
    );
    if let Some(saved) = &after.replay_saved {
        if before.replay_saved.as_ref() != Some(saved) {
            out.push(ObsEvent::new(
                "ReplayBufferSaved",
                intent::OUTPUTS,
                json!({ "savedReplayPath": saved }),
            ));
        }
    }
}
