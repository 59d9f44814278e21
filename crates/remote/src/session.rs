//! One client's session as obs-websocket runs it: Hello, then Identify (with the password's
//! answer to this connection's challenge), then requests and batches. Every check and its
//! close code and reason follow obs-websocket's `WebSocketServer::ProcessMessage`, in its
//! order; anything malformed closes this session only.

use crate::auth::{random_b64, Auth};
use crate::wire::Close;
use serde_json::{json, Map, Value};

/// The protocol revision obs-websocket 5 speaks; the only one.
pub const RPC_VERSION: u64 = 1;
/// What Hello and GetVersion report: the OBS and obs-websocket releases whose protocol this
/// follows, since clients decide what to offer from them (Companion needs a non-empty one).
pub const OBS_STUDIO_VERSION: &str = "32.1.0";
pub const OBS_WEBSOCKET_VERSION: &str = "5.7.3";
/// Every non-high-volume category, as obs-websocket 5.7 counts them.
pub const ALL_EVENTS: u64 = 4095;

/// What an Identify or a request asks of the server.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Answer with Identified (op 2); the subscriptions are set.
    Identified,
    Request(Request),
    Batch(Batch),
}

/// One request, as op 6 carries it or as an item of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request_type: String,
    /// Echoed as given; a batch item may leave it out.
    pub request_id: Option<Value>,
    pub data: RequestData,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RequestData {
    /// Absent or null (obs-websocket-js's MessagePack build sends null).
    None,
    Object(Map<String, Value>),
    /// Present but not an object: every handler answers 401.
    NotObject,
}

impl RequestData {
    fn of(value: Option<&Value>) -> RequestData {
        match value {
            None | Some(Value::Null) => RequestData::None,
            Some(Value::Object(map)) => RequestData::Object(map.clone()),
            Some(_) => RequestData::NotObject,
        }
    }
}

/// How a batch runs: obs-websocket's `RequestBatchExecutionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// One after the other as fast as they go; `Sleep` waits `sleepMillis`.
    SerialRealtime,
    /// One after the other; `Sleep` waits `sleepFrames` frames of the canvas.
    SerialFrame,
    /// In any order (run here one after the other, which is one such order); no `Sleep`.
    Parallel,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub request_id: Value,
    pub halt_on_failure: bool,
    pub execution: Execution,
    /// Each item; `Err` holds the status comment of an item that is not a request.
    pub requests: Vec<Result<Request, (Option<Value>, String)>>,
}

pub struct Session {
    /// The server start's salt and secret, and this connection's challenge.
    auth: Option<(Auth, String)>,
    identified: bool,
    /// The event categories this client wants (obs-websocket's bit mask).
    pub subscriptions: u64,
}

fn unsigned(value: &Value) -> Option<u64> {
    value.as_u64()
}

impl Session {
    /// A new session and its Hello's data.
    pub fn new(auth: Option<&Auth>) -> (Session, Value) {
        let auth = auth.map(|a| (a.clone(), random_b64()));
        let mut hello = json!({
            "obsStudioVersion": OBS_STUDIO_VERSION,
            "obsWebSocketVersion": OBS_WEBSOCKET_VERSION,
            "rpcVersion": RPC_VERSION,
        });
        if let Some((auth, challenge)) = &auth {
            hello["authentication"] = json!({ "challenge": challenge, "salt": auth.salt });
        }
        let session = Session {
            auth,
            identified: false,
            subscriptions: ALL_EVENTS,
        };
        (session, hello)
    }

    pub fn identified(&self) -> bool {
        self.identified
    }

    /// Reads one decoded message: what to do, or the close that ends the session.
    pub fn read(&mut self, mut message: Map<String, Value>) -> Result<Step, Close> {
        if !self.identified && message.contains_key("request-type") {
            return Err(Close::rpc_version(
                "You are using an old or unsupported client. Please update your client.",
            ));
        }
        let op = match message.get("op") {
            None => return Err(Close::unknown_op("Your request is missing an `op`.")),
            Some(op) => op
                .as_u64()
                .ok_or_else(|| Close::unknown_op("Your `op` is not a number."))?,
        };
        let d = match message.remove("d") {
            None => return Err(Close::missing("Your payload is missing data (`d`).")),
            Some(Value::Object(d)) => d,
            Some(_) => {
                return Err(Close::wrong_type(
                    "Your payload's data (`d`) is not an object.",
                ))
            }
        };
        if !self.identified && op != 1 {
            return Err(Close::not_identified());
        }
        match op {
            1 => self.identify(&d),
            3 => {
                self.subscribe(&d)?;
                Ok(Step::Identified)
            }
            6 => Ok(Step::Request(request(&d)?)),
            8 => Ok(Step::Batch(batch(&d)?)),
            op => Err(Close::unknown_op(format!("Unknown OpCode: {op}"))),
        }
    }

