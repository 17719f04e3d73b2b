//! The real-time module: the WebSocket at `/api/v1/ws`, the pusher that turns
//! relayed events into pushes, and the notification area.

pub mod ws;

use std::sync::Arc;

use utoipa::OpenApi;

use crate::modules::{Module, Reader};
use crate::realtime::{NOTIFICATIONS, pusher::Pusher};
use crate::state::AppState;

/// The entry of the real-time module.
pub const MODULE: Module = Module {
    api: ws::configure,
    openapi: <Doc as OpenApi>::openapi,
    areas: &[NOTIFICATIONS],
    readers,
    ..Module::new("realtime")
};

fn readers(state: &AppState) -> Vec<Reader> {
    vec![Reader::Handler(Arc::new(Pusher::new(state.hub.clone())))]
}

/// The real-time paths.
#[derive(OpenApi)]
#[openapi(
    paths(ws::connect),
    tags((name = "realtime", description = "WebSocket pushes of events")),
)]
struct Doc;
