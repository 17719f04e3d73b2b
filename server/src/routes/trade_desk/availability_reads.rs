//! `/api/v1/trade-desk/availabilities/search`: the availability search.

use actix_web::{HttpResponse, web};
use trade_desk::availabilities::{AvailabilityHit, AvailabilityHits, AvailabilitySearch};
use utoipa::OpenApi;

use super::availabilities::service;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The availability read paths.
#[derive(OpenApi)]
#[openapi(
    paths(search),
    components(schemas(AvailabilitySearch, AvailabilityHits, AvailabilityHit))
)]
pub struct AvailabilityReadsDoc;

/// Registers the read routes, relative to the `/trade-desk` scope (before
/// `/availabilities/{id}`, so `search` is not read as an id).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/availabilities/search", web::post().to(search));
}

/// Searches ACTIVE, unexpired availabilities the caller sees, of sellers
/// not party-linked to the caller's partner, ranked by `score` = 0.5
/// quality + 0.3 price + 0.2 proximity (ties newest first), a page at a
/// time with a stable cursor. Capability: AVAILABILITY_READ.
#[utoipa::path(post, path = "/api/v1/trade-desk/availabilities/search", operation_id = "trade_desk.availabilities.search", request_body = AvailabilitySearch, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "`{\"items\": [{availability, score, parts, distance_km}], \"next_cursor\"}`", body = AvailabilityHits),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_READ"),
        (status = 422, description = "A bad filter (`errors` names it: `commodity_id`, `quality.<code>`, `price_unit`, `preferred_price`, `unit`, `price_type`, `region`, `lat`, `lng`, `radius_km`, `cursor`, `limit`, ...)"),
        (status = 429, description = "Rate limited")))]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<AvailabilitySearch>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).search(&caller.0, body.0).await?;
    Ok(HttpResponse::Ok().json(found))
}
