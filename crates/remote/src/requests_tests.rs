//! Every request handler against a real studio, given missing, wrong-typed and out-of-range
//! fields: it answers a status, never panics, and the show stays as it was.

use crate::events::Tracker;
use crate::requests::{available, call, Ctx};
use crate::session::{Request, RequestData};
use crate::status::code;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use streamwerk_studio::Studio;
use tokio::sync::broadcast;

/// Requests that act without any field (OBS ignores what else they are given): not for a
/// test that the show stays as it was.
const ACT_WITHOUT_FIELDS: [&str; 12] = [
    "ToggleStream",
    "StartStream",
    "StopStream",
    "ToggleRecord",
    "StartRecord",
    "StopRecord",
    "CreateRecordChapter",
    "ToggleReplayBuffer",
    "StartReplayBuffer",
    "StopReplayBuffer",
    "SaveReplayBuffer",
    "TriggerStudioModeTransition",
];

#[derive(Clone, Copy, Debug)]
enum Type {
    Str,
    Bool,
    Num(f64, f64),
    Obj,
}

/// Every field a handler reads, with its type.
const FIELDS: [(&str, Type); 28] = [
    ("sceneName", Type::Str),
    ("sceneUuid", Type::Str),
    ("inputName", Type::Str),
    ("inputUuid", Type::Str),
    ("sourceName", Type::Str),
    ("sourceUuid", Type::Str),
    ("canvasUuid", Type::Str),
    ("canvasName", Type::Str),
    ("inputKind", Type::Str),
    ("hotkeyName", Type::Str),
    ("contextName", Type::Str),
    ("transitionName", Type::Str),
    ("imageFormat", Type::Str),
    ("vendorName", Type::Str),
    ("requestType", Type::Str),
    ("chapterName", Type::Str),
    ("studioModeEnabled", Type::Bool),
    ("sceneItemEnabled", Type::Bool),
    ("sceneItemLocked", Type::Bool),
    ("inputMuted", Type::Bool),
    ("overlay", Type::Bool),
    ("sceneItemId", Type::Num(0.0, 2147483647.0)),
    ("searchOffset", Type::Num(-1.0, 2147483647.0)),
    ("inputVolumeDb", Type::Num(-100.0, 26.0)),
    ("inputVolumeMul", Type::Num(0.0, 20.0)),
    ("transitionDuration", Type::Num(50.0, 10000.0)),
    ("imageWidth", Type::Num(8.0, 4096.0)),
    ("inputSettings", Type::Obj),
];

/// A value `t` must refuse: another type, an empty string, or a number out of range.
fn wrong(t: Type) -> BoxedStrategy<Value> {
    let other = prop_oneof![
        Just(json!([1, 2])),
        Just(json!({"a": 1})),
        any::<bool>().prop_map(Value::from),
        "[a-z]{1,4}".prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
    ];
    match t {
        Type::Str => prop_oneof![
            Just(json!("")),
            Just(json!(7)),
            Just(json!(true)),
            Just(json!({}))
        ]
        .boxed(),
        Type::Bool => prop_oneof![Just(json!("true")), Just(json!(1)), Just(json!([]))].boxed(),
        Type::Num(min, max) => prop_oneof![
            Just(json!(min - 1.0)),
            Just(json!(max + 1.0)),
            Just(json!(-1e300)),
            Just(json!("5")),
            Just(json!(false)),
        ]
        .boxed(),
        Type::Obj => other
            .prop_filter("not an object", |v| !v.is_object())
            .boxed(),
    }
}

fn bad_data() -> impl Strategy<Value = Map<String, Value>> {
    proptest::sample::subsequence(FIELDS.to_vec(), 0..4).prop_flat_map(|fields| {
        fields
            .into_iter()
            .map(|(name, t)| wrong(t).prop_map(move |v| (name.to_string(), v)))
            .collect::<Vec<_>>()
            .prop_map(|pairs| pairs.into_iter().collect())
    })
}

/// What a bad request must not change.
fn show(studio: &Studio) -> Value {
    let s = studio.state();
    json!([
        s.collection,
        s.program_scene,
        s.preview_scene,
        s.live,
        s.recording,
        s.replay_buffer
    ])
}

fn studio() -> (tempfile::TempDir, Arc<Studio>) {
    let dir = tempfile::tempdir().unwrap();
    let scene = streamwerk_e2e::colour_scenes(dir.path(), None);
    let keys = streamwerk_keys::KeyStore::with_file(dir.path().join("keys.json"));
    let studio = Studio::open(&scene, &dir.path().join("profile.json"), keys).unwrap();
    (dir, studio)
}

#[test]
fn bad_fields_get_a_status_and_leave_the_show_alone() {
    let (_dir, studio) = studio();
    let tracker = Mutex::new(Tracker::default());
    let events = broadcast::channel(16).0;
    let before = show(&studio);
    let names: Vec<&str> = available()
        .into_iter()
        .filter(|n| !ACT_WITHOUT_FIELDS.contains(n))
        .collect();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(
            &(proptest::sample::select(names), bad_data(), 0..3u8),
            |(name, data, shape)| {
                let data = match shape {
                    0 => RequestData::Object(data),
                    1 => RequestData::None,
                    _ => RequestData::NotObject,
                };
                let request = Request {
                    request_type: name.into(),
                    request_id: None,
                    data,
                };
                let ctx = Ctx {
                    studio: &studio,
                    state: studio.state(),
                    tracker: &tracker,
                    events: &events,
                    messages: (0, 0),
                };
                if let Err(f) = call(&ctx, &request) {
                    prop_assert!((200..700).contains(&f.code), "{name}: {f:?}");
                    // The studio was never asked to act on them.
                    prop_assert!(f.code != code::PROCESSING_FAILED, "{name}: {f:?}");
                    prop_assert!(!f.comment.is_empty());
                }
                prop_assert_eq!(&show(&studio), &before, "{} changed the show", name);
                Ok(())
            },
        )
        .unwrap();
    studio.shutdown();
}