    fn identify(&mut self, d: &Map<String, Value>) -> Result<Step, Close> {
        if self.identified {
            return Err(Close::already_identified());
        }
        if let Some((auth, challenge)) = &self.auth {
            let answer = match d.get("authentication") {
                None => return Err(Close::authentication(
                    "Your payload's data is missing an `authentication` string, however authentication is required.",
                )),
                Some(Value::String(answer)) => answer,
                Some(_) => {
                    return Err(Close::authentication(
                        "Your `authentication` field is not a string.",
                    ))
                }
            };
            if !auth.accepts(challenge, answer) {
                return Err(Close::authentication("Authentication failed."));
            }
        }
        let version = d
            .get("rpcVersion")
            .ok_or_else(|| Close::missing("Your payload's data is missing an `rpcVersion`."))?;
        let version = unsigned(version)
            .ok_or_else(|| Close::wrong_type("Your `rpcVersion` is not an unsigned number."))?;
        if version != RPC_VERSION {
            return Err(Close::rpc_version(
                "Your requested RPC version is not supported by this server.",
            ));
        }
        self.subscribe(d)?;
        self.identified = true;
        Ok(Step::Identified)
    }

    /// Any unsigned mask is taken: unknown bits just match no event.
    fn subscribe(&mut self, d: &Map<String, Value>) -> Result<(), Close> {
        if let Some(mask) = d.get("eventSubscriptions") {
            self.subscriptions = unsigned(mask).ok_or_else(|| {
                Close::wrong_type("Your `eventSubscriptions` is not an unsigned number.")
            })?;
        }
        Ok(())
    }
}

fn request(d: &Map<String, Value>) -> Result<Request, Close> {
    let request_type = match d.get("requestType") {
        None => return Err(Close::missing("Your request is missing a `requestType`")),
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err(Close::wrong_type("Your `requestType` is not a string.")),
    };
    let request_id = d
        .get("requestId")
        .cloned()
        .ok_or_else(|| Close::missing("Your request is missing a `requestId`"))?;
    Ok(Request {
        request_type,
        request_id: Some(request_id),
        data: RequestData::of(d.get("requestData")),
    })
}

fn batch(d: &Map<String, Value>) -> Result<Batch, Close> {
    let request_id = d
        .get("requestId")
        .cloned()
        .ok_or_else(|| Close::missing("Your request batch is missing a `requestId`"))?;
    let items = match d.get("requests") {
        None => return Err(Close::missing("Your request batch is missing a `requests`")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(Close::wrong_type("Your `requests` is not an array.")),
    };
    let halt_on_failure = match d.get("haltOnFailure") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Close::wrong_type("Your `haltOnFailure` is not a boolean.")),
    };
    let execution = match d.get("executionType") {
        None | Some(Value::Null) => Execution::SerialRealtime,
        Some(v) => match v.as_i64() {
            Some(0) => Execution::SerialRealtime,
            Some(1) => Execution::SerialFrame,
            Some(2) => Execution::Parallel,
            Some(_) => {
                return Err(Close::bad_value(
                    "Your `executionType` has a value which is not recognised.",
                ))
            }
            None => return Err(Close::wrong_type("Your `executionType` is not a number.")),
        },
    };
    if execution == Execution::Parallel && d.contains_key("variables") {
        return Err(Close::unsupported(
            "Variables are not supported in Parallel mode.",
        ));
    }
    let requests = items.iter().map(batch_item).collect();
    Ok(Batch {
        request_id,
        halt_on_failure,
        execution,
        requests,
    })
}

