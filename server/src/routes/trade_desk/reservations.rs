//! Reservations: `POST /api/v1/trade-desk/availabilities/{id}/reservations`
//! and `/api/v1/trade-desk/reservations` (one, a side's page, release).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use infra::{AppInfra, InfraError, PageRequest};
use serde::Deserialize;
use trade_desk::reservations::{NewReservation, Release, Reservation, ReservationService};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The reservation paths.
#[derive(OpenApi)]
#[openapi(
    paths(create, list, get, release),
    components(schemas(NewReservation, Release, Reservation)),
    tags((name = "trade-desk", description = "Buyer requirements and seller availabilities")),
)]
pub struct ReservationsDoc;

/// Registers the reservation routes, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/availabilities/{id}/reservations", web::post().to(create))
        .route("/reservations", web::get().to(list))
        .route("/reservations/{id}", web::get().to(get))
        .route("/reservations/{id}/release", web::post().to(release));
}

impl Tagged for Reservation {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The reservation service of `state`.
pub fn service(state: &AppState) -> ReservationService<AppInfra> {
    ReservationService::new(state.infra.clone())
}

/// Expires the reservations past their hold (the module's job).
pub async fn expire(state: &AppState) -> Result<u64, InfraError> {
    service(state)
        .expire()
        .await
        .map_err(infra::ServiceError::into_infra)
}

/// Reserves quantity of an ACTIVE availability for the caller's partner
/// (staff name `buyer_partner_id`) for `hours` (1 to 168, default 24),
/// holding its value as the buyer's exposure. The availability's version
/// (ETag) bumps. Capability: AVAILABILITY_RESERVE.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities/{id}/reservations", operation_id = "trade_desk.reservations.create", request_body = NewReservation, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_RESERVE"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 201, description = "The reservation (ACTIVE), with ETag and Location", body = Reservation),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_RESERVE; `out_of_scope` (another partner named); `partner_suspended`; `kyc_not_verified`; `side_not_allowed`; or the buy capability missing"),
        (status = 404, description = "No such availability visible to the buyer"),
        (status = 409, description = "`availability_not_active` (the status named); `insufficient_quantity` (what is available named); `party_linked` (the reasons named); `buyer_precheck_failed`; `requirement_not_active` (the named requirement is not ACTIVE or PARTIALLY_FULFILLED); `credit_limit_exceeded` (with `remaining`); `concurrent_change`: retry"),
        (status = 422, description = "`quantity` (not positive, not exact to 4 places in the availability's unit, under the minimum order, or part of one sold whole), `unit`, `hours`, `requirement_id` or (staff) `buyer_partner_id`"),
        (status = 429, description = "Rate limited")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<NewReservation>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state)
        .reserve(&caller.0, id.into_inner(), body.0)
        .await?;
    let at = format!("/api/v1/trade-desk/reservations/{}", written.value.id);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(at)))
}

/// The query of a side's reservations.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `buyer` (default) or `seller`.
    side: Option<String>,
    /// The partner (staff only; without it staff see every reservation).
    partner_id: Option<Uuid>,
    /// ACTIVE, RELEASED, EXPIRED or CONFIRMED.
    status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The reservations of the caller's partner on one side, oldest first.
/// Capability: TRADE_READ or AVAILABILITY_RESERVE.
#[utoipa::path(get, path = "/api/v1/trade-desk/reservations", operation_id = "trade_desk.reservations.list", params(ListQuery), tag = "trade-desk", security(("bearer" = ["TRADE_READ"]), ("bearer" = ["AVAILABILITY_RESERVE"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks both TRADE_READ and AVAILABILITY_RESERVE, or `out_of_scope` (another partner named)"),
        (status = 422, description = "`side`, `status`, `limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let page = service(&state)
        .list(&caller.0, q.side, q.partner_id, q.status, page)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One reservation, to its buyer, its seller and staff. Capability: TRADE_READ or AVAILABILITY_RESERVE.
#[utoipa::path(get, path = "/api/v1/trade-desk/reservations/{id}", operation_id = "trade_desk.reservations.get", tag = "trade-desk", security(("bearer" = ["TRADE_READ"]), ("bearer" = ["AVAILABILITY_RESERVE"])),
    params(("id" = Uuid, Path, description = "The reservation")),
    responses((status = 200, description = "The reservation, with ETag", body = Reservation),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks both TRADE_READ and AVAILABILITY_RESERVE"),
        (status = 404, description = "No such reservation of the caller's partner"),
        (status = 429, description = "Rate limited")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &found, None))
}

/// Releases all (no `quantity`) or part of an ACTIVE reservation: the
/// quantity back to the availability, its share of the value back to the
/// buyer's credit. The buyer's users or staff. Capability: AVAILABILITY_RESERVE.
#[utoipa::path(post, path = "/api/v1/trade-desk/reservations/{id}/release", operation_id = "trade_desk.reservations.release", request_body = Release, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_RESERVE"])),
    params(("id" = Uuid, Path, description = "The reservation")),
    responses((status = 200, description = "The reservation (RELEASED, or ACTIVE holding the rest), with ETag", body = Reservation),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_RESERVE, or `out_of_scope` (the seller's users)"),
        (status = 404, description = "No such reservation of the caller's partner"),
        (status = 409, description = "`reservation_not_active`: released, expired or confirmed (also by a racing change)"),
        (status = 422, description = "`quantity` is not positive or more than held"),
        (status = 429, description = "Rate limited")))]
pub async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Release>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state)
        .release(&caller.0, id.into_inner(), body.0)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
