//! `/api/v1/settings/roles`.

use actix_web::{HttpResponse, web};

use crate::http::auth::Caller;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Registers the role routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/roles", web::get().to(list));
}

/// Every role with its capabilities. Capability: ROLE_READ.
#[utoipa::path(get, path = "/api/v1/settings/roles", operation_id = "settings.roles.list", tag = "settings", security(("bearer" = ["ROLE_READ"])),
    responses((status = 200, description = "`{\"items\": [{code, name, user_kind, capabilities}]}`")))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let roles = state.roles.list(&caller.0).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": roles })))
}
