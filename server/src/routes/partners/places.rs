//! `/api/v1/partners/{partner_id}/locations`: a partner's places: add, list,
//! read, update (`If-Match`), deactivate; `/vehicles`: a transporter's
//! vehicles: add, list, update, deactivate. Mounted by the partners module's
//! entry before the records, whose `/{partner_id}` routes would not take these
//! paths anyway (their segments differ), but the order keeps the fixed ones first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use partners::locations::PartnerLocation;
use partners::places::{LocationChanges, NewLocation, NewVehicle, PartnerVehicle, VehicleChanges};
use serde::Deserialize;
use uuid::Uuid;

pub use super::places_openapi::PlacesDoc;
use crate::http::auth::Caller;
use crate::http::etag::{Tagged, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the place routes, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{partner_id}/locations", web::post().to(add))
        .route("/{partner_id}/locations", web::get().to(list))
        .route("/{partner_id}/locations/{location_id}", web::get().to(get))
        .route("/{partner_id}/locations/{location_id}", web::patch().to(update))
        .route(
            "/{partner_id}/locations/{location_id}/deactivate",
            web::post().to(deactivate),
        )
        .route("/{partner_id}/vehicles", web::post().to(add_vehicle))
        .route("/{partner_id}/vehicles", web::get().to(vehicles))
        .route(
            "/{partner_id}/vehicles/{vehicle_id}",
            web::patch().to(update_vehicle),
        )
        .route(
            "/{partner_id}/vehicles/{vehicle_id}/deactivate",
            web::post().to(deactivate_vehicle),
        );
}

impl Tagged for PartnerVehicle {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Tagged for PartnerLocation {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The paging of a list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Adds a place: a registered `location_id` or an `address` (state code,
/// latitude, longitude); a branch in another state than the principal needs
/// its `gstin` (the partner's PAN, that state's GST code); `ship_to` for
/// buyers and traders only. Capability: PARTNER_MANAGE (a partner's admin on
/// its own partner).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/locations", operation_id = "partners.locations.add", request_body = NewLocation, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner")),
    responses((status = 201, description = "The place, with ETag and Location", body = PartnerLocation),
        (status = 403, description = "Lacks PARTNER_MANAGE, or the partner is suspended"),
        (status = 404, description = "No such partner reached"),
        (status = 409, description = "A second active principal (`principal_exists`)"),
        (status = 422, description = "A rule broken (`errors` names `gstin`, `address.state_code`, `location_type`, ...)")))]
pub async fn add(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
    body: ApiJson<NewLocation>,
) -> Result<HttpResponse, ApiError> {
    let partner_id = partner_id.into_inner();
    let written = state.places.add_location(&caller.0, partner_id, body.0).await?;
    let location = format!("/api/v1/partners/{partner_id}/locations/{}", written.value.id);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(location)))
}

/// The partner's places, active and deactivated, by id (`limit`, `cursor`).
/// Capability: PARTNER_READ (a partner's users their own partner's).
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/locations", operation_id = "partners.locations.list", params(("partner_id" = Uuid, Path, description = "The partner"), PageQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 404, description = "No such partner reached")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(query.0.limit, query.0.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .places
        .locations(&caller.0, partner_id.into_inner(), page)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One place. Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/locations/{location_id}", operation_id = "partners.locations.get", tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("location_id" = Uuid, Path, description = "The place")),
    responses((status = 200, description = "The place, with ETag", body = PartnerLocation),
        (status = 404, description = "No such partner or place reached")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, id) = path.into_inner();
    let place = state.places.location(&caller.0, partner_id, id).await?;
    Ok(tagged(StatusCode::OK, &place, None))
}

