//! `/api/v1/risk/partners/{id}/performance`: a partner's performance record
//! (neutral values without history) and its staff correction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use risk::performance::{Performance, PerformanceCorrection};
use utoipa::OpenApi;
use uuid::Uuid;

use super::ledger;
use crate::http::auth::Caller;
use crate::http::etag::{Tagged, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The performance paths.
#[derive(OpenApi)]
#[openapi(paths(get, correct), components(schemas(Performance, PerformanceCorrection)))]
pub struct PerformanceDoc;

/// Registers the performance routes, relative to the `/risk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partners/{id}/performance", web::get().to(get))
        .route("/partners/{id}/performance", web::put().to(correct));
}

impl Tagged for Performance {
    fn version(&self) -> i64 {
        self.version
    }
}

/// A partner's performance record: rating 0-5 (one place), delivery and
/// payment scores 0-100, disputes, trade count, last trade; the neutral
/// values (rating 3.0, scores 70, no trades, version 0) without history.
/// Capability: RISK_READ (a partner's users: their own partner).
#[utoipa::path(get, path = "/api/v1/risk/partners/{id}/performance", operation_id = "risk.performance.get", tag = "risk", security(("bearer" = ["RISK_READ"])),
    params(("id" = Uuid, Path, description = "The partner")),
    responses((status = 200, description = "The record, with ETag", body = Performance),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_READ"),
        (status = 404, description = "No such partner visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = ledger(&state).performance(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &found, None))
}

/// Corrects a partner's performance record (created from the neutral values
/// when it has none); `If-Match` (or `version`) must be current when sent
/// (0 for the neutral values). Audited with the old values and the reason.
/// Capability: RISK_MANAGE. Emits PerformanceCorrected when something changed.
#[utoipa::path(put, path = "/api/v1/risk/partners/{id}/performance", operation_id = "risk.performance.correct", request_body = PerformanceCorrection, tag = "risk", security(("bearer" = ["RISK_MANAGE"])),
    params(("id" = Uuid, Path, description = "The partner"), ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"1\"")),
    responses((status = 200, description = "The record, with ETag", body = Performance),
        (status = 400, description = "Malformed body"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_MANAGE"),
        (status = 404, description = "No such partner visible to the caller"),
        (status = 412, description = "If-Match or `version` is not current (`stale_version`)"),
        (status = 422, description = "`rating` not 0 to 5 with one place, `delivery_score` or `payment_score` not 0 to 100, `disputes` negative, `reason` not 3 to 500 characters"),
        (status = 429, description = "Rate limited")))]
pub async fn correct(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<PerformanceCorrection>,
) -> Result<HttpResponse, ApiError> {
    let written = ledger(&state)
        .correct_performance(&caller.0, id.into_inner(), body.0, if_match(&req)?)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
