//! `/api/v1/settings/locations`: create-or-get by place id, list with filters,
//! read, update (name and active flag), soft delete.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use serde::Deserialize;
use settings::locations::{CreateLocation, LocationFilter, UpdateLocation};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the location routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/locations")
            .route("", web::post().to(create))
            .route("", web::get().to(list))
            .route("/{id}", web::get().to(get))
            .route("/{id}", web::patch().to(update))
            .route("/{id}", web::delete().to(delete)),
    );
}

/// Creates a location, or answers the live one with the same `place_id`
/// (200 instead of 201); the region follows `state_code`. Capability: LOCATION_CREATE.
#[utoipa::path(post, path = "/api/v1/settings/locations", operation_id = "settings.locations.create", request_body = CreateLocation, tag = "settings", security(("bearer" = ["LOCATION_CREATE"])),
    responses((status = 201, description = "The new location, with Location and ETag"),
        (status = 200, description = "The existing location of this place_id"),
        (status = 422, description = "Invalid fields")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateLocation>,
) -> Result<HttpResponse, ApiError> {
    let answered = state.locations.create(&caller.0, body.0).await?.value;
    let at = format!("/api/v1/settings/locations/{}", answered.location.id);
    let status = if answered.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(tagged(status, &answered.location, Some(at)))
}

/// Query of the location list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    region: Option<String>,
    state: Option<String>,
    city: Option<String>,
    active: Option<bool>,
    text: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Lists live locations (`region`, `state`, `city`, `active`, `text`, `limit`, `cursor`). Capability: LOCATION_READ.
#[utoipa::path(get, path = "/api/v1/settings/locations", operation_id = "settings.locations.list", params(ListQuery), tag = "settings", security(("bearer" = ["LOCATION_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 422, description = "Unknown region")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = LocationFilter {
        region: q.region,
        state: q.state,
        city: q.city,
        active: q.active,
        text: q.text,
    };
    Ok(HttpResponse::Ok().json(state.locations.list(&caller.0, filter, page).await?))
}

/// One location. Capability: LOCATION_READ.
#[utoipa::path(get, path = "/api/v1/settings/locations/{id}", operation_id = "settings.locations.get", tag = "settings", security(("bearer" = ["LOCATION_READ"])),
    responses((status = 200, description = "The location, with ETag"), (status = 404, description = "Not found")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let location = state.locations.get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &location, None))
}

/// Changes `name` and `is_active` (nothing else); `If-Match` (or `version`) must be current when sent. Capability: LOCATION_UPDATE.
#[utoipa::path(patch, path = "/api/v1/settings/locations/{id}", operation_id = "settings.locations.update", request_body = UpdateLocation, tag = "settings", security(("bearer" = ["LOCATION_UPDATE"])),
    responses((status = 200, description = "The location"), (status = 412, description = "Stale version")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateLocation>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .locations
            .update(&caller.0, id.into_inner(), body.0, if_match(&req)?),
    )
    .await
}

/// Soft-deletes a location; 409 `location_in_use` while anything refers to it. Capability: LOCATION_UPDATE.
#[utoipa::path(delete, path = "/api/v1/settings/locations/{id}", operation_id = "settings.locations.delete", tag = "settings", security(("bearer" = ["LOCATION_UPDATE"])),
    responses((status = 200, description = "The deleted location"), (status = 409, description = "Still referenced")))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    changed(state.locations.delete(&caller.0, id.into_inner())).await
}
