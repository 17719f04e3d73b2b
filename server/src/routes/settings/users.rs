//! `/api/v1/settings/users`: user management. Reads need USER_READ, changes USER_MANAGE.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use serde::Deserialize;
use settings::users::{CreateUser, GrantCapability, UpdateUser, User, UserFilter};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{if_match, versioned};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the user routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/users")
            .route("", web::post().to(create))
            .route("", web::get().to(list))
            .route("/{user_id}", web::get().to(get))
            .route("/{user_id}", web::patch().to(update))
            .route("/{user_id}/disable", web::post().to(disable))
            .route("/{user_id}/enable", web::post().to(enable))
            .route("/{user_id}/roles", web::put().to(assign_roles))
            .route("/{user_id}/capabilities", web::post().to(grant))
            .route("/{user_id}/capabilities/{capability}", web::delete().to(revoke)),
    );
}

fn answer(status: StatusCode, user: &User) -> HttpResponse {
    versioned(status, user, user.version, None)
}

/// Creates a user (`kind`, `email`, `mobile`, `password`, `full_name`,
/// `organization_id` or `partner_id`, `roles`); an EXTERNAL user within its
/// partner's employee limit. Capability: USER_MANAGE.
#[utoipa::path(post, path = "/api/v1/settings/users", operation_id = "settings.users.create", request_body = CreateUser, tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 201, description = "The user, with Location and ETag"),
        (status = 409, description = "`already_exists`: the e-mail or mobile is in use; `employee_limit`: the partner has its `max_employees` besides its first admin", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::http::problem::Problem, content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let written = state.accounts.create_user(&caller.0, body.0).await?;
    let user = written.value;
    let location = format!("/api/v1/settings/users/{}", user.id);
    Ok(versioned(
        StatusCode::CREATED,
        &user,
        user.version,
        Some(location),
    ))
}

/// Query of the user list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    kind: Option<String>,
    organization_id: Option<Uuid>,
    partner_id: Option<Uuid>,
    active: Option<bool>,
    q: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Lists users (`kind`, `organization_id`, `partner_id`, `active`, `q`, `limit`, `cursor`). Capability: USER_READ.
#[utoipa::path(get, path = "/api/v1/settings/users", operation_id = "settings.users.list", params(ListQuery), tag = "settings", security(("bearer" = ["USER_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = UserFilter {
        kind: query.kind,
        organization_id: query.organization_id,
        partner_id: query.partner_id,
        active: query.active,
        q: query.q,
    };
    let users = state.users.list(&caller.0, filter, page).await?;
    Ok(HttpResponse::Ok().json(users))
}

/// One user. Capability: USER_READ (or the user itself).
#[utoipa::path(get, path = "/api/v1/settings/users/{user_id}", operation_id = "settings.users.get", tag = "settings", security(("bearer" = ["USER_READ"])),
    responses((status = 200, description = "The user, with ETag")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user = state.users.get(&caller.0, id.into_inner()).await?;
    Ok(answer(StatusCode::OK, &user))
}

/// Changes `full_name`, `email` or `mobile`; send `If-Match` (or `version`). Capability: USER_MANAGE.
#[utoipa::path(patch, path = "/api/v1/settings/users/{user_id}", operation_id = "settings.users.update", request_body = UpdateUser, tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 200, description = "The user"), (status = 412, description = "Stale version")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .users
        .update(&caller.0, id.into_inner(), body.0, if_match(&req)?)
        .await?;
    Ok(answer(StatusCode::OK, &written.value))
}

/// Disables a user and ends every session of theirs at once. Capability: USER_MANAGE.
#[utoipa::path(post, path = "/api/v1/settings/users/{user_id}/disable", operation_id = "settings.users.disable", tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 200, description = "The user")))]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .accounts
        .set_active(&caller.0, id.into_inner(), false)
        .await?;
    Ok(answer(StatusCode::OK, &written.value))
}

/// Enables a user again. Capability: USER_MANAGE.
#[utoipa::path(post, path = "/api/v1/settings/users/{user_id}/enable", operation_id = "settings.users.enable", tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 200, description = "The user")))]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .accounts
        .set_active(&caller.0, id.into_inner(), true)
        .await?;
    Ok(answer(StatusCode::OK, &written.value))
}

/// Roles to give.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// Role codes, such as BACKOFFICE_STAFF; an empty list removes every role.
    roles: Vec<String>,
}

/// Replaces the user's roles (`{"roles": ["BACKOFFICE_STAFF"]}`). Capability: USER_MANAGE.
#[utoipa::path(put, path = "/api/v1/settings/users/{user_id}/roles", operation_id = "settings.users.assign_roles", request_body = RolesBody, tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 200, description = "The user")))]
pub async fn assign_roles(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<RolesBody>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .users
        .assign_roles(&caller.0, id.into_inner(), body.0.roles)
        .await?;
    Ok(answer(StatusCode::OK, &written.value))
}

/// Grants a capability directly (`capability`, optional `expires_at`). Capability: USER_MANAGE.
#[utoipa::path(post, path = "/api/v1/settings/users/{user_id}/capabilities", operation_id = "settings.users.grant", request_body = GrantCapability, tag = "settings", security(("bearer" = ["USER_MANAGE"])),
    responses((status = 200, description = "The user")))]
pub async fn grant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<GrantCapability>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .users
        .grant_capability(&caller.0, id.into_inner(), body.0)
        .await?;
    Ok(answer(StatusCode::OK, &written.value))
}

/// Revokes a direct grant. Capability: USER_MANAGE.
#[utoipa::path(delete, path = "/api/v1/settings/users/{user_id}/capabilities/{capability}", operation_id = "settings.users.revoke", tag = "settings",
    security(("bearer" = ["USER_MANAGE"])), responses((status = 200, description = "The user")))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, capability) = path.into_inner();
    let written = state.users.revoke_capability(&caller.0, id, capability).await?;
    Ok(answer(StatusCode::OK, &written.value))
}
