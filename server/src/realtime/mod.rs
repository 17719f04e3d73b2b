//! Real time: WebSocket clients follow channels; the pusher turns relayed
//! events into pushes, which reach the sockets of every instance through
//! Redis pub/sub (in process when embedded).

pub mod channels;
pub mod hub;
pub mod message;
pub mod pusher;
pub mod socket;

use std::sync::Arc;

use infra::AppInfra;

pub use hub::Hub;

use crate::consumers::{ConsumerOptions, run_handler};

/// Starts this instance's part of real time: the pub/sub listener and the pusher.
pub fn start(infra: &AppInfra, hub: &Hub) {
    tokio::spawn(hub.clone().listen());
    tokio::spawn(run_handler(
        infra.clone(),
        Arc::new(pusher::Pusher::new(hub.clone())),
        ConsumerOptions::default(),
    ));
}
