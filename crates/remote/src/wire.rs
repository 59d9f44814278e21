//! obs-websocket's framing: the two encodings a client may ask for by subprotocol, the
//! `{op, d}` envelope, and the close codes with the very reasons obs-websocket sends (clients
//! such as Companion decide what to do from the text).

use serde_json::{Map, Value};

/// How a session's messages are written: JSON in text frames or MessagePack in binary ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    MsgPack,
}

pub const JSON_PROTOCOL: &str = "obswebsocket.json";
pub const MSGPACK_PROTOCOL: &str = "obswebsocket.msgpack";

impl Encoding {
    /// The first of the client's subprotocols obs-websocket knows; JSON when it asks for none
    /// (and then nothing is echoed).
    pub fn choose<'a>(
        asked: impl IntoIterator<Item = &'a str>,
    ) -> (Encoding, Option<&'static str>) {
        for protocol in asked {
            match protocol.trim() {
                JSON_PROTOCOL => return (Encoding::Json, Some(JSON_PROTOCOL)),
                MSGPACK_PROTOCOL => return (Encoding::MsgPack, Some(MSGPACK_PROTOCOL)),
                _ => {}
            }
        }
        (Encoding::Json, None)
    }
}

/// One WebSocket data frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
}

/// Why the server closes a session: the code and the reason text, as obs-websocket sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: String,
}

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Close {
        Close {
            code,
            reason: reason.into(),
        }
    }
    pub fn decode(reason: impl Into<String>) -> Close {
        Close::new(4002, reason)
    }
    pub fn missing(reason: impl Into<String>) -> Close {
        Close::new(4003, reason)
    }
    pub fn wrong_type(reason: impl Into<String>) -> Close {
        Close::new(4004, reason)
    }
    pub fn bad_value(reason: impl Into<String>) -> Close {
        Close::new(4005, reason)
    }
    pub fn unknown_op(reason: impl Into<String>) -> Close {
        Close::new(4006, reason)
    }
    pub fn not_identified() -> Close {
        Close::new(
            4007,
            "You attempted to send a non-Identify message while not identified.",
        )
    }
    pub fn already_identified() -> Close {
        Close::new(
            4008,
            "You are already Identified with the obs-websocket server.",
        )
    }
    pub fn authentication(reason: impl Into<String>) -> Close {
        Close::new(4009, reason)
    }
    pub fn rpc_version(reason: impl Into<String>) -> Close {
        Close::new(4010, reason)
    }
    /// The host disconnected the client, or renewed the password: it must not reconnect alone.
    pub fn invalidated() -> Close {
        Close::new(4011, "Your session has been invalidated.")
    }
    pub fn unsupported(reason: impl Into<String>) -> Close {
        Close::new(4012, reason)
    }
    /// Streamwerk's own limits (size, rate): the RFC's "message too big" and "policy".
    pub fn too_big(limit: usize) -> Close {
        Close::new(1009, format!("Messages are limited to {limit} bytes."))
    }
    pub fn too_fast(limit: u32) -> Close {
        Close::new(1008, format!("More than {limit} messages in a second."))
    }
    pub fn stopping() -> Close {
        Close::new(1001, "Server stopping.")
    }
}

/// A frame's payload as an object, or the close obs-websocket answers it with.
pub fn decode(encoding: Encoding, frame: &Frame) -> Result<Map<String, Value>, Close> {
    let value = match (encoding, frame) {
        (Encoding::Json, Frame::Text(text)) => serde_json::from_str::<Value>(text)
            .map_err(|e| Close::decode(format!("Unable to decode Json: {e}")))?,
        (Encoding::MsgPack, Frame::Binary(bytes)) => rmp_serde::from_slice::<Value>(bytes)
            .map_err(|e| Close::decode(format!("Unable to decode MsgPack: {e}")))?,
        (Encoding::Json, Frame::Binary(_)) => {
            return Err(Close::decode(
                "Your session encoding is set to Json, but a binary message was received.",
            ))
        }
        (Encoding::MsgPack, Frame::Text(_)) => {
            return Err(Close::decode(
                "Your session encoding is set to MsgPack, but a text message was received.",
            ))
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Close::decode(
            "Websocket message is not an object (`{...}`).",
        )),
    }
}

/// `{op, d}` in the session's encoding.
pub fn encode(encoding: Encoding, op: u8, d: Value) -> Frame {
    let message = serde_json::json!({ "op": op, "d": d });
    match encoding {
        Encoding::Json => Frame::Text(message.to_string()),
        // Maps keep their names (obs-websocket-js reads fields by name).
        Encoding::MsgPack => Frame::Binary(
            rmp_serde::to_vec_named(&message).expect("a JSON value always encodes as MsgPack"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_first_known_subprotocol_is_chosen_and_echoed() {
        let (e, echo) = Encoding::choose(["chat", MSGPACK_PROTOCOL, JSON_PROTOCOL]);
        assert_eq!((e, echo), (Encoding::MsgPack, Some(MSGPACK_PROTOCOL)));
        assert_eq!(Encoding::choose(["chat"]), (Encoding::Json, None));
    }

    #[test]
    fn a_message_round_trips_in_both_encodings() {
        for encoding in [Encoding::Json, Encoding::MsgPack] {
            let frame = encode(encoding, 7, serde_json::json!({"requestId": "1", "x": 1.5}));
            let map = decode(encoding, &frame).unwrap();
            assert_eq!(map["op"], 7);
            assert_eq!(map["d"]["x"], 1.5);
        }
    }

    #[test]
    fn the_wrong_frame_kind_closes_with_obs_websocket_s_reason() {
        let close = decode(Encoding::Json, &Frame::Binary(vec![0x80])).unwrap_err();
        assert_eq!(close.code, 4002);
        assert!(close.reason.contains("set to Json, but a binary"));
        let close = decode(Encoding::Json, &Frame::Text("[1]".into())).unwrap_err();
        assert_eq!(close.code, 4002);
    }

    proptest! {
        /// Whatever arrives, the decoder answers an object or a 4002, and never panics.
        #[test]
        fn any_bytes_decode_or_close_with_4002(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            for frame in [Frame::Binary(bytes.clone()), Frame::Text(String::from_utf8_lossy(&bytes).into())] {
                for encoding in [Encoding::Json, Encoding::MsgPack] {
                    if let Err(close) = decode(encoding, &frame) {
                        prop_assert_eq!(close.code, 4002);
                    }
                }
            }
        }

        /// A valid message cut short anywhere is refused with 4002, not half-read.
        #[test]
        fn truncated_frames_close_with_4002(cut in 1usize..40) {
            let full = encode(Encoding::MsgPack, 6, serde_json::json!({"requestType": "GetVersion", "requestId": "abc"}));
            let Frame::Binary(bytes) = full else { unreachable!() };
            let cut = cut.min(bytes.len() - 1);
            let close = decode(Encoding::MsgPack, &Frame::Binary(bytes[..cut].to_vec())).unwrap_err();
            prop_assert_eq!(close.code, 4002);
            let text = r#"{"op":6,"d":{"requestType":"GetVersion","requestId":"abc"}}"#;
            let close = decode(Encoding::Json, &Frame::Text(text[..cut.min(text.len() - 1)].into())).unwrap_err();
            prop_assert_eq!(close.code, 4002);
        }
    }
}
