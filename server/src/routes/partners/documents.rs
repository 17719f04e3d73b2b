//! `/api/v1/partners/applications/{id}/documents`: uploads (multipart, PDF,
//! JPEG or PNG by content, at most 5 MiB), the list, the file, and staff
//! verification.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use partners::document_review::Verification;
use partners::document_service::NewDocument;
use partners::files::Upload;
use uuid::Uuid;

use crate::http::applicant::PartnerCaller;
use crate::http::etag::versioned;
use crate::http::json::ApiJson;
use crate::http::multipart::{self, Form, MAX_FILE_BYTES};
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Registers the document routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/applications/{application_id}/documents", web::post().to(upload))
        .route("/applications/{application_id}/documents", web::get().to(list))
        .route(
            "/applications/{application_id}/documents/{document_id}/file",
            web::get().to(file),
        )
        .route(
            "/applications/{application_id}/documents/{document_id}/verify",
            web::post().to(verify),
        );
}

fn date(form: &Form, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    form.text(field)
        .map(|text| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| ApiError::from(infra::ServiceError::field(field, "must be a date, YYYY-MM-DD")))
        })
        .transpose()
}

/// A document's metadata and file from its form: fields `document_type`,
/// `number`, `issue_date`, `expiry_date` (`YYYY-MM-DD`) and `file`.
pub(super) fn document_of(form: Form) -> Result<(NewDocument, Upload), ApiError> {
    let input = NewDocument {
        document_type: form.text("document_type").unwrap_or_default(),
        document_number: form.text("number"),
        issued_on: date(&form, "issue_date")?,
        expires_on: date(&form, "expiry_date")?,
    };
    let upload = Upload {
        file_name: form.file_name.clone(),
        bytes: form.file.unwrap_or_default().into(),
    };
    Ok((input, upload))
}

/// Adds a document with its file to an open application: multipart fields
/// `file` (PDF, JPEG or PNG by content, at most 5 MiB), `document_type`,
/// `number`, `issue_date` and `expiry_date` (`YYYY-MM-DD`). The applicant, or
/// staff with PARTNER_ONBOARD.
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/documents", operation_id = "partners.documents.upload",
    request_body(content = String, content_type = "multipart/form-data", description = "Fields `file` (at most 5 MiB), `document_type` (gst_certificate, pan_card, iec, bank_proof, cancelled_cheque, vehicle_rc, foreign_tax_id), `number`, `issue_date`, `expiry_date`"),
    tag = "partners", security(("bearer" = ["PARTNER_ONBOARD"]), ("onboarding" = [])),
    responses((status = 201, description = "The document (`sha256`, `size_bytes`, `content_type`), with Location and ETag"),
        (status = 400, description = "Not a multipart body"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_ONBOARD"),
        (status = 404, description = "Application not found or not yours"),
        (status = 409, description = "`application_decided`"),
        (status = 413, description = "The file is over 5 MiB"),
        (status = 422, description = "`file` missing or not PDF/JPEG/PNG, `document_type`, `number` or dates invalid")))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Refuse a caller without the capability before reading up to 5 MiB.
    caller.caller().require(partners::PARTNER_ONBOARD)?;
    let form = multipart::read(&req, payload, MAX_FILE_BYTES).await?;
    let (input, upload) = document_of(form)?;
    let doc = state
        .applications
        .add_document(&caller.caller(), id, input, upload)
        .await?
        .value;
    let location = format!("/api/v1/partners/applications/{id}/documents/{}", doc.id);
    Ok(versioned(StatusCode::CREATED, &doc, doc.version, Some(location)))
}

/// The documents of an application: its applicant, or staff with PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/applications/{application_id}/documents", operation_id = "partners.documents.list", tag = "partners",
    security(("bearer" = ["PARTNER_READ"]), ("onboarding" = [])),
    responses((status = 200, description = "`{\"items\": [...]}`"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 404, description = "Application not found or not yours")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let items = state
        .applications
        .list_documents(&caller.caller(), id.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// A document's file, as uploaded (never across partners or applicants).
#[utoipa::path(get, path = "/api/v1/partners/applications/{application_id}/documents/{document_id}/file", operation_id = "partners.documents.file", tag = "partners",
    security(("bearer" = ["PARTNER_READ"]), ("onboarding" = [])),
    responses((status = 200, description = "The file, with its content type"),
        (status = 401, description = "No access or onboarding token"),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 404, description = "Not found or not yours")))]
pub async fn file(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let (doc, bytes) = state
        .applications
        .document_file(&caller.caller(), id, document_id)
        .await?;
    let content_type = doc
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", doc.id),
        ))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(bytes))
}

/// Verifies (`verified: true`) or refuses (`verified: false` with a
/// `reason`) a document; verifying the last required document of an
/// auto-approved application approves it (`approval`). Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/applications/{application_id}/documents/{document_id}/verify", operation_id = "partners.documents.verify", request_body = Verification, tag = "partners",
    security(("bearer" = ["PARTNER_MANAGE"])),
    responses((status = 200, description = "`{document, approval}`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Missing PARTNER_MANAGE"),
        (status = 404, description = "Not found"),
        (status = 409, description = "`document_verified` already"),
        (status = 422, description = "`reason` missing when refusing")))]
pub async fn verify(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<Verification>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let verified = state
        .applications
        .verify_document(&caller.caller(), id, document_id, body.0)
        .await?
        .value;
    Ok(HttpResponse::Ok().json(verified))
}
