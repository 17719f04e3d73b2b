//! RFC 9457 problem details: the one place where errors become HTTP answers.
//!
//! Shape: `type`, `title`, `status`, `detail`, a stable `code`, and for invalid
//! input `errors: [{"field", "message"}]`. 400 for malformed requests, 422 for
//! well-formed input that breaks a rule, 409 for conflicts with current state.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use infra::{DomainError, ErrorKind, FieldError};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field in a problem answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field as the client spelled it, such as `address.pincode`.
    pub field: String,
    /// What is wrong with it and what is expected.
    pub message: String,
}

/// An error answer (RFC 9457).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem kind: `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the status.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this case and what to do about it.
    pub detail: String,
    /// Stable machine-readable code in snake case.
    pub code: String,
    /// Each invalid field, for 400 and 422 answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Extension members, such as the dependency checks of `/readyz`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Map<String, Value>,
}

/// An error on its way to the client: status, problem body and headers.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    detail: String,
    errors: Vec<FieldProblem>,
    retry_after: Option<u64>,
    extensions: Map<String, Value>,
}

/// The status a kind of domain error is answered with.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidInput | ErrorKind::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds a client should wait before retrying after a 503.
const UNAVAILABLE_RETRY_SECS: u64 = 1;

impl ApiError {
    /// An error answer with `status`, `code` and `detail`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        let retry_after = (status == StatusCode::SERVICE_UNAVAILABLE).then_some(UNAVAILABLE_RETRY_SECS);
        Self {
            status,
            code: code.to_owned(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after,
            extensions: Map::new(),
        }
    }

    /// A 400 for a request that could not be read, naming the fields at fault.
    pub fn malformed(code: &str, detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail).with_errors(errors)
    }

    /// 400 `malformed_path` naming each id parameter of `req`'s path that is not a UUID.
    pub fn malformed_path(detail: String, req: &actix_web::HttpRequest) -> Self {
        let errors = req
            .match_info()
            .iter()
            .filter(|(name, value)| {
                crate::openapi::params::is_id(name) && uuid::Uuid::parse_str(value).is_err()
            })
            .map(|(name, _)| {
                FieldError::new(
                    name,
                    "must be a UUID, such as 0192f4e0-0000-7000-8000-000000000000",
                )
            })
            .collect();
        Self::malformed("malformed_path", detail, errors)
    }

    /// The same error naming invalid fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors
            .into_iter()
            .map(|e| FieldProblem {
                field: e.field,
                message: e.message,
            })
            .collect();
        self
    }

    /// The same error with `Retry-After: seconds`.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The same error with an extension member in its body.
    pub fn with_extension(mut self, name: &str, value: Value) -> Self {
        self.extensions.insert(name.to_owned(), value);
        self
    }

    /// The problem body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.code.replace('_', "-")),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.clone(),
            errors: self.errors.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl<E: DomainError> From<E> for ApiError {
    fn from(e: E) -> Self {
        let kind = e.kind();
        let status = status_of(kind);
        if kind == ErrorKind::Internal {
            tracing::error!(error = %error_chain(&e), "request failed");
            return Self::new(
                status,
                "internal_error",
                "An unexpected error occurred; quote the X-Request-Id header when reporting it.",
            );
        }
        if kind == ErrorKind::Unavailable {
            tracing::warn!(error = %error_chain(&e), "dependency unavailable");
            return Self::new(
                status,
                e.code(),
                "A dependency of the service is busy or unreachable; retry after the Retry-After delay.",
            );
        }
        let mut error = Self::new(status, e.code(), e.to_string()).with_errors(e.field_errors());
        error.retry_after = e.retry_after_secs().or(error.retry_after);
        error.extensions.extend(e.members());
        error
    }
}

/// An error and its causes on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A stable code for a status the framework answered by itself.
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        431 => "request_header_fields_too_large",
        503 => "service_unavailable",
        s if s >= 500 => "internal_error",
        _ => "client_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn shape_is_pinned() {
        let err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "invalid input",
        )
        .with_errors(vec![FieldError::new("name", "must not be empty")]);
        let body = serde_json::to_value(err.problem()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "type": "/problems/validation-failed",
                "title": "Unprocessable Entity",
                "status": 422,
                "detail": "invalid input",
                "code": "validation_failed",
                "errors": [{"field": "name", "message": "must not be empty"}]
            })
        );
    }

    #[test]
    fn domain_kinds_map_to_statuses_and_hide_internals() {
        let reused: ApiError = infra::InfraError::IdempotencyKeyReused { key: "k".into() }.into();
        assert_eq!(reused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let internal: ApiError = infra::InfraError::Invariant("secret detail").into();
        assert_eq!(internal.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!internal.problem().detail.contains("secret"));
        let busy: ApiError = infra::InfraError::Database(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::error::ConnAcquireErr::Timeout,
        ))
        .into();
        let response = busy.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
        let body = response.into_body().try_into_bytes().unwrap();
        assert!(
            std::str::from_utf8(&body)
                .unwrap()
                .contains("dependency_unavailable")
        );
    }
}