fn batch_item(item: &Value) -> Result<Request, (Option<Value>, String)> {
    let Value::Object(d) = item else {
        return Err((None, "A request in the batch is not an object.".into()));
    };
    let request_id = d.get("requestId").cloned();
    match d.get("requestType") {
        Some(Value::String(t)) => Ok(Request {
            request_type: t.clone(),
            request_id,
            data: RequestData::of(d.get("requestData")),
        }),
        _ => Err((request_id, "Your request is missing a `requestType`".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn answer(hello: &Value, password: &str) -> String {
        use base64::Engine as _;
        use sha2::{Digest, Sha256};
        let b64 = |s: String| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        };
        let a = &hello["authentication"];
        let secret = b64(format!("{password}{}", a["salt"].as_str().unwrap()));
        b64(format!("{secret}{}", a["challenge"].as_str().unwrap()))
    }

    #[test]
    fn the_right_answer_identifies_and_a_wrong_one_closes_with_4009() {
        let auth = Auth::new("hunter22");
        let (mut s, hello) = Session::new(Some(&auth));
        let good = answer(&hello, "hunter22");
        let step = s.read(map(json!({"op": 1, "d": {"rpcVersion": 1, "authentication": good, "eventSubscriptions": 985087}})));
        assert_eq!(step, Ok(Step::Identified));
        assert_eq!(s.subscriptions, 985087);
        let again = s.read(map(json!({"op": 1, "d": {"rpcVersion": 1}})));
        assert_eq!(again.unwrap_err().code, 4008);

        let (mut s, hello) = Session::new(Some(&auth));
        let bad = answer(&hello, "hunter2");
        let close = s
            .read(map(
                json!({"op": 1, "d": {"rpcVersion": 1, "authentication": bad}}),
            ))
            .unwrap_err();
        assert_eq!(
            (close.code, close.reason.as_str()),
            (4009, "Authentication failed.")
        );
        let (mut s, _) = Session::new(Some(&auth));
        let close = s
            .read(map(json!({"op": 1, "d": {"rpcVersion": 1}})))
            .unwrap_err();
        assert!(close.reason.contains("missing an `authentication` string"));
    }

    #[test]
    fn envelope_faults_close_with_obs_websocket_s_codes() {
        let cases = [
            (json!({"d": {}}), 4006),
            (json!({"op": "1", "d": {}}), 4006),
            (json!({"op": 1}), 4003),
            (json!({"op": 1, "d": []}), 4004),
            (json!({"op": 6, "d": {}}), 4007),
            (json!({"op": 1, "d": {}}), 4003),
            (json!({"op": 1, "d": {"rpcVersion": -1}}), 4004),
            (json!({"op": 1, "d": {"rpcVersion": 2}}), 4010),
            (
                json!({"op": 1, "d": {"rpcVersion": 1, "eventSubscriptions": "all"}}),
                4004,
            ),
            (
                json!({"request-type": "GetVersion", "message-id": "1"}),
                4010,
            ),
        ];
        for (message, code) in cases {
            let (mut s, _) = Session::new(None);
            assert_eq!(
                s.read(map(message.clone())).unwrap_err().code,
                code,
                "{message}"
            );
        }
        let identified = || {
            let (mut s, _) = Session::new(None);
            s.read(map(json!({"op": 1, "d": {"rpcVersion": 1}})))
                .unwrap();
            s
        };
        for (message, code) in [
            (json!({"op": 6, "d": {"requestId": "1"}}), 4003),
            (
                json!({"op": 6, "d": {"requestType": 5, "requestId": "1"}}),
                4004,
            ),
            (json!({"op": 6, "d": {"requestType": "GetVersion"}}), 4003),
            (
                json!({"op": 8, "d": {"requestId": "1", "requests": {}}}),
                4004,
            ),
            (
                json!({"op": 8, "d": {"requestId": "1", "requests": [], "executionType": 7}}),
                4005,
            ),
            (json!({"op": 9, "d": {}}), 4006),
        ] {
            assert_eq!(
                identified().read(map(message.clone())).unwrap_err().code,
                code,
                "{message}"
            );
        }
    }

    #[test]
    fn null_request_data_counts_as_none() {
        let (mut s, _) = Session::new(None);
        s.read(map(json!({"op": 1, "d": {"rpcVersion": 1}})))
            .unwrap();
        let step = s.read(map(json!({"op": 6, "d": {"requestType": "GetVersion", "requestId": "7", "requestData": null}})));
        let Ok(Step::Request(r)) = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            (r.data, r.request_id),
            (RequestData::None, Some(json!("7")))
        );
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-zA-Z]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("op".to_string()),
                        Just("d".to_string()),
                        Just("rpcVersion".to_string()),
                        Just("requestType".to_string()),
                        Just("requestId".to_string()),
                        Just("requests".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Random envelopes, before and after Identify: a step or a close with a protocol
        /// code (4000 to 4012), never a panic.
        #[test]
        fn random_messages_step_or_close_with_a_protocol_code(messages in proptest::collection::vec(any_json(), 1..6)) {
            let (mut s, _) = Session::new(Some(&Auth::new("pw")));
            let (mut open, _) = Session::new(None);
            open.read(map(json!({"op": 1, "d": {"rpcVersion": 1}}))).unwrap();
            for m in messages {
                let Value::Object(m) = m else { continue };
                for session in [&mut s, &mut open] {
                    if let Err(close) = session.read(m.clone()) {
                        prop_assert!((4000..=4012).contains(&close.code));
                    }
                }
            }
        }
    }
}
