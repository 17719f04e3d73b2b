//! `multipart/form-data` uploads: text fields and one file, read with the
//! file's limit (413 above it), and the routes whose bodies may exceed
//! `MAX_BODY_BYTES` because they carry such a file.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use futures::StreamExt;
use infra::FieldError;

use super::problem::ApiError;

/// The largest file an upload route takes: 5 MiB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Room for the form's boundaries and text fields around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Whether `path` takes a multipart upload (the commodity CSV import, a
/// partner application's documents, a KYC renewal's documents).
pub fn is_upload_route(path: &str) -> bool {
    if path == "/api/v1/settings/commodities/bulk/upload" {
        return true;
    }
    let segment = |s: &str| !s.is_empty() && !s.contains('/');
    let application = path
        .strip_prefix("/api/v1/partners/applications/")
        .and_then(|rest| rest.strip_suffix("/documents"))
        .is_some_and(segment);
    let renewal = path
        .strip_prefix("/api/v1/partners/")
        .and_then(|rest| rest.strip_suffix("/documents"))
        .and_then(|rest| rest.split_once("/kyc/renewals/"))
        .is_some_and(|(partner, renewal)| segment(partner) && segment(renewal));
    application || renewal
}

/// The body limit of `path`: `default` (`MAX_BODY_BYTES`), raised past it
/// on upload routes so that a file of [`MAX_FILE_BYTES`] fits.
pub fn body_limit(path: &str, default: usize) -> usize {
    if is_upload_route(path) {
        default.max(MAX_FILE_BYTES + FORM_OVERHEAD)
    } else {
        default
    }
}

/// A form as read: its text fields and its field `file`.
#[derive(Debug, Default)]
pub struct Form {
    /// Text fields by name (the last value wins).
    pub fields: HashMap<String, String>,
    /// The file's name as sent.
    pub file_name: Option<String>,
    /// The file's bytes, if the form had a field `file`.
    pub file: Option<Vec<u8>>,
}

impl Form {
    /// Text field `name`, trimmed, absent when empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// A 400 naming `field`.
pub fn malformed(field: &str, detail: impl Into<String>) -> ApiError {
    let detail = detail.into();
    ApiError::malformed(
        "malformed_upload",
        detail.clone(),
        vec![FieldError::new(field, detail)],
    )
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the file is larger than {} MiB; send a smaller one",
            limit / (1024 * 1024)
        ),
    )
}

/// Reads the multipart body: text fields of at most 4 KiB each and the field
/// `file` of at most `limit` bytes (413 above).
pub async fn read(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<Form, ApiError> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field =
            field.map_err(|e| malformed("file", format!("send a multipart/form-data body: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        let cap = if is_file { limit } else { 4096 };
        if is_file {
            form.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| malformed(&name, format!("the field could not be read: {e}")))?;
            if bytes.len() + chunk.len() > cap {
                return Err(if is_file {
                    too_large(limit)
                } else {
                    malformed(&name, "must be at most 4096 bytes")
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            form.file = Some(bytes);
        } else {
            let text = String::from_utf8(bytes).map_err(|_| malformed(&name, "must be UTF-8 text"))?;
            form.fields.insert(name, text);
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_routes_get_room_for_their_file() {
        assert!(is_upload_route("/api/v1/partners/applications/0190/documents"));
        assert!(is_upload_route("/api/v1/settings/commodities/bulk/upload"));
        assert!(is_upload_route(
            "/api/v1/partners/0190/kyc/renewals/0191/documents"
        ));
        assert!(!is_upload_route("/api/v1/partners/0190/kyc/renewals//documents"));
        assert!(!is_upload_route(
            "/api/v1/partners/0190/x/kyc/renewals/0191/documents"
        ));
        assert!(!is_upload_route(
            "/api/v1/partners/applications/0190/documents/1/verify"
        ));
        assert!(!is_upload_route("/api/v1/partners/applications//documents"));
        assert_eq!(body_limit("/api/v1/settings/organizations", 1024), 1024);
        assert!(body_limit("/api/v1/partners/applications/x/documents", 1024) > MAX_FILE_BYTES);
    }
}
