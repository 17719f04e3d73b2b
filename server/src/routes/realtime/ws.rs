//! `/api/v1/ws`: the WebSocket.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::auth::CallerToken;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Registers the WebSocket route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/ws", web::get().to(connect));
}

/// Opens a WebSocket. The access token comes as `Authorization: Bearer` or as
/// the `access_token` query parameter (for browsers). Messages are
/// `{id, event, channel, data, timestamp}`; send
/// `{"action": "subscribe" | "unsubscribe", "channel": "..."}`, answered by
/// `subscribed` / `unsubscribed` or `error`. Channels: `user:{id}` (your own,
/// followed on connect), `topic:{topic}`, `{aggregate_type}:{id}`,
/// `{parent}:{id}:{stream}` and named channels such as `risk:alerts`.
#[utoipa::path(get, path = "/api/v1/ws", operation_id = "realtime.connect", tag = "realtime", security(("bearer" = [])),
    params(("access_token" = Option<String>, Query, description = "Access token, when no Authorization header can be sent")),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade"), (status = 401, description = "No valid token")))]
pub async fn connect(
    state: web::Data<AppState>,
    caller: CallerToken,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (response, session, stream) = actix_ws::handle(&req, body).map_err(|e| {
        ApiError::new(
            actix_web::http::StatusCode::BAD_REQUEST,
            "websocket_upgrade_required",
            format!("open this route as a WebSocket (Upgrade: websocket): {e}"),
        )
    })?;
    actix_web::rt::spawn(crate::realtime::socket::serve(
        state.get_ref().clone(),
        caller.0,
        session,
        stream,
    ));
    Ok(response)
}
