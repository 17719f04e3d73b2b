//! `/api/v1/trade-desk/requirements`: create (DRAFT), the caller's own,
//! one, change (`If-Match`), publish, cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::{AppInfra, InfraError, PageRequest};
use serde::Deserialize;
use trade_desk::requirements::{
    CancelRequirement, Negotiation, NewRequirement, Requirement, RequirementChanges, RequirementService,
};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The requirement paths.
#[derive(OpenApi)]
#[openapi(
    paths(create, mine, get, update, publish, cancel),
    components(schemas(NewRequirement, RequirementChanges, CancelRequirement, Requirement, Negotiation)),
    tags((name = "trade-desk", description = "Buyer requirements and seller availabilities")),
)]
pub struct RequirementsDoc;

/// Registers the requirement routes, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/requirements", web::post().to(create))
        .route("/requirements/mine", web::get().to(mine))
        .route("/requirements/{id}", web::get().to(get))
        .route("/requirements/{id}", web::patch().to(update))
        .route("/requirements/{id}/publish", web::post().to(publish))
        .route("/requirements/{id}/cancel", web::post().to(cancel));
}

impl Tagged for Requirement {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The requirement service of `state`: business time in its time zone.
pub fn service(state: &AppState) -> RequirementService<AppInfra> {
    RequirementService::new(state.infra.clone()).with_time_zone(state.config.timezone())
}

/// Expires the requirements past their validity (the module's job).
pub async fn expire(state: &AppState) -> Result<u64, InfraError> {
    service(state)
        .expire()
        .await
        .map_err(infra::ServiceError::into_infra)
}

fn location(r: &Requirement) -> String {
    format!("/api/v1/trade-desk/requirements/{}", r.id)
}

/// Creates a DRAFT requirement numbered `REQ-{year}-{6 digits}` for the
/// caller's partner (staff name `buyer_partner_id`). The buyer must buy
/// (buyer, trader or importer), hold the buy capability, have verified KYC
/// and not be suspended. Capability: REQUIREMENT_CREATE.
#[utoipa::path(post, path = "/api/v1/trade-desk/requirements", operation_id = "trade_desk.requirements.create", request_body = NewRequirement, tag = "trade-desk", security(("bearer" = ["REQUIREMENT_CREATE"])),
    responses((status = 201, description = "The requirement (DRAFT), with ETag and Location", body = Requirement),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks REQUIREMENT_CREATE; `out_of_scope` (another partner named); `partner_suspended`; `kyc_not_verified`; `side_not_allowed`; or the buy capability missing (`capability_missing` naming it)"),
        (status = 409, description = "`concurrent_change`: retry"),
        (status = 422, description = "A rule broken (`errors` names each field: `min_quantity`, `quality.<code>`, `delivery_location_ids[0]`, `valid_until`, ...)"),
        (status = 429, description = "Rate limited")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<NewRequirement>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).create(&caller.0, body.0).await?;
    let at = location(&written.value);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(at)))
}

/// The query of the caller's own requirements.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MineQuery {
    /// The buyer (staff only; a partner's users get their own).
    buyer_partner_id: Option<Uuid>,
    /// DRAFT, ACTIVE, PARTIALLY_FULFILLED, FULFILLED, EXPIRED or CANCELLED.
    status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The requirements of the caller's partner, oldest first. Capability: REQUIREMENT_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/requirements/mine", operation_id = "trade_desk.requirements.mine", params(MineQuery), tag = "trade-desk", security(("bearer" = ["REQUIREMENT_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`"),
        (status = 403, description = "Lacks REQUIREMENT_READ, or `out_of_scope`"),
        (status = 422, description = "`status`, `limit`, `cursor` or (staff) `buyer_partner_id` is bad")))]
pub async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<MineQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let page = service(&state)
        .mine(&caller.0, q.buyer_partner_id, q.status, page)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One requirement as its visibility allows (PUBLIC once published to every
/// partner, PRIVATE to the buyer and staff, RESTRICTED to the invited too).
/// Capability: REQUIREMENT_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/requirements/{id}", operation_id = "trade_desk.requirements.get", tag = "trade-desk", security(("bearer" = ["REQUIREMENT_READ"])),
    params(("id" = Uuid, Path, description = "The requirement")),
    responses((status = 200, description = "The requirement, with ETag", body = Requirement),
        (status = 403, description = "Lacks REQUIREMENT_READ"),
        (status = 404, description = "No such requirement visible to the caller")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &found, None))
}

/// Changes the fields sent of a DRAFT or ACTIVE requirement, the whole
/// checked again; `If-Match` (or `version`) must be current when sent.
/// Capability: REQUIREMENT_CREATE (the buyer's, or staff).
#[utoipa::path(patch, path = "/api/v1/trade-desk/requirements/{id}", operation_id = "trade_desk.requirements.update", request_body = RequirementChanges, tag = "trade-desk", security(("bearer" = ["REQUIREMENT_CREATE"])),
    params(("id" = Uuid, Path, description = "The requirement"), ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The requirement, with ETag", body = Requirement),
        (status = 403, description = "Lacks REQUIREMENT_CREATE, or `out_of_scope` (another buyer's)"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 409, description = "`invalid_transition`: not DRAFT or ACTIVE"),
        (status = 412, description = "If-Match or `version` is not current (`stale_version`)"),
        (status = 422, description = "A rule broken (`errors` names the field)")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<RequirementChanges>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state)
        .update(&caller.0, id.into_inner(), body.0, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Publishes a DRAFT requirement (ACTIVE). Capability: REQUIREMENT_CREATE.
#[utoipa::path(post, path = "/api/v1/trade-desk/requirements/{id}/publish", operation_id = "trade_desk.requirements.publish", tag = "trade-desk", security(("bearer" = ["REQUIREMENT_CREATE"])),
    params(("id" = Uuid, Path, description = "The requirement")),
    responses((status = 200, description = "The requirement (ACTIVE), with ETag", body = Requirement),
        (status = 403, description = "Lacks REQUIREMENT_CREATE, or `out_of_scope`"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 409, description = "`invalid_transition`: not DRAFT (the message names the status)"),
        (status = 422, description = "`valid_until` has passed")))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).publish(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Cancels a requirement with a `reason` (not once FULFILLED, EXPIRED or
/// CANCELLED). Capability: REQUIREMENT_CREATE.
#[utoipa::path(post, path = "/api/v1/trade-desk/requirements/{id}/cancel", operation_id = "trade_desk.requirements.cancel", request_body = CancelRequirement, tag = "trade-desk", security(("bearer" = ["REQUIREMENT_CREATE"])),
    params(("id" = Uuid, Path, description = "The requirement")),
    responses((status = 200, description = "The requirement (CANCELLED), with ETag", body = Requirement),
        (status = 403, description = "Lacks REQUIREMENT_CREATE, or `out_of_scope`"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 409, description = "`invalid_transition`: FULFILLED, EXPIRED or CANCELLED already"),
        (status = 422, description = "`reason` missing or not 3 to 500 characters")))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CancelRequirement>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).cancel(&caller.0, id.into_inner(), body.0).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
