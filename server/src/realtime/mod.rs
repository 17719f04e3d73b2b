//! Real time: WebSocket clients follow channels; the pusher turns relayed
//! events into pushes, which reach the sockets of every instance through
//! Redis pub/sub (in process when embedded). The channels come from the
//! areas the modules declare ([`areas`]).

pub mod areas;
pub mod channels;
pub mod delivery;
pub mod hub;
pub mod message;
pub mod pusher;
pub mod socket;
#[cfg(test)]
mod tests;

pub use areas::{Area, Areas, Named, Scope, SubStream};
pub use hub::Hub;

/// The topic of user notifications (decisions, expiries, matches): events of
/// aggregate `notification` (written by `infra::notify`) whose audience names the users; they reach exactly those
/// users' `user:{id}` channels.
pub const NOTIFICATION_TOPIC: &str = infra::notify::TOPIC;

/// The area of [`NOTIFICATION_TOPIC`]: no capability reads it, only its audience.
pub const NOTIFICATIONS: Area = Area::audience_only(NOTIFICATION_TOPIC, &[infra::notify::AGGREGATE]);

/// Starts this instance's pub/sub listener (the pusher is one of the
/// consumers the real-time module registers).
pub fn start(hub: &Hub) {
    tokio::spawn(hub.clone().listen());
}
