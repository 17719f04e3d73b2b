//! `/api/v1/partners/applications/{id}/...`: submit (score and routing),
//! and the staff decisions, each taken once (a second is 409).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use partners::Decision;
use partners::input::Approve;
use serde::Deserialize;
use uuid::Uuid;

use crate::http::applicant::PartnerCaller;
use crate::http::etag::{changed, versioned};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Registers the submit and decision routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/applications/{application_id}/submit", web::post().to(submit))
        .route("/applications/{application_id}/approve", web::post().to(approve))
        .route("/applications/{application_id}/reject", web::post().to(reject))
        .route(
            "/applications/{application_id}/request-info",
            web::post().to(request_info),
        );
}

/// A rejection's reason.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reject {
    /// Why, 1..2000 characters (required).
    #[schema(min_length = 1, max_length = 2000)]
    reason: Option<String>,
}

/// What the applicant should send.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInfo {
    /// The message to the applicant, 1..2000 characters (required).
    #[schema(min_length = 1, max_length = 2000)]
    message: Option<String>,
}

/// A decision's answer: the application's fields (with `score`, `routing`,
/// `factors`...), plus `partner` and `first_user_id` when it approved.
fn decision(status: StatusCode, decision: Decision) -> Result<HttpResponse, ApiError> {
    let version = decision.application.version;
    let location = decision
        .partner
        .as_ref()
        .map(|p| format!("/api/v1/partners/{}", p.id));
    let mut body = serde_json::to_value(&decision.application).map_err(infra::ServiceError::from)?;
    if let Some(fields) = body.as_object_mut() {
        fields.insert(
            "partner".into(),
            serde_json::to_value(&decision.partner).unwrap_or_default(),
        );
        fields.insert("first_user_id".into(), serde_json::json!(decision.first_user_id));
    }
    let status = if location.is_some() {
        StatusCode::CREATED
    } else {
        status
    };
    Ok(versioned(status, &body, version, location))
}

/// Submits a draft (or an answered info request): 422 lists each missing
/// required document; otherwise the `score` (0-100), `risk_category`,
/// `routing` (`auto_approved` 70+, `manager_review` 40-69, `director_review`
/// 20-39, `critical_review` under 20), `recommended_credit_limit` and signed
/// `factors`. An auto-approved application whose required documents are all
/// verified is approved at once (201 with `partner`).
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/submit", operation_id = "partners.applications.submit", tag = "partners",
    security(("bearer" = ["PARTNER_ONBOARD"]), ("onboarding" = [])),
    responses((status = 200, description = "The scored application"),
        (status = 201, description = "Scored and approved at once: `partner` and `first_user_id`, Location of the partner"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_ONBOARD"),
        (status = 404, description = "Not found or not yours"),
        (status = 409, description = "Not a draft or info_requested application"),
        (status = 422, description = "Missing required documents, each named")))]
pub async fn submit(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .applications
        .submit(&caller.caller(), id.into_inner())
        .await?;
    decision(StatusCode::OK, written.value)
}

/// Approves a submitted application: creates the partner (code such as
/// `BP-IND-SEL-0001`, KYC verified for a year, the credit limit given or
/// recommended) and its first user (PARTNER_ADMIN) on the applicant's mobile.
/// Capability: PARTNER_APPROVE; director and critical reviews also PARTNER_APPROVE_HIGH_RISK.
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/approve", operation_id = "partners.applications.approve", request_body = Approve, tag = "partners",
    security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 201, description = "The approved application with `partner`, `first_user_id` and Location of the partner"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_APPROVE (or PARTNER_APPROVE_HIGH_RISK)"),
        (status = 404, description = "Not found"),
        (status = 409, description = "Decided already, or not submitted"),
        (status = 422, description = "Negative credit limit")))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
    body: ApiJson<Approve>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .applications
        .approve(&caller.caller(), id.into_inner(), body.0)
        .await?;
    decision(StatusCode::OK, written.value)
}

/// Rejects a submitted application. Capability: PARTNER_APPROVE.
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/reject", operation_id = "partners.applications.reject", request_body = Reject, tag = "partners",
    security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The rejected application"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_APPROVE"),
        (status = 404, description = "Not found"),
        (status = 409, description = "Decided already, or not submitted"),
        (status = 422, description = "`reason` missing or too long")))]
pub async fn reject(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
    body: ApiJson<Reject>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .applications
            .reject(&caller.caller(), id.into_inner(), body.0.reason),
    )
    .await
}

/// Sends a submitted application back to the applicant with a message; it
/// may then be changed and submitted again. Capability: PARTNER_APPROVE.
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/request-info", operation_id = "partners.applications.request_info", request_body = RequestInfo, tag = "partners",
    security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The application, info_requested"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_APPROVE"),
        (status = 404, description = "Not found"),
        (status = 409, description = "Decided already, or not submitted"),
        (status = 422, description = "`message` missing or too long")))]
pub async fn request_info(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
    body: ApiJson<RequestInfo>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .applications
            .request_info(&caller.caller(), id.into_inner(), body.0.message),
    )
    .await
}
