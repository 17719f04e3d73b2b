//! Matching: `/api/v1/trade-desk/matching`: a requirement's or an
//! availability's run and stored matches, dismissing a match, and the
//! weights per commodity category.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use infra::AppInfra;
use serde::Deserialize;
use trade_desk::matching::{
    CategoryWeights, Dropped, Match, MatchPage, MatchParts, MatchRun, MatchingService, SetWeights, Weights,
    WeightsList,
};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The matching paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        requirement_matches,
        run_requirement,
        availability_matches,
        run_availability,
        dismiss,
        weights,
        set_weights
    ),
    components(schemas(
        Match,
        MatchParts,
        MatchPage,
        MatchRun,
        Dropped,
        CategoryWeights,
        Weights,
        WeightsList,
        SetWeights
    ))
)]
pub struct MatchingDoc;

/// Registers the matching routes, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/matching/requirements/{id}/matches",
        web::get().to(requirement_matches),
    )
    .route("/matching/requirements/{id}/run", web::post().to(run_requirement))
    .route(
        "/matching/availabilities/{id}/matches",
        web::get().to(availability_matches),
    )
    .route(
        "/matching/availabilities/{id}/run",
        web::post().to(run_availability),
    )
    .route("/matching/matches/{id}/dismiss", web::post().to(dismiss))
    .route("/matching/weights", web::get().to(weights))
    .route("/matching/weights", web::put().to(set_weights));
}

impl Tagged for Match {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The matching service of `state`.
pub fn service(state: &AppState) -> MatchingService<AppInfra> {
    MatchingService::new(state.infra.clone())
}

/// The query of a run.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunQuery {
    /// `true`: also list the candidates left out, with the reason (the SQL cut is wider).
    explain: Option<bool>,
}

/// The query of a side's stored matches.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MatchesQuery {
    /// NEW, NOTIFIED, DISMISSED, RESERVED or EXPIRED.
    status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The stored matches of a requirement, best first. Staff with
/// MATCHING_EXECUTE, or the buyer's users with REQUIREMENT_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/matching/requirements/{id}/matches", operation_id = "trade_desk.matching.requirement_matches", params(("id" = Uuid, Path, description = "The requirement"), MatchesQuery), tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"]), ("bearer" = ["REQUIREMENT_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`", body = MatchPage),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE (staff) or REQUIREMENT_READ (a partner's user), or `out_of_scope` (another partner's requirement the caller sees)"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 422, description = "`status`, `limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn requirement_matches(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<MatchesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = service(&state)
        .requirement_matches(&caller.0, id.into_inner(), q.status, q.limit, q.cursor)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Matches a requirement against the ACTIVE availabilities now and stores
/// the result per pair (new pairs NEW with MatchFound, changed scores
/// updated, open pairs no longer found EXPIRED; each change an event on
/// `match-events`). A requirement no longer active finds nothing and its
/// open matches expire. Staff with MATCHING_EXECUTE, or the buyer's users
/// with REQUIREMENT_READ.
#[utoipa::path(post, path = "/api/v1/trade-desk/matching/requirements/{id}/run", operation_id = "trade_desk.matching.run_requirement", params(("id" = Uuid, Path, description = "The requirement"), RunQuery), tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"]), ("bearer" = ["REQUIREMENT_READ"])),
    responses((status = 200, description = "The matches found, best first (and with `explain=true` the candidates left out)", body = MatchRun),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE (staff) or REQUIREMENT_READ (a partner's user), or `out_of_scope` (another partner's requirement the caller sees)"),
        (status = 404, description = "No such requirement visible to the caller"),
        (status = 409, description = "`concurrent_change`: another run stored the same pair first; retry"),
        (status = 429, description = "Rate limited")))]
pub async fn run_requirement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<RunQuery>,
) -> Result<HttpResponse, ApiError> {
    let explain = query.0.explain.unwrap_or(false);
    let written = service(&state)
        .run_requirement(&caller.0, id.into_inner(), explain)
        .await?;
    Ok(HttpResponse::Ok().json(written.value))
}

