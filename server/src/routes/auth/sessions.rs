//! The caller's sessions: list, end one, end the others.

use actix_web::{HttpResponse, web};

use crate::http::auth::CallerToken;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The caller's open sessions (`items` with id, device, address, created_at,
/// last_active_at, `current`).
#[utoipa::path(get, path = "/api/v1/auth/sessions", operation_id = "auth.sessions.list", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "`{\"items\": [...]}`")))]
pub async fn sessions(state: web::Data<AppState>, caller: CallerToken) -> Result<HttpResponse, ApiError> {
    let items = state.auth.sessions(&caller.0).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Ends one of the caller's sessions; its tokens stop working on every instance.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{session_id}", operation_id = "auth.sessions.revoke", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "No such session of the caller")))]
pub async fn revoke_session(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.auth.revoke_session(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the caller except the current one.
#[utoipa::path(delete, path = "/api/v1/auth/sessions", operation_id = "auth.sessions.revoke_others", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
pub async fn revoke_others(
    state: web::Data<AppState>,
    caller: CallerToken,
) -> Result<HttpResponse, ApiError> {
    state.auth.revoke_other_sessions(&caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
