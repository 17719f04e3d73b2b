//! Sub-users of partner users.

use actix_web::{HttpResponse, web};

use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Creates a sub-user of the calling partner user (`mobile`, `full_name`): an
/// invited employee of its partner, within the partner's employee limit; it
/// logs in by OTP. For EXTERNAL users that are not sub-users themselves.
#[utoipa::path(post, path = "/api/v1/auth/sub-users", operation_id = "auth.sub_users.create", request_body = partners::employees::CreateSubUser, tag = "auth", security(("bearer" = [])),
    responses((status = 403, description = "The caller is not a partner user, or is a sub-user"), (status = 201, description = "The sub-user"), (status = 409, description = "`employee_limit`: the partner has its `max_employees` besides its first admin; `already_exists`: the mobile is in use"), (status = 422, description = "A bad `mobile` or `full_name`")))]
pub async fn sub_user_create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<partners::employees::CreateSubUser>,
) -> Result<HttpResponse, ApiError> {
    let user = state.sub_users.create(&caller.0, body.0).await?;
    Ok(HttpResponse::Created().json(user))
}

/// The caller's sub-users.
#[utoipa::path(get, path = "/api/v1/auth/sub-users", operation_id = "auth.sub_users.list", tag = "auth", security(("bearer" = [])),
    responses((status = 403, description = "The caller is not a partner user, or is a sub-user"), (status = 200, description = "`{\"items\": [...]}`")))]
pub async fn sub_user_list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let items = state.sub_users.list(&caller.0).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Disables one of the caller's sub-users; its sessions end at once.
#[utoipa::path(post, path = "/api/v1/auth/sub-users/{user_id}/disable", operation_id = "auth.sub_users.disable", tag = "auth", security(("bearer" = [])),
    responses((status = 403, description = "The caller is not a partner user, or is a sub-user"), (status = 200, description = "The sub-user"), (status = 404, description = "Not the caller's sub-user")))]
pub async fn sub_user_disable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        state
            .sub_users
            .set_active(&caller.0, id.into_inner(), false)
            .await?,
    ))
}

/// Enables one of the caller's sub-users again.
#[utoipa::path(post, path = "/api/v1/auth/sub-users/{user_id}/enable", operation_id = "auth.sub_users.enable", tag = "auth", security(("bearer" = [])),
    responses((status = 403, description = "The caller is not a partner user, or is a sub-user"), (status = 200, description = "The sub-user"), (status = 404, description = "Not the caller's sub-user")))]
pub async fn sub_user_enable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        state
            .sub_users
            .set_active(&caller.0, id.into_inner(), true)
            .await?,
    ))
}

/// Removes one of the caller's sub-users: it is disabled (its sessions
/// end) and leaves the caller's list; the employee row and its history stay.
#[utoipa::path(delete, path = "/api/v1/auth/sub-users/{user_id}", operation_id = "auth.sub_users.delete", tag = "auth", security(("bearer" = [])),
    responses((status = 403, description = "The caller is not a partner user, or is a sub-user"), (status = 204), (status = 404, description = "Not the caller's sub-user")))]
pub async fn sub_user_delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.sub_users.delete(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
