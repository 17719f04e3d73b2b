//! `/api/v1/partners/applications`: start, change, read and list onboarding
//! applications. The applicant calls these with its onboarding token; staff
//! with an access token and PARTNER_ONBOARD or PARTNER_READ.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use partners::input::{ApplicationFilter, StartApplication, UpdateApplication};
use serde::Deserialize;
use uuid::Uuid;

use crate::http::applicant::PartnerCaller;
use crate::http::etag::{changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the application routes (decisions and documents are in their own files).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/applications", web::post().to(start))
        .route("/applications", web::get().to(list))
        .route("/applications/{application_id}", web::get().to(get))
        .route("/applications/{application_id}", web::patch().to(update));
}

/// Starts an application (draft). The applicant (onboarding token) starts one
/// for the mobile it verified; staff need PARTNER_ONBOARD, and `contact.mobile`
/// then gets the first user. At most one open application per mobile.
#[utoipa::path(post, path = "/api/v1/partners/applications", operation_id = "partners.applications.start", request_body = StartApplication, tag = "partners",
    security(("bearer" = ["PARTNER_ONBOARD"]), ("onboarding" = [])),
    responses((status = 201, description = "The application, with Location and ETag"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_ONBOARD"),
        (status = 409, description = "`application_in_progress` for this mobile, or `tax_id_in_use`"),
        (status = 422, description = "Invalid fields, each named (GSTIN check digit, PAN, state code, IEC, IFSC, pincode...)"),
        (status = 429, description = "Rate limited")))]
pub async fn start(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    body: ApiJson<StartApplication>,
) -> Result<HttpResponse, ApiError> {
    let app = state.applications.start(&caller.caller(), body.0).await?.value;
    let location = format!("/api/v1/partners/applications/{}", app.id);
    Ok(tagged(StatusCode::CREATED, &app, Some(location)))
}

/// Query of the application list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// draft, submitted, info_requested, approved or rejected.
    status: Option<String>,
    /// A partner type, such as `seller`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    partner_type: Option<String>,
    /// Part of the legal or trade name, GSTIN or PAN.
    text: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Lists applications (`status`, `type`, `text`, cursor); the applicant sees its own.
/// Capability: PARTNER_READ (staff).
#[utoipa::path(get, path = "/api/v1/partners/applications", operation_id = "partners.applications.list", params(ListQuery), tag = "partners",
    security(("bearer" = ["PARTNER_READ"]), ("onboarding" = [])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 400, description = "Malformed query or cursor"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 422, description = "Unknown status or type")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = ApplicationFilter {
        status: query.status,
        partner_type: query.partner_type,
        text: query.text,
    };
    Ok(HttpResponse::Ok().json(state.applications.list(&caller.caller(), filter, page).await?))
}

/// One application: its applicant, or staff with PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/applications/{application_id}", operation_id = "partners.applications.get", tag = "partners",
    security(("bearer" = ["PARTNER_READ"]), ("onboarding" = [])),
    responses((status = 200, description = "The application, with ETag"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 404, description = "Not found or not yours")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let app = state.applications.get(&caller.caller(), id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &app, None))
}

/// Changes the fields sent while the application is a draft or info was
/// requested; the whole is validated again. `If-Match` (or `version`) must be
/// current when sent. The contact's mobile cannot change.
#[utoipa::path(patch, path = "/api/v1/partners/applications/{application_id}", operation_id = "partners.applications.update", request_body = UpdateApplication, tag = "partners",
    security(("bearer" = ["PARTNER_ONBOARD"]), ("onboarding" = [])),
    responses((status = 200, description = "The application, with ETag"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_ONBOARD"),
        (status = 404, description = "Not found or not yours"),
        (status = 409, description = "`application_not_editable`, or `tax_id_in_use`"),
        (status = 412, description = "Stale version"),
        (status = 422, description = "Invalid fields, each named")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateApplication>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .applications
            .update(&caller.caller(), id.into_inner(), body.0, if_match(&req)?),
    )
    .await
}
