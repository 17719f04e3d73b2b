//! The consumer that turns relayed events into pushes on channels.

use infra::events::{Delivered, Handler};
use infra::{AppInfra, InfraError};

use super::areas::Areas;
use super::channels::for_event;
use super::delivery::Tenant;
use super::hub::{Close, Hub, Push};

/// Consumer group of the pusher: each event is pushed by one instance and
/// reaches the sockets of all of them through the hub.
pub const GROUP: &str = "realtime-push";

/// Pushes every event of the modules' areas to its channels.
pub struct Pusher {
    hub: Hub,
}

impl Pusher {
    /// A pusher publishing through `hub`.
    pub fn new(hub: Hub) -> Self {
        Self { hub }
    }
}

/// The push an event makes: its channels, its tenant (with its audience), and
/// the sockets it ends (a revoked session's, a disabled user's).
pub fn push_of(areas: &Areas, event: &Delivered) -> Push {
    let close = match event.event_type.as_str() {
        "SessionRevoked" => event
            .payload
            .get("session_id")
            .and_then(|v| v.as_str())
            .or(Some(event.aggregate_id.as_str()))
            .and_then(|id| id.parse().ok())
            .map(Close::Session),
        "UserDisabled" => event.aggregate_id.parse().ok().map(Close::User),
        _ => None,
    };
    Push {
        id: event.event_id,
        event: event.event_type.clone(),
        channels: for_event(areas, event),
        data: serde_json::json!({
            "topic": event.topic,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "payload": event.payload,
        }),
        timestamp: event.created_at,
        tenant: Tenant::of(areas, event),
        close,
    }
}

#[async_trait::async_trait]
impl Handler for Pusher {
    fn name(&self) -> &'static str {
        GROUP
    }

    fn topics(&self) -> Vec<&'static str> {
        self.hub.areas().topics()
    }

    async fn handle(&self, _infra: &AppInfra, event: Delivered) -> Result<(), InfraError> {
        self.hub.publish(&push_of(self.hub.areas(), &event)).await
    }
}
