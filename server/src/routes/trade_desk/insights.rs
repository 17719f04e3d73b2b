//! `/api/v1/trade-desk/availabilities/{id}/negotiation-readiness`,
//! `/api/v1/trade-desk/availabilities/{id}/similar` and
//! `/api/v1/trade-desk/validations/circular-trading`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use trade_desk::availabilities::readiness::{Readiness, ReadinessParts, Recommendation};
use trade_desk::availabilities::similar::SimilarAvailability;
use trade_desk::circular::{CircularAnswer, CircularInput, OpenListing};
use utoipa::OpenApi;
use uuid::Uuid;

use super::availabilities::service;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The readiness, similarity and circular trading paths.
#[derive(OpenApi)]
#[openapi(
    paths(readiness, similar, circular_trading),
    components(schemas(
        Readiness,
        ReadinessParts,
        Recommendation,
        SimilarAvailability,
        CircularInput,
        CircularAnswer,
        OpenListing
    ))
)]
pub struct InsightsDoc;

/// Registers the paths, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/availabilities/{id}/negotiation-readiness",
        web::get().to(readiness),
    )
    .route("/availabilities/{id}/similar", web::get().to(similar))
    .route("/validations/circular-trading", web::post().to(circular_trading));
}

/// How ready an availability is to be negotiated, 0..1: quality
/// completeness 0.4 (stated parameters / 5, capped), price present 0.3,
/// delivery terms present 0.2, quantity available 0.1; a recommendation for
/// each missing part. Capability: AVAILABILITY_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/availabilities/{id}/negotiation-readiness", operation_id = "trade_desk.availabilities.readiness", tag = "trade-desk", security(("bearer" = ["AVAILABILITY_READ"])),
    params(("id" = Uuid, Path, description = "The availability")),
    responses((status = 200, description = "The readiness", body = Readiness),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_READ"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn readiness(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let answer = service(&state).readiness(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The query of similar availabilities.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    /// Most answers, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u32>,
}

/// ACTIVE availabilities of the same category that state a quality
/// parameter code this one states, visible to the caller, ranked by overlap
/// (shared codes / codes either states) then price per base unit (lowest
/// first) then newest. Capability: AVAILABILITY_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/availabilities/{id}/similar", operation_id = "trade_desk.availabilities.similar", params(("id" = Uuid, Path, description = "The availability"), SimilarQuery), tag = "trade-desk", security(("bearer" = ["AVAILABILITY_READ"])),
    responses((status = 200, description = "`{\"items\": [...]}`, best first", body = Vec<SimilarAvailability>),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks AVAILABILITY_READ"),
        (status = 404, description = "No such availability visible to the caller"),
        (status = 422, description = "`limit` is not within 1..50"),
        (status = 429, description = "Rate limited")))]
pub async fn similar(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<SimilarQuery>,
) -> Result<HttpResponse, ApiError> {
    let items = service(&state)
        .similar(&caller.0, id.into_inner(), query.0.limit)
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Whether `partner_id` may post on `side` for `commodity_id` today: not
/// while it has an open listing on the other side for the commodity posted
/// today (a requirement DRAFT, ACTIVE or PARTIALLY_FULFILLED; an
/// availability DRAFT, ACTIVE or RESERVED). Capability: AVAILABILITY_CREATE
/// (`sell`) or REQUIREMENT_CREATE (`buy`).
#[utoipa::path(post, path = "/api/v1/trade-desk/validations/circular-trading", operation_id = "trade_desk.validations.circular_trading", request_body = CircularInput, tag = "trade-desk", security(("bearer" = ["AVAILABILITY_CREATE"]), ("bearer" = ["REQUIREMENT_CREATE"])),
    responses((status = 200, description = "`allowed` and the listings in the way", body = CircularAnswer),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks the side's capability, or `out_of_scope` (another partner named)"),
        (status = 422, description = "`partner_id` is not a partner, or the body is malformed"),
        (status = 429, description = "Rate limited")))]
pub async fn circular_trading(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CircularInput>,
) -> Result<HttpResponse, ApiError> {
    let today = service(&state).today();
    let answer = trade_desk::circular::validate(&state.infra, &caller.0, body.0, today).await?;
    Ok(HttpResponse::Ok().json(answer))
}
