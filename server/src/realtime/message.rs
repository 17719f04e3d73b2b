//! What travels over a socket: server messages (events, acknowledgements,
//! errors) and client messages (subscribe, unsubscribe).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// Every message the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerMessage {
    /// Unique per message; for an event, the event id (repeats are the same event).
    pub id: Uuid,
    /// The event type (`OrganizationUpdated`), or `connected`, `subscribed`,
    /// `unsubscribed`, `error`.
    pub event: String,
    /// The channel the message belongs to.
    pub channel: String,
    /// The body: for an event `{topic, aggregate_type, aggregate_id, payload}`.
    pub data: Value,
    /// When the event committed, or when the answer was made.
    pub timestamp: DateTime<Utc>,
}

impl ServerMessage {
    /// A reply made now (not an event).
    pub fn reply(event: &str, channel: &str, data: Value) -> Self {
        Self {
            id: infra::ids::new_id(),
            event: event.to_owned(),
            channel: channel.to_owned(),
            data,
            timestamp: Utc::now(),
        }
    }

    /// An error answer: `data` holds `code` and `detail`.
    pub fn error(channel: &str, code: &str, detail: &str) -> Self {
        Self::reply("error", channel, json!({"code": code, "detail": detail}))
    }

    /// The JSON text frame.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What a client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Start receiving a channel's messages.
    Subscribe,
    /// Stop receiving them.
    Unsubscribe,
}

/// Every message a client sends: `{"action": "subscribe", "channel": "topic:organization-events"}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientMessage {
    /// Subscribe or unsubscribe.
    pub action: Action,
    /// The channel.
    pub channel: String,
}
