//! Wire protocol: client messages in, events out.
//!
//! Client → gateway: `{"type":"user_message","id":<string|number>,"text":"..."}`.
//!
//! Gateway → client, one JSON text frame per event:
//! `{"type":..,"run_id":..,"seq":..,"ts":..,"data":{..}}` where `type` is one of
//! `agent_started`, `agent_thinking`, `tool_executing`, `tool_completed`,
//! `agent_completed` (in that order for the demo agent) or `error`. `seq`
//! counts from 1 within a run; `ts` is Unix time in milliseconds. An `error`
//! that belongs to no run has `run_id: null` and `seq: 0`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

pub const AGENT_STARTED: &str = "agent_started";
pub const AGENT_THINKING: &str = "agent_thinking";
pub const TOOL_EXECUTING: &str = "tool_executing";
pub const TOOL_COMPLETED: &str = "tool_completed";
pub const AGENT_COMPLETED: &str = "agent_completed";
pub const ERROR: &str = "error";

/// The event types of a successful run, in order.
pub const RUN_SEQUENCE: [&str; 5] = [
    AGENT_STARTED,
    AGENT_THINKING,
    TOOL_EXECUTING,
    TOOL_COMPLETED,
    AGENT_COMPLETED,
];

/// A `user_message` from the client.
/// Unknown extra fields are ignored (forward compatibility).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserMessage {
    /// Client-chosen correlation id, echoed back in `agent_started`.
    #[serde(default)]
    pub id: Value,
    pub text: String,
}

/// Why a client frame was not accepted (sent back as an `error` event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub code: &'static str,
    pub message: String,
}

impl ProtocolError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        ProtocolError {
            code,
            message: message.into(),
        }
    }
}

/// Parse one text frame from the client.
pub fn parse_client_message(text: &str) -> Result<UserMessage, ProtocolError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ProtocolError::new("invalid_json", format!("invalid JSON: {e}")))?;
    let Some(obj) = value.as_object() else {
        return Err(ProtocolError::new(
            "invalid_message",
            "message must be a JSON object",
        ));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("user_message") => serde_json::from_value(value).map_err(|e| {
            ProtocolError::new("invalid_message", format!("invalid user_message: {e}"))
        }),
        Some(other) => {
            // Bound what is echoed back.
            let shown: String = other.chars().take(64).collect();
            Err(ProtocolError::new(
                "unknown_type",
                format!("unknown message type `{shown}`"),
            ))
        }
        None => Err(ProtocolError::new(
            "invalid_message",
            "message needs a string `type` field",
        )),
    }
}

/// One event sent to the client.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub run_id: Option<String>,
    pub seq: u64,
    pub ts: u64,
    pub data: Value,
}

/// Borrowed form used for serialisation on the hot path.
#[derive(Serialize)]
struct EventRef<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    run_id: Option<&'a str>,
    seq: u64,
    ts: u64,
    data: &'a Value,
}

/// Unix time in milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Serialise an event to its JSON text.
pub fn encode_event(kind: &str, run_id: Option<&str>, seq: u64, data: &Value) -> String {
    let ev = EventRef {
        kind,
        run_id,
        seq,
        ts: now_ms(),
        data,
    };
    // Serialising a struct of strings, integers and a `Value` cannot fail.
    serde_json::to_string(&ev).unwrap_or_else(|_| String::from("{\"type\":\"error\"}"))
}

/// An `error` event outside any run.
pub fn encode_error(code: &str, message: &str, message_id: Option<&Value>) -> String {
    let mut data = serde_json::json!({ "code": code, "message": message });
    if let (Some(id), Some(obj)) = (message_id, data.as_object_mut()) {
        obj.insert("message_id".into(), id.clone());
    }
    encode_event(ERROR, None, 0, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_user_message() {
        let m = parse_client_message(r#"{"type":"user_message","id":7,"text":"hi"}"#).unwrap();
        assert_eq!(m.id, Value::from(7));
        assert_eq!(m.text, "hi");
    }

    #[test]
    fn classifies_errors() {
        assert_eq!(
            parse_client_message("{nope").unwrap_err().code,
            "invalid_json"
        );
        assert_eq!(
            parse_client_message("[1]").unwrap_err().code,
            "invalid_message"
        );
        assert_eq!(
            parse_client_message(r#"{"type":"bogus"}"#)
                .unwrap_err()
                .code,
            "unknown_type"
        );
        assert_eq!(
            parse_client_message(r#"{"type":"user_message"}"#)
                .unwrap_err()
                .code,
            "invalid_message"
        );
    }

    #[test]
    fn event_shape() {
        let s = encode_event(AGENT_STARTED, Some("r1"), 1, &serde_json::json!({"a":1}));
        let e: Event = serde_json::from_str(&s).unwrap();
        assert_eq!(e.kind, AGENT_STARTED);
        assert_eq!(e.run_id.as_deref(), Some("r1"));
        assert_eq!(e.seq, 1);
        assert!(e.ts > 0);
    }
}
