//! Idempotent writes (`Idempotency-Key` on POST, PUT, PATCH, DELETE under
//! `/api/v1`, token routes excepted).
//!
//! Two layers. Here, in the kv store: an in-flight lock (a concurrent duplicate
//! gets 409 + `Retry-After`) and the stored response (status, body, Location,
//! Content-Type, ETag) replayed with `Idempotent-Replayed: true`. Below, in the
//! database: the key and the request fingerprint reach the service through the
//! caller, and the write helper claims the durable row in the business
//! transaction, so a retry after the kv record was lost runs nothing and
//! answers the stored result.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use infra::kv::Begun;
use infra::{IdempotencyKey, Infra};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use user_auth::Authenticated;

use super::problem::ApiError;
use crate::state::AppState;

/// The request header.
pub static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a replayed answer.
pub static REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Authenticated routes whose answers hold secrets; never stored, like the
/// token routes ([`super::auth::PUBLIC_ROUTES`]).
pub const SECRET_ROUTES: &[&str] = &["/api/v1/auth/totp/setup"];
/// Answer headers worth replaying.
const KEPT_HEADERS: [HeaderName; 3] = [header::LOCATION, header::CONTENT_TYPE, header::ETAG];

/// A stored answer.
#[derive(Serialize, Deserialize)]
struct Stored {
    fingerprint: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// Whether an outcome is stored: success and business refusals, not errors a
/// retry may cure (auth, rate limits, malformed requests, server faults).
fn storable(status: StatusCode) -> bool {
    status.is_success() || matches!(status.as_u16(), 404 | 409 | 410 | 412 | 422)
}

/// The whole body, at most `limit` bytes (`MAX_BODY_BYTES`, more on upload routes).
async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, ApiError> {
    use futures::StreamExt;
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::malformed(
                "malformed_body",
                format!("the body could not be read: {e}"),
                Vec::new(),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the body is larger than this route accepts (MAX_BODY_BYTES; 5 MiB files on upload routes)",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn record_key(scope: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\u{0}{key}").as_bytes());
    hex::encode(digest)
}

/// See the module documentation.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let applies = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) && !super::auth::PUBLIC_ROUTES.contains(&req.path())
        && !SECRET_ROUTES.contains(&req.path());
    let raw = req.headers().get(&IDEMPOTENCY_KEY).cloned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(raw), true, Some(state)) = (raw, applies, state) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if !state.config.idempotency_enabled {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let key = match raw
        .to_str()
        .map_err(|_| infra::idempotency::KeyError::InvalidCharacter)
        .and_then(IdempotencyKey::parse_header)
    {
        Ok(key) => key,
        Err(e) => {
            let error = ApiError::malformed(
                "invalid_idempotency_key",
                format!("the Idempotency-Key header {e}"),
                vec![infra::FieldError::new("Idempotency-Key", e.to_string())],
            );
            return Ok(req.into_response(error.error_response()));
        }
    };
    let who = req
        .extensions()
        .get::<Authenticated>()
        .map(|who| who.actor.idempotency_scope());
    let scope = match who.or_else(|| super::applicant::idempotency_scope(&req)) {
        Some(scope) => scope,
        None => infra::Actor::anonymous(req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default())
            .idempotency_scope(),
    };
    let limit = super::multipart::body_limit(req.path(), state.config.max_body_bytes);
    let body = match read_body(&mut req, limit).await {
        Ok(body) => body,
        Err(error) => return Ok(req.into_response(error.error_response())),
    };
    let idem = IdempotencyKey::for_request(
        key.clone(),
        req.method().as_str(),
        req.path(),
        req.query_string(),
        &body,
    )
    .with_retention(Duration::from_secs(state.config.idempotency_retention_secs));
    let kv = state.infra.kv();
    let id = record_key(&scope, &key);
    let (record, lock) = (format!("idem:resp:{id}"), format!("idem:lock:{id}"));

    let holder = infra::ids::new_id().to_string();
    let lock_ttl = Duration::from_secs(state.config.idempotency_lock_secs);
    match kv
        .begin_request(&record, &lock, holder.as_bytes(), lock_ttl)
        .await
    {
        Ok(Begun::Stored(bytes)) => match replay(&bytes, &idem) {
            Replay::Answer(response) => return Ok(req.into_response(response)),
            Replay::Mismatch => return Ok(req.into_response(mismatch(&key))),
            Replay::None => {}
        },
        Ok(Begun::Locked) => {}
        Ok(Begun::Busy) => {
            let error = ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still running; retry after the Retry-After delay",
            )
            .with_retry_after(1);
            return Ok(req.into_response(error.error_response()));
        }
        // The kv store is down: the durable row still prevents a second execution.
        Err(e) => tracing::warn!(error = %e, "idempotency lock unavailable; relying on the durable key row"),
    }

    // The write helper marks the key when it answers from the durable row
    // (the kv record was lost): the answer is then marked as a replay.
    req.extensions_mut().insert(idem.clone());
    req.set_payload(Payload::from(body));
    let result = next.call(req).await;
    let (outcome, answer) = match result {
        Ok(response) => match finish(response.map_into_boxed_body(), &idem).await {
            Ok((response, answer)) => (Ok(response), answer),
            Err(e) => (Err(e), None),
        },
        Err(e) => (Err(e), None),
    };
    let ttl = Duration::from_secs(state.config.idempotency_retention_secs);
    if let Err(e) = kv
        .end_request(&record, answer.as_deref(), ttl, &lock, holder.as_bytes())
        .await
    {
        tracing::warn!(error = %e, "idempotent answer not stored or lock not released in the kv store; the durable row still guards it, the lock expires by itself");
    }
    outcome
}

enum Replay {
    Answer(HttpResponse),
    Mismatch,
    None,
}

fn replay(found: &[u8], idem: &IdempotencyKey) -> Replay {
    let stored = serde_json::from_slice::<Stored>(found).ok();
    let Some(stored) = stored else { return Replay::None };
    if stored.fingerprint != idem.fingerprint {
        return Replay::Mismatch;
    }
    let mut response = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header((REPLAYED.clone(), HeaderValue::from_static("true")));
    Replay::Answer(response.body(STANDARD.decode(&stored.body).unwrap_or_default()))
}

fn mismatch(key: &str) -> HttpResponse {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        format!("idempotency key `{key}` was already used for a different request; send a new key for a new request"),
    )
    .error_response()
}

/// Captures the answer, keeps it for storing when storable, and marks durable replays.
async fn finish(
    response: ServiceResponse<BoxBody>,
    idem: &IdempotencyKey,
) -> Result<(ServiceResponse<BoxBody>, Option<Vec<u8>>), Error> {
    let status = response.status();
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let mut answer = None;
    if storable(status) {
        let headers = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                head.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| (name.to_string(), v.to_owned()))
            })
            .collect();
        let stored = Stored {
            fingerprint: idem.fingerprint.clone(),
            status: status.as_u16(),
            headers,
            body: STANDARD.encode(&bytes),
        };
        answer = serde_json::to_vec(&stored).ok();
    }
    let mut response = head.set_body(BoxBody::new(bytes));
    if idem.replayed.is_set() && status != StatusCode::UNPROCESSABLE_ENTITY {
        response
            .headers_mut()
            .insert(REPLAYED.clone(), HeaderValue::from_static("true"));
    }
    Ok((ServiceResponse::new(request, response), answer))
}
