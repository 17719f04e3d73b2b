//! `/api/v1/risk/partners/{id}/adjustments`: staff adjustments of a
//! partner's exposure.

use actix_web::{HttpResponse, web};
use risk::exposure::{AdjustExposure, PartnerExposure, Utilised};
use utoipa::OpenApi;
use uuid::Uuid;

use super::ledger;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The exposure paths.
#[derive(OpenApi)]
#[openapi(
    paths(adjust),
    components(schemas(AdjustExposure, PartnerExposure, Utilised, risk::Side))
)]
pub struct ExposureDoc;

/// Registers the exposure routes, relative to the `/risk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/partners/{id}/adjustments", web::post().to(adjust));
}

/// Adjusts a partner's exposure on one side by a signed `amount`: an entry
/// with reason `adjustment`, its `reason` kept as the entry's note. A
/// buyer-side increase past the credit limit is refused. Capability:
/// RISK_MANAGE. Emits ExposureAdjusted (and ExposureBandChanged on a band
/// change upward).
#[utoipa::path(post, path = "/api/v1/risk/partners/{id}/adjustments", operation_id = "risk.exposure.adjust", request_body = AdjustExposure, tag = "risk", security(("bearer" = ["RISK_MANAGE"])),
    params(("id" = Uuid, Path, description = "The partner")),
    responses((status = 200, description = "The partner's exposure after the adjustment", body = PartnerExposure),
        (status = 400, description = "Malformed body (`side` not buyer or seller, `amount` not a decimal)"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_MANAGE"),
        (status = 404, description = "No such partner visible to the caller"),
        (status = 409, description = "`credit_limit_exceeded` (the problem's `remaining` names what is left, a decimal string), `exposure_below_zero`, or `concurrent_change`"),
        (status = 422, description = "`amount` zero or over 4 decimal places, `reason` not 3 to 500 characters"),
        (status = 429, description = "Rate limited")))]
pub async fn adjust(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<AdjustExposure>,
) -> Result<HttpResponse, ApiError> {
    let written = ledger(&state).adjust(&caller.0, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(written.value))
}