/// Changes the fields sent, the whole place checked again; `If-Match` (or
/// `version`) must be current when sent. Capability: PARTNER_MANAGE.
#[utoipa::path(patch, path = "/api/v1/partners/{partner_id}/locations/{location_id}", operation_id = "partners.locations.update", request_body = LocationChanges, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("location_id" = Uuid, Path, description = "The place"),
        ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The place, with ETag", body = PartnerLocation),
        (status = 403, description = "Lacks PARTNER_MANAGE, or the partner is suspended"),
        (status = 404, description = "No such partner or place reached"),
        (status = 412, description = "If-Match or `version` is not current (`stale_version`)"),
        (status = 422, description = "A rule broken (`errors` names the field)")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<LocationChanges>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, id) = path.into_inner();
    let written = state
        .places
        .update_location(&caller.0, partner_id, id, body.0, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Deactivates a place (kept for the records that name it); refused while
/// something refers to it. Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/locations/{location_id}/deactivate", operation_id = "partners.locations.deactivate", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("location_id" = Uuid, Path, description = "The place"),
        ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The deactivated place, with ETag", body = PartnerLocation),
        (status = 403, description = "Lacks PARTNER_MANAGE, or the partner is suspended"),
        (status = 404, description = "No such partner or place reached"),
        (status = 409, description = "Still referenced (`partner_location_in_use`)"),
        (status = 412, description = "If-Match is not current (`stale_version`)")))]
pub async fn deactivate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, id) = path.into_inner();
    let written = state
        .places
        .deactivate_location(&caller.0, partner_id, id, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Adds a vehicle to a transporter: `registration_number` Indian
/// (`GJ01AB1234`; spaces and dashes dropped, upper-cased), `vehicle_type`,
/// `capacity` with `capacity_unit`, `rc_expires_on`. Another partner type is
/// 403 `out_of_scope`. Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/vehicles", operation_id = "partners.vehicles.add", request_body = NewVehicle, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The transporter")),
    responses((status = 201, description = "The vehicle, with ETag", body = PartnerVehicle),
        (status = 403, description = "Lacks PARTNER_MANAGE, the partner is suspended, or it is not a transporter (`out_of_scope`)"),
        (status = 404, description = "No such partner reached"),
        (status = 409, description = "The number is an active vehicle already (`vehicle_exists`)"),
        (status = 422, description = "A rule broken (`errors` names `registration_number`, `vehicle_type`, `capacity`, `capacity_unit`)")))]
pub async fn add_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
    body: ApiJson<NewVehicle>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .places
        .add_vehicle(&caller.0, partner_id.into_inner(), body.0)
        .await?;
    Ok(tagged(StatusCode::CREATED, &written.value, None))
}

/// The transporter's vehicles, active and deactivated, by id (`limit`,
/// `cursor`). Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/vehicles", operation_id = "partners.vehicles.list", params(("partner_id" = Uuid, Path, description = "The transporter"), PageQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 404, description = "No such partner reached")))]
pub async fn vehicles(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(query.0.limit, query.0.cursor.as_deref()).map_err(ApiError::from)?;
    let page = state
        .places
        .vehicles(&caller.0, partner_id.into_inner(), page)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Changes the fields sent; `If-Match` (or `version`) must be current when
/// sent. Capability: PARTNER_MANAGE.
#[utoipa::path(patch, path = "/api/v1/partners/{partner_id}/vehicles/{vehicle_id}", operation_id = "partners.vehicles.update", request_body = VehicleChanges, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The transporter"), ("vehicle_id" = Uuid, Path, description = "The vehicle"),
        ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The vehicle, with ETag", body = PartnerVehicle),
        (status = 403, description = "Lacks PARTNER_MANAGE, or the partner is suspended"),
        (status = 404, description = "No such partner or vehicle reached"),
        (status = 412, description = "If-Match or `version` is not current (`stale_version`)"),
        (status = 422, description = "A rule broken (`errors` names the field)")))]
pub async fn update_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<VehicleChanges>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, id) = path.into_inner();
    let written = state
        .places
        .update_vehicle(&caller.0, partner_id, id, body.0, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Deactivates a vehicle. Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/vehicles/{vehicle_id}/deactivate", operation_id = "partners.vehicles.deactivate", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The transporter"), ("vehicle_id" = Uuid, Path, description = "The vehicle"),
        ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The deactivated vehicle, with ETag", body = PartnerVehicle),
        (status = 403, description = "Lacks PARTNER_MANAGE, or the partner is suspended"),
        (status = 404, description = "No such partner or vehicle reached"),
        (status = 412, description = "If-Match is not current (`stale_version`)")))]
pub async fn deactivate_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, id) = path.into_inner();
    let written = state
        .places
        .deactivate_vehicle(&caller.0, partner_id, id, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
