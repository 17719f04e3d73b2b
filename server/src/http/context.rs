//! The outermost middleware: gives each request an id (`X-Request-Id`, taken
//! from the client when sane, else generated), runs it inside a tracing span
//! carrying that id, turns any error answer the framework made by itself
//! (404, 405, 413, ...) into problem+json, and records the request's metrics
//! under its route pattern.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use tracing::Instrument;

use super::problem::{ApiError, PROBLEM_JSON, code_for_status};
use crate::state::AppState;

/// The request id header, accepted from clients and echoed on every answer.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available from request extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn client_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let sane = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| (0x21..=0x7e).contains(&b));
    sane.then(|| value.to_owned())
}

/// See the module documentation.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = client_request_id(&req).unwrap_or_else(|| infra::ids::new_id().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let record = |route: &str, status: StatusCode| {
        let elapsed = started.elapsed();
        if let Some(state) = &state {
            state
                .metrics
                .observe_request(method.as_str(), route, status.as_u16(), elapsed);
        }
        span.in_scope(|| {
            let (status, elapsed_ms) = (status.as_u16(), elapsed.as_millis() as u64);
            if status >= 500 {
                tracing::warn!(status, route, elapsed_ms, "request answered");
            } else {
                tracing::info!(status, route, elapsed_ms, "request answered");
            }
        });
    };

    // The request must not be cloned across this call: routing needs it unshared.
    let mut response = match next.call(req).instrument(span.clone()).await {
        Ok(res) => as_problem(res.map_into_boxed_body()),
        Err(e) => {
            // Rendered by the framework from the error itself (problem+json for ours).
            record("unmatched", e.as_response_error().status_code());
            return Err(e);
        }
    };
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    record(&route, response.status());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    Ok(response)
}

/// Replaces a framework-made error answer with problem+json of the same status.
fn as_problem(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let req = response.request();
    let detail = match status.as_u16() {
        404 => format!("no resource at {}; the API is described at /docs", req.path()),
        405 => format!(
            "{} does not accept {}; see the Allow header",
            req.path(),
            req.method()
        ),
        413 => "the body is larger than this API accepts (MAX_BODY_BYTES)".to_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut problem = ApiError::new(status, code_for_status(status), detail).error_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    response.into_response(problem)
}