/// The stored matches of an availability, best first. Staff with
/// MATCHING_EXECUTE, or the seller's users with AVAILABILITY_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/matching/availabilities/{id}/matches", operation_id = "trade_desk.matching.availability_matches", params(("id" = Uuid, Path, description = "The availability"), MatchesQuery), tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"]), ("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`", body = MatchPage),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE (staff) or AVAILABILITY_READ (a partner's user), or `out_of_scope` (another partner's availability the caller sees)"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 422, description = "`status`, `limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn availability_matches(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<MatchesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = service(&state)
        .availability_matches(&caller.0, id.into_inner(), q.status, q.limit, q.cursor)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Matches an availability against the published requirements it may fit
/// (the reverse of the requirement's run), stored the same way. Staff with
/// MATCHING_EXECUTE, or the seller's users with AVAILABILITY_READ.
#[utoipa::path(post, path = "/api/v1/trade-desk/matching/availabilities/{id}/run", operation_id = "trade_desk.matching.run_availability", params(("id" = Uuid, Path, description = "The availability"), RunQuery), tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"]), ("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "The matches found, best first (and with `explain=true` the candidates left out)", body = MatchRun),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE (staff) or AVAILABILITY_READ (a partner's user), or `out_of_scope` (another partner's availability the caller sees)"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 409, description = "`concurrent_change`: another run stored the same pair first; retry"),
        (status = 429, description = "Rate limited")))]
pub async fn run_availability(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<RunQuery>,
) -> Result<HttpResponse, ApiError> {
    let explain = query.0.explain.unwrap_or(false);
    let written = service(&state)
        .run_availability(&caller.0, id.into_inner(), explain)
        .await?;
    Ok(HttpResponse::Ok().json(written.value))
}

/// Dismisses a NEW or NOTIFIED match (a DISMISSED one answers as it is);
/// re-runs keep it DISMISSED. Staff with MATCHING_EXECUTE, the buyer's
/// users with REQUIREMENT_READ or the seller's with AVAILABILITY_READ.
#[utoipa::path(post, path = "/api/v1/trade-desk/matching/matches/{id}/dismiss", operation_id = "trade_desk.matching.dismiss", params(("id" = Uuid, Path, description = "The match")), tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"]), ("bearer" = ["REQUIREMENT_READ"]), ("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "The match (DISMISSED), with ETag", body = Match),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks the capability of the caller's side"),
        (status = 404, description = "No such match of the caller's partner"),
        (status = 409, description = "`match_not_open`: RESERVED or EXPIRED"),
        (status = 429, description = "Rate limited")))]
pub async fn dismiss(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).dismiss(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// The weights of the score's parts and the least score kept, per
/// commodity category (`DEFAULT` for the others). Capability: MATCHING_EXECUTE.
#[utoipa::path(get, path = "/api/v1/trade-desk/matching/weights", operation_id = "trade_desk.matching.weights", tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"])),
    responses((status = 200, description = "`{\"items\": [...]}` by category", body = WeightsList),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE"),
        (status = 429, description = "Rate limited")))]
pub async fn weights(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let list = service(&state).weights(&caller.0).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Sets the weights of one category (creating its row when it has none),
/// audited with the old and new values; later runs use them. Staff with MATCHING_EXECUTE.
#[utoipa::path(put, path = "/api/v1/trade-desk/matching/weights", operation_id = "trade_desk.matching.set_weights", request_body = SetWeights, tag = "trade-desk", security(("bearer" = ["MATCHING_EXECUTE"])),
    responses((status = 200, description = "The category's weights", body = CategoryWeights),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks MATCHING_EXECUTE, or `out_of_scope` (a partner's user)"),
        (status = 422, description = "`category`, a weight or `min_score` is bad, or the weights do not add up to 1 (`risk`)"),
        (status = 429, description = "Rate limited")))]
pub async fn set_weights(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SetWeights>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).set_weights(&caller.0, body.0).await?;
    Ok(HttpResponse::Ok().json(written.value))
}
