//! Requests by name: which ones Streamwerk answers, the status envelope around each answer,
//! and what every handler is given.

use crate::events::{ObsEvent, Tracker};
use crate::session::{Request, RequestData};
use crate::status::{code, Failure, Fields, Reply};
use crate::{config, general, inputs, outputs, scenes, transitions};
use serde_json::{json, Value};
use std::sync::Mutex;
use streamwerk_protocol::{Command, StudioState};
use streamwerk_scene::Collection;
use streamwerk_studio::Studio;
use tokio::sync::broadcast;

/// What a handler works with: the studio, its state as the request arrived, and the server's.
pub struct Ctx<'a> {
    pub studio: &'a Studio,
    pub state: StudioState,
    pub tracker: &'a Mutex<Tracker>,
    /// Every session's events (BroadcastCustomEvent).
    pub events: &'a broadcast::Sender<ObsEvent>,
    /// This session's messages in and out so far (GetStats).
    pub messages: (u64, u64),
}

impl Ctx<'_> {
    pub fn collection(&self) -> &Collection {
        &self.state.collection
    }

    /// Carries out a studio command; a refusal is answered 702 with the studio's reason.
    pub fn run(&self, command: Command) -> Result<(), Failure> {
        self.studio
            .handle(command)
            .map_err(|e| Failure::new(code::PROCESSING_FAILED, e.to_string()))
    }
}

type Handler = fn(&Ctx, &Fields) -> Reply;

/// Every request answered, in obs-websocket's documentation order.
const HANDLERS: &[(&str, Handler)] = &[
    ("GetVersion", general::get_version),
    ("GetStats", general::get_stats),
    ("BroadcastCustomEvent", general::broadcast_custom_event),
    ("CallVendorRequest", crate::vendor::call),
    ("GetHotkeyList", general::get_hotkey_list),
    ("GetVideoSettings", config::get_video_settings),
    ("GetSceneCollectionList", config::get_scene_collection_list),
    ("GetProfileList", config::get_profile_list),
    ("GetSpecialInputs", config::get_special_inputs),
    ("TriggerHotkeyByName", general::trigger_hotkey_by_name),
    ("GetSourceScreenshot", general::get_source_screenshot),
    ("GetSceneList", scenes::get_scene_list),
    ("GetCurrentProgramScene", scenes::get_current_program_scene),
    ("SetCurrentProgramScene", scenes::set_current_program_scene),
    ("GetCurrentPreviewScene", scenes::get_current_preview_scene),
    ("SetCurrentPreviewScene", scenes::set_current_preview_scene),
    ("GetInputList", inputs::get_input_list),
    ("GetInputSettings", inputs::get_input_settings),
    ("SetInputSettings", inputs::set_input_settings),
    ("GetInputMute", inputs::get_input_mute),
    ("SetInputMute", inputs::set_input_mute),
    ("ToggleInputMute", inputs::toggle_input_mute),
    ("GetInputVolume", inputs::get_input_volume),
    ("SetInputVolume", inputs::set_input_volume),
    (
        "GetInputAudioSyncOffset",
        inputs::get_input_audio_sync_offset,
    ),
    ("GetInputAudioTracks", inputs::get_input_audio_tracks),
    (
        "GetSceneTransitionList",
        transitions::get_scene_transition_list,
    ),
    (
        "GetCurrentSceneTransition",
        transitions::get_current_scene_transition,
    ),
    (
        "SetCurrentSceneTransition",
        transitions::set_current_scene_transition,
    ),
    (
        "SetCurrentSceneTransitionDuration",
        transitions::set_current_scene_transition_duration,
    ),
    ("GetSceneItemList", scenes::get_scene_item_list),
    ("GetSceneItemId", scenes::get_scene_item_id),
    ("GetSceneItemEnabled", scenes::get_scene_item_enabled),
    ("SetSceneItemEnabled", scenes::set_scene_item_enabled),
    ("GetSceneItemLocked", scenes::get_scene_item_locked),
    ("SetSceneItemLocked", scenes::set_scene_item_locked),
    ("GetStreamStatus", outputs::get_stream_status),
    ("ToggleStream", outputs::toggle_stream),
    ("StartStream", outputs::start_stream),
    ("StopStream", outputs::stop_stream),
    ("GetRecordStatus", outputs::get_record_status),
    ("ToggleRecord", outputs::toggle_record),
    ("StartRecord", outputs::start_record),
    ("StopRecord", outputs::stop_record),
    ("CreateRecordChapter", outputs::create_record_chapter),
    ("GetReplayBufferStatus", outputs::get_replay_buffer_status),
    ("ToggleReplayBuffer", outputs::toggle_replay_buffer),
    ("StartReplayBuffer", outputs::start_replay_buffer),
    ("StopReplayBuffer", outputs::stop_replay_buffer),
    ("SaveReplayBuffer", outputs::save_replay_buffer),
    (
        "GetLastReplayBufferReplay",
        outputs::get_last_replay_buffer_replay,
    ),
    ("GetStudioModeEnabled", scenes::get_studio_mode_enabled),
    ("SetStudioModeEnabled", scenes::set_studio_mode_enabled),
    (
        "TriggerStudioModeTransition",
        scenes::trigger_studio_mode_transition,
    ),
];

/// Only in batches: the batch runner waits.
pub const SLEEP: &str = "Sleep";

/// GetVersion's `availableRequests`: what clients may use (obs-websocket tells them to check).
pub fn available() -> Vec<&'static str> {
    HANDLERS
        .iter()
        .map(|(name, _)| *name)
        .chain([SLEEP])
        .collect()
}

/// The answer to one request (Sleep aside).
pub fn call(ctx: &Ctx, request: &Request) -> Reply {
    if request.request_type.is_empty() {
        return Err(Failure::new(
            code::MISSING_REQUEST_TYPE,
            "Your request's `requestType` may not be empty.",
        ));
    }
    if request.request_type == SLEEP {
        return Err(Failure::new(
            code::UNSUPPORTED_IN_BATCH,
            "The request type `Sleep` is only available in a serial request batch.",
        ));
    }
    let handler = HANDLERS
        .iter()
        .find(|(name, _)| *name == request.request_type)
        .map(|(_, handler)| handler)
        .ok_or_else(|| {
            Failure::new(
                code::UNKNOWN_REQUEST_TYPE,
                "Your request type is not valid.",
            )
        })?;
    let data = match &request.data {
        RequestData::None => None,
        RequestData::Object(map) => Some(map),
        RequestData::NotObject => {
            return Err(Failure::new(
                code::FIELD_TYPE,
                "Your request data is not an object.",
            ))
        }
    };
    handler(ctx, &Fields::new(data))
}

/// A RequestResponse's data (op 7), or one result of a batch.
pub fn response(request_type: &str, request_id: Option<&Value>, reply: &Reply) -> Value {
    let mut d = json!({ "requestType": request_type });
    if let Some(id) = request_id {
        d["requestId"] = id.clone();
    }
    match reply {
        Ok(data) => {
            d["requestStatus"] = json!({ "result": true, "code": code::SUCCESS });
            if let Some(data) = data {
                d["responseData"] = data.clone();
            }
        }
        Err(f) => {
            d["requestStatus"] = json!({ "result": false, "code": f.code, "comment": f.comment });
        }
    }
    d
}
