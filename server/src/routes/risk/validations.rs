//! `/api/v1/risk/validations`: party links and the side a partner may take.

use actix_web::{HttpResponse, web};
use risk::validations::{PartyLinksAnswer, PartyLinksInput, RoleAnswer, RoleInput, TradeSide};
use utoipa::OpenApi;

use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// The validation paths.
#[derive(OpenApi)]
#[openapi(
    paths(party_links, role),
    components(schemas(PartyLinksInput, PartyLinksAnswer, RoleInput, RoleAnswer, TradeSide))
)]
pub struct ValidationsDoc;

/// Registers the validation routes, relative to the `/risk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/validations/party-links", web::post().to(party_links))
        .route("/validations/role", web::post().to(role));
}

/// Whether two partners are linked (same entity, master and branch,
/// branches of one master, one corporate group, a shared GSTIN or PAN), so
/// may not trade with each other. Capability: RISK_ASSESS (a partner's
/// users: one of the two must be theirs).
#[utoipa::path(post, path = "/api/v1/risk/validations/party-links", operation_id = "risk.validations.party_links", request_body = PartyLinksInput, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 200, description = "`linked` and `reason`", body = PartyLinksAnswer),
        (status = 400, description = "Malformed JSON or a wrong type"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: neither partner is the caller's"),
        (status = 422, description = "`errors` names `partner_id` or `other_partner_id` (not a business partner)"),
        (status = 429, description = "Rate limited")))]
pub async fn party_links(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<PartyLinksInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.risk_validations.party_links(&caller.0, body.0).await?))
}

/// Whether a partner may take a side (buy or sell, domestic or
/// `cross_border`): approved, KYC verified, its type takes that side and it
/// holds the capability. Capability: RISK_ASSESS (a partner's users: their own).
#[utoipa::path(post, path = "/api/v1/risk/validations/role", operation_id = "risk.validations.role", request_body = RoleInput, tag = "risk", security(("bearer" = ["RISK_ASSESS"])),
    responses((status = 200, description = "`allowed` and `reason`", body = RoleAnswer),
        (status = 400, description = "Malformed JSON or a wrong type (`side` is buy or sell)"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_ASSESS"),
        (status = 404, description = "`partner`: no such partner visible to the caller"),
        (status = 429, description = "Rate limited")))]
pub async fn role(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.risk_validations.role(&caller.0, body.0).await?))
}
