//! `/api/v1/trade-desk/requirements`: the search, the demand statistics of
//! a commodity and a requirement's history.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use trade_desk::requirements::history::{HistoryEntry, RequirementHistory};
use trade_desk::requirements::statistics::{DemandStatistics, Figures};
use trade_desk::requirements::{RequirementHit, RequirementHits, RequirementSearch};
use trade_desk::search::Parts;
use utoipa::OpenApi;
use uuid::Uuid;

use super::requirements::service;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The requirement read paths.
#[derive(OpenApi)]
#[openapi(
    paths(search, demand, history),
    components(schemas(
        RequirementSearch,
        RequirementHits,
        RequirementHit,
        Parts,
        DemandStatistics,
        Figures,
        RequirementHistory,
        HistoryEntry
    ))
)]
pub struct RequirementReadsDoc;

/// Registers the read routes, relative to the `/trade-desk` scope (before
/// `/requirements/{id}`, so `search` is not read as an id).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/requirements/search", web::post().to(search))
        .route(
            "/requirements/statistics/demand/{commodity_id}",
            web::get().to(demand),
        )
        .route("/requirements/{id}/history", web::get().to(history));
}

/// Searches ACTIVE and PARTIALLY_FULFILLED, unexpired requirements the
/// caller sees, of buyers not party-linked to the caller's partner, ranked
/// by `score` = 0.5 quality + 0.3 price + 0.2 proximity (ties newest
/// first), a page at a time with a stable cursor. Capability: REQUIREMENT_READ.
#[utoipa::path(post, path = "/api/v1/trade-desk/requirements/search", operation_id = "trade_desk.requirements.search", request_body = RequirementSearch, tag = "trade-desk", security(("bearer" = ["REQUIREMENT_READ"])),
    responses((status = 200, description = "`{\"items\": [{requirement, score, parts, distance_km}], \"next_cursor\"}`", body = RequirementHits),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks REQUIREMENT_READ"),
        (status = 422, description = "A bad filter (`errors` names it: `commodity_id`, `quality.<code>`, `price_unit`, `unit`, `urgency`, `region`, `lat`, `lng`, `radius_km`, `cursor`, `limit`, ...)"),
        (status = 429, description = "Rate limited")))]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RequirementSearch>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).search(&caller.0, body.0).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The query of the demand statistics.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DemandQuery {
    /// Days counted back from now, 1 to 365 (default 30).
    #[param(minimum = 1, maximum = 365)]
    days: Option<i64>,
}

/// The demand for a commodity over the last `days`: published requirements
/// counted, their quantity summed and averaged, their highest price per
/// base unit averaged, in total and by urgency. Capability: REQUIREMENT_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/requirements/statistics/demand/{commodity_id}", operation_id = "trade_desk.requirements.demand", tag = "trade-desk", security(("bearer" = ["REQUIREMENT_READ"])),
    params(("commodity_id" = Uuid, Path, description = "The commodity"), DemandQuery),
    responses((status = 200, description = "The demand", body = DemandStatistics),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks REQUIREMENT_READ"),
        (status = 404, description = "No such commodity"),
        (status = 422, description = "`days` is not 1 to 365"),
        (status = 429, description = "Rate limited")))]
pub async fn demand(
    state: web::Data<AppState>,
    caller: Caller,
    commodity_id: web::Path<Uuid>,
    query: ApiQuery<DemandQuery>,
) -> Result<HttpResponse, ApiError> {
    let figures = service(&state)
        .demand(&caller.0, commodity_id.into_inner(), query.0.days)
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}

/// A requirement's history from the audit log and its events, oldest
/// first: for the buyer's users and staff. Capability: REQUIREMENT_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/requirements/{id}/history", operation_id = "trade_desk.requirements.history", tag = "trade-desk", security(("bearer" = ["REQUIREMENT_READ"])),
    params(("id" = Uuid, Path, description = "The requirement")),
    responses((status = 200, description = "The history", body = RequirementHistory),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks REQUIREMENT_READ, or `out_of_scope` (another partner's requirement)"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let history = service(&state).history(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(history))
}
