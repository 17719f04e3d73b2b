//! `/api/v1/trade-desk/availabilities`: create, the caller's own, one,
//! change (`If-Match`), approve, reject, cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::{AppInfra, InfraError, PageRequest};
use serde::Deserialize;
use trade_desk::availabilities::{
    AdHocAddress, Availability, AvailabilityChanges, AvailabilityService, NewAvailability, PriceStep, Reason,
    StoredPrecheck,
};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The availability paths.
#[derive(OpenApi)]
#[openapi(
    paths(create, mine, get, update, approve, reject, cancel),
    components(schemas(
        NewAvailability,
        AvailabilityChanges,
        Reason,
        Availability,
        AdHocAddress,
        PriceStep,
        StoredPrecheck
    )),
    tags((name = "trade-desk", description = "Buyer requirements and seller availabilities")),
)]
pub struct AvailabilitiesDoc;

/// Registers the availability routes, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/availabilities", web::post().to(create))
        .route("/availabilities/mine", web::get().to(mine))
        .route("/availabilities/{id}", web::get().to(get))
        .route("/availabilities/{id}", web::patch().to(update))
        .route("/availabilities/{id}/approve", web::post().to(approve))
        .route("/availabilities/{id}/reject", web::post().to(reject))
        .route("/availabilities/{id}/cancel", web::post().to(cancel));
}

impl Tagged for Availability {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The availability service of `state`: business time in its time zone.
pub fn service(state: &AppState) -> AvailabilityService<AppInfra> {
    AvailabilityService::new(state.infra.clone()).with_time_zone(state.config.timezone())
}

/// Expires the availabilities past their expiry (the module's job).
pub async fn expire(state: &AppState) -> Result<u64, InfraError> {
    service(state)
        .expire()
        .await
        .map_err(infra::ServiceError::into_infra)
}

fn location(a: &Availability) -> String {
    format!("/api/v1/trade-desk/availabilities/{}", a.id)
}

/// Creates an availability for the caller's partner (staff name
/// `seller_partner_id`): ACTIVE and AUTO_APPROVED when the seller precheck
/// passes and its KYC is verified, else DRAFT and PENDING approval. The
/// seller must sell (seller, trader or exporter), hold the sell capability,
/// have verified KYC and not be suspended. Capability: AVAILABILITY_CREATE.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities", operation_id = "trade_desk.availabilities.create", request_body = NewAvailability, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_CREATE"])),
    responses((status = 201, description = "The availability, with ETag and Location", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_CREATE; `out_of_scope` (another partner named); `partner_suspended`; `kyc_not_verified`; `side_not_allowed`; or the sell capability missing (`capability_missing` naming it)"),
        (status = 409, description = "`duplicate_availability` (same seller, commodity, base quantity and place today); `circular_trading` (an open requirement of the seller for the commodity today, named in the detail); `concurrent_change`: retry"),
        (status = 422, description = "A rule broken (`errors` names each field: `quantity`, `unit`, `price`, `quality.<code>`, `location_id`, `allowed_buyer_ids[0]`, `expires_at`, ...)"),
        (status = 429, description = "Rate limited")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<NewAvailability>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).create(&caller.0, body.0).await?;
    let at = location(&written.value);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(at)))
}

/// The query of the caller's own availabilities.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MineQuery {
    /// The seller (staff only; a partner's users get their own).
    seller_partner_id: Option<Uuid>,
    /// DRAFT, ACTIVE, RESERVED, SOLD, EXPIRED or CANCELLED.
    status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The availabilities of the caller's partner, oldest first. Capability: AVAILABILITY_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/availabilities/mine", operation_id = "trade_desk.availabilities.mine", params(MineQuery), tag = "trade-desk", security(("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_READ, or `out_of_scope`"),
        (status = 422, description = "`status`, `limit`, `cursor` or (staff) `seller_partner_id` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<MineQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let page = service(&state)
        .mine(&caller.0, q.seller_partner_id, q.status, page)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One availability as its visibility allows (once approved: PUBLIC to
/// every partner, RESTRICTED to its listed buyers; PRIVATE and INTERNAL to
/// the seller and staff). Capability: AVAILABILITY_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/availabilities/{id}", operation_id = "trade_desk.availabilities.get", tag = "trade-desk", security(("bearer" = ["AVAILABILITY_READ"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 200, description = "The availability, with ETag", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_READ"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &found, None))
}

/// Changes the fields sent of an ACTIVE availability (price, price unit,
/// delivery, visibility, expiry; the quantity only while nothing is
/// reserved or sold), the whole checked again; `If-Match` (or `version`)
/// must be current when sent. Capability: AVAILABILITY_CREATE.
#[utoipa::path(patch, path = "/api/v1/trade-desk/availabilities/{id}", operation_id = "trade_desk.availabilities.update", request_body = AvailabilityChanges, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_CREATE"])),
    params(("id" = Uuid, Path, description = "The availability"), ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The availability, with ETag", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_CREATE, or `out_of_scope` (another seller's)"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 409, description = "`invalid_transition`: not ACTIVE; `quantity_in_use`: part is reserved or sold; `duplicate_availability`"),
        (status = 412, description = "If-Match or `version` is not current (`stale_version`)"),
        (status = 422, description = "A rule broken (`errors` names the field)"),
        (status = 429, description = "Rate limited")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<AvailabilityChanges>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state)
        .update(&caller.0, id.into_inner(), body.0, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Approves a PENDING availability (APPROVED, ACTIVE). Staff with AVAILABILITY_APPROVE.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities/{id}/approve", operation_id = "trade_desk.availabilities.approve", tag = "trade-desk", security(("bearer" = ["AVAILABILITY_APPROVE"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 200, description = "The availability (ACTIVE), with ETag", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_APPROVE, or `out_of_scope` (a partner's user)"),
        (status = 404, description = "No such availability"),
        (status = 409, description = "`invalid_transition`: not PENDING (the message names the approval status)"),
        (status = 422, description = "`expires_at` has passed"),
        (status = 429, description = "Rate limited")))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).approve(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Rejects a PENDING availability with a `reason`. Staff with AVAILABILITY_APPROVE.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities/{id}/reject", operation_id = "trade_desk.availabilities.reject", request_body = Reason, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_APPROVE"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 200, description = "The availability (REJECTED), with ETag", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_APPROVE, or `out_of_scope` (a partner's user)"),
        (status = 404, description = "No such availability"),
        (status = 409, description = "`invalid_transition`: not PENDING"),
        (status = 422, description = "`reason` missing or not 3 to 500 characters"),
        (status = 429, description = "Rate limited")))]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Reason>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).reject(&caller.0, id.into_inner(), body.0).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Cancels an availability with a `reason` (from DRAFT, ACTIVE or RESERVED;
/// not while a reservation is active). Capability: AVAILABILITY_CREATE.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities/{id}/cancel", operation_id = "trade_desk.availabilities.cancel", request_body = Reason, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_CREATE"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 200, description = "The availability (CANCELLED), with ETag", body = Availability),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_CREATE, or `out_of_scope`"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 409, description = "`invalid_transition`: SOLD, EXPIRED or CANCELLED already; `has_active_reservations`"),
        (status = 422, description = "`reason` missing or not 3 to 500 characters"),
        (status = 429, description = "Rate limited")))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Reason>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).cancel(&caller.0, id.into_inner(), body.0).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
