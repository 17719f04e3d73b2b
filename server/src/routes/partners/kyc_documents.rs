//! `/api/v1/partners/{partner_id}/kyc/renewals/{renewal_id}/documents`: the
//! documents of an open KYC renewal, uploaded as for an application
//! (multipart, PDF, JPEG or PNG by content, at most 5 MiB) and listed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::documents::document_of;
use crate::http::auth::Caller;
use crate::http::etag::versioned;
use crate::http::multipart::{self, MAX_FILE_BYTES};
use crate::http::problem::ApiError;
use crate::state::AppState;

const PATH: &str = "/{partner_id}/kyc/renewals/{renewal_id}/documents";

/// Registers the renewal document routes, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::post().to(upload))
        .route(PATH, web::get().to(list));
}

/// Files a document for an open KYC renewal: multipart fields `file` (PDF,
/// JPEG or PNG by content, at most 5 MiB), `document_type`, `number`,
/// `issue_date` and `expiry_date` (`YYYY-MM-DD`). A renewal that passes
/// verifies its documents. Capability: PARTNER_MANAGE (staff, or the
/// partner's own admin).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/kyc/renewals/{renewal_id}/documents", operation_id = "partners.kyc_renewal_documents.upload",
    params(("partner_id" = Uuid, Path, description = "The partner"), ("renewal_id" = Uuid, Path, description = "The open renewal")),
    request_body(content = String, content_type = "multipart/form-data", description = "Fields `file` (at most 5 MiB), `document_type` (gst_certificate, pan_card, iec, bank_proof, cancelled_cheque, vehicle_rc, foreign_tax_id), `number`, `issue_date`, `expiry_date`"),
    tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    responses((status = 201, description = "The document (`renewal_id`, `sha256`, `size_bytes`, `content_type`), with Location and ETag", body = partners::document_service::Document),
        (status = 400, description = "Not a multipart body"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_MANAGE, or `partner_suspended`"),
        (status = 404, description = "No such partner or renewal, or not yours"),
        (status = 409, description = "`kyc_renewal_closed`: the renewal is completed"),
        (status = 413, description = "The file is over 5 MiB"),
        (status = 422, description = "`file` missing or not PDF/JPEG/PNG, `document_type`, `number` or dates invalid")))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, renewal_id) = path.into_inner();
    // Refuse a caller without the capability before reading up to 5 MiB.
    infra::service_error::require(&caller.0, partners::PARTNER_MANAGE)?;
    let form = multipart::read(&req, payload, MAX_FILE_BYTES).await?;
    let (input, upload) = document_of(form)?;
    let doc = state
        .applications
        .add_renewal_document(&caller.0, partner_id, renewal_id, input, upload)
        .await?
        .value;
    let location = format!(
        "/api/v1/partners/applications/{}/documents/{}/file",
        doc.application_id, doc.id
    );
    Ok(versioned(StatusCode::CREATED, &doc, doc.version, Some(location)))
}

/// The documents filed for a KYC renewal, oldest first: staff with
/// PARTNER_READ, or the partner's own users.
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/kyc/renewals/{renewal_id}/documents", operation_id = "partners.kyc_renewal_documents.list",
    params(("partner_id" = Uuid, Path, description = "The partner"), ("renewal_id" = Uuid, Path, description = "The renewal")),
    tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [...]}`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 404, description = "No such partner or renewal, or not yours")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, renewal_id) = path.into_inner();
    let items = state
        .applications
        .renewal_documents(&caller.0, partner_id, renewal_id)
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}
