//! `/api/v1/risk/assessments`: seller, buyer, trade and counterparty
//! assessments (stored, RiskAssessed) and one read back by id; with
//! [`rules_routes`] and [`rules_openapi`] mounting these and the validations.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use risk::assessments::{Assessment, CounterpartyAssessment, SideAssessment, TradeAssessment};
use risk::precheck::{Factor, Outcome, Status};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The assessment paths.
#[derive(OpenApi)]
#[openapi(
    paths(seller, buyer, trade, counterparty, get),
    components(schemas(
        SideAssessment,
        TradeAssessment,
        CounterpartyAssessment,
        Assessment,
        Outcome,
        Factor,
        Status
    ))
)]
pub struct AssessmentsDoc;

/// Registers the assessment and validation routes, relative to the `/risk` scope.
pub fn rules_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assessments/seller", web::post().to(seller))
        .route("/assessments/buyer", web::post().to(buyer))
        .route("/assessments/trade", web::post().to(trade))
        .route("/assessments/counterparty", web::post().to(counterparty))
        .route("/assessments/{id}", web::get().to(get))
        .configure(super::validations::configure);
}

/// The OpenAPI paths of the assessments and validations.
pub fn rules_openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <AssessmentsDoc as OpenApi>::openapi();
    doc.merge(<super::validations::ValidationsDoc as OpenApi>::openapi());
    doc
}

fn created(a: &Assessment) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/risk/assessments/{}", a.id)))
        .json(a)
}

/// The seller precheck of a partner for a trade: from 100, exposure after
/// the trade over the credit limit -40, else remaining credit under 1.2 x
/// the value -20; rating under 3.0 -30, under 4.0 -15; delivery score under
/// 50 -30, under 75 -15. 80+ PASS, 60-79 WARN, else FAIL. Stored.
/// Capability: RISK_ASSESS (a partner's users: their own partner).
#[utoipa::path(post, path = "/api/v1/risk/assessments/seller", operation_id = "risk.assessments.seller", request_body = SideAssessment, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 201, description = "The stored assessment, with Location", body = Assessment),
        (status = 400, description = "Malformed JSON or a wrong type"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: no such partner visible to the caller"),
        (status = 422, description = "`errors` names `quantity`, `value` (above 0, at most 4 decimals) or `commodity_id`"),
        (status = 429, description = "Rate limited")))]
pub async fn seller(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SideAssessment>,
) -> Result<HttpResponse, ApiError> {
    Ok(created(&state.assessments.seller(&caller.0, body.0).await?.value))
}

/// The buyer precheck of a partner for a trade: from 100, remaining limit
/// under the value -50, else exposure going negative -30, else remaining
/// under 1.2 x the value -15; rating under 2.0 -25, under 3.0 -10; payment
/// score under 50 -20, under 70 -10. 75+ PASS, 50-74 WARN, else FAIL.
/// Stored. Capability: RISK_ASSESS (a partner's users: their own partner).
#[utoipa::path(post, path = "/api/v1/risk/assessments/buyer", operation_id = "risk.assessments.buyer", request_body = SideAssessment, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 201, description = "The stored assessment, with Location", body = Assessment),
        (status = 400, description = "Malformed JSON or a wrong type"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: no such partner visible to the caller"),
        (status = 422, description = "`errors` names `quantity`, `value` (above 0, at most 4 decimals) or `commodity_id`"),
        (status = 429, description = "Rate limited")))]
pub async fn buyer(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SideAssessment>,
) -> Result<HttpResponse, ApiError> {
    Ok(created(&state.assessments.buyer(&caller.0, body.0).await?.value))
}

/// The trade assessment of a buyer and a seller: the buyer check of the
/// buyer and the seller check of the seller (both in `buyer` and `seller`),
/// the score their average, the stricter status; party links and a shared
/// PAN, GSTIN or foreign tax id FAIL, a shared mobile or corporate e-mail
/// domain WARN (0-point factors; public mail domains ignored). Stored.
/// Capability: RISK_ASSESS (a partner's users: one of the two must be theirs).
#[utoipa::path(post, path = "/api/v1/risk/assessments/trade", operation_id = "risk.assessments.trade", request_body = TradeAssessment, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 201, description = "The stored assessment, with Location", body = Assessment),
        (status = 400, description = "Malformed JSON or a wrong type"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: a partner does not exist or is not visible to the caller"),
        (status = 422, description = "`errors` names `value` (above 0, at most 4 decimals)"),
        (status = 429, description = "Rate limited")))]
pub async fn trade(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<TradeAssessment>,
) -> Result<HttpResponse, ApiError> {
    Ok(created(&state.assessments.trade(&caller.0, body.0).await?.value))
}

/// The counterparty assessment of a partner: utilisation over 90 % -25,
/// over 75 % -15; rating under 2 -25, under 3 -15, under 4 -8; performance
/// under 40 -25, under 60 -15, under 75 -8; dispute rate over 10 % -15, over
/// 5 % -8; fewer than 10 trades -10, fewer than 50 -5; with
/// `credit_limit_advice` 1.2, 1.1, 1.0 or 0.75 and `advice_reason`.
/// Stored. Capability: RISK_ASSESS (a partner's users: their own partner).
#[utoipa::path(post, path = "/api/v1/risk/assessments/counterparty", operation_id = "risk.assessments.counterparty", request_body = CounterpartyAssessment, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 201, description = "The stored assessment with its advice, with Location", body = Assessment),
        (status = 400, description = "Malformed JSON or a wrong type"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: no such partner visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn counterparty(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CounterpartyAssessment>,
) -> Result<HttpResponse, ApiError> {
    Ok(created(
        &state.assessments.counterparty(&caller.0, body.0).await?.value,
    ))
}

/// One stored assessment. Capability: RISK_READ (a partner's users: those
/// naming their own partner).
#[utoipa::path(get, path = "/api/v1/risk/assessments/{id}", operation_id = "risk.assessments.get", tag = "risk", security(("bearer" = ["RISK_READ"])),
    params(("id" = Uuid, Path, description = "The assessment")),
    responses((status = 200, description = "The assessment", body = Assessment),
        (status = 400, description = "`id` is not a UUID"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_READ"),
        (status = 404, description = "`assessment`: none visible to the caller")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.assessments.get(&caller.0, id.into_inner()).await?))
}
