//! The error answers of every operation, derived from what the operation is
//! (under `/api/v1`, authenticated, needing a capability, taking a body, a
//! query, path parameters, `If-Match` or `Idempotency-Key`) and from what the
//! middleware and extractors in `crate::http` answer for each. Every 4xx and
//! 5xx answer is `application/problem+json` with the [`Problem`] schema.
//!
//! [`Problem`]: crate::http::problem::Problem

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use super::params::{API_PREFIX, idempotent, operations_mut};
use crate::http::problem::PROBLEM_JSON;

/// Adds the error answers of every operation; see the module documentation.
pub struct ErrorAnswers;

impl utoipa::Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations_mut(item) {
                let facts = Facts::of(path, method, operation);
                for (status, causes) in facts.statuses() {
                    add(operation, status, &causes);
                }
                for (status, response) in operation.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else { continue };
                    if response.description.trim().is_empty() {
                        response.description = reason(status);
                    }
                    if status.starts_with('4') || status.starts_with('5') {
                        as_problem(status, response);
                    }
                }
            }
        }
    }
}

/// What an operation is, as far as its error answers go.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts {
    /// Under `/api/v1`: rate limited, reads the stores.
    pub api: bool,
    /// Takes an access token.
    pub authenticated: bool,
    /// Needs a capability (a scope of its security requirement).
    pub capability: bool,
    /// Reads a JSON body (`ApiJson`).
    pub body: bool,
    /// Reads query parameters (`ApiQuery`).
    pub query: bool,
    /// Reads `limit` and `cursor`.
    pub paged: bool,
    /// Names a resource in its path.
    pub item: bool,
    /// Reads `If-Match` (updates).
    pub if_match: bool,
    /// Handled by the idempotency middleware when `Idempotency-Key` is sent.
    pub idempotent: bool,
}

impl Facts {
    /// The facts of `operation`, served for `method` (lower case) on `path`.
    pub fn of(path: &str, method: &str, operation: &Operation) -> Self {
        let api = path.starts_with(API_PREFIX);
        let scopes: Vec<String> = operation
            .security
            .iter()
            .flatten()
            .filter_map(|s| serde_json::to_value(s).ok())
            .filter_map(|v| v.as_object().cloned())
            .flat_map(|o| {
                o.into_iter()
                    .flat_map(|(_, v)| v.as_array().cloned().unwrap_or_default())
            })
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let query: Vec<&str> = operation
            .parameters
            .iter()
            .flatten()
            .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
            .map(|p| p.name.as_str())
            .collect();
        Self {
            api,
            authenticated: operation.security.as_ref().is_some_and(|s| !s.is_empty()),
            capability: !scopes.is_empty(),
            body: operation
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json")),
            query: !query.is_empty(),
            paged: query.contains(&"limit"),
            item: path.contains('{'),
            if_match: api && method == "patch",
            idempotent: idempotent(path, method),
        }
    }

    /// Each status the operation can answer besides its own, with its causes.
    pub fn statuses(&self) -> BTreeMap<u16, Vec<&'static str>> {
        let mut out: BTreeMap<u16, Vec<&'static str>> = BTreeMap::new();
        let mut add = |status: u16, cause: &'static str| out.entry(status).or_default().push(cause);
        if self.api {
            add(
                429,
                "too many requests (`rate_limited`): wait the `Retry-After` seconds",
            );
            add(
                500,
                "an unexpected error (`internal_error`): quote the `X-Request-Id` header when reporting it",
            );
            add(
                503,
                "the database or the key-value store is busy or unreachable (`dependency_unavailable`): \
                 retry after `Retry-After`",
            );
        }
        if self.authenticated {
            add(
                401,
                "no access token, or one that is invalid, expired or revoked (`unauthenticated`, `invalid_token`)",
            );
        }
        if self.capability {
            add(
                403,
                "the caller lacks the capability named in `security`, or may not act on this resource (`forbidden`)",
            );
        }
        if self.body {
            add(
                400,
                "the body is not JSON or not of the expected shape (`malformed_body`; `errors` names the field)",
            );
            add(
                413,
                "the body is larger than MAX_BODY_BYTES (`payload_too_large`)",
            );
            add(
                415,
                "the body is not sent as `application/json` (`unsupported_media_type`)",
            );
            add(422, "a field breaks a rule (`errors` names each field)");
        }
        if self.query {
            add(
                400,
                "a query parameter is unknown or malformed (`malformed_query`)",
            );
        }
        if self.paged {
            add(
                422,
                "`limit` is not 1 to 200, or `cursor` is not one this API returned",
            );
        }
        if self.item && self.api {
            add(
                404,
                "no such resource, or not visible to the caller (`not_found`)",
            );
            add(
                400,
                "a path id is not a UUID (`malformed_path`; `errors` names the parameter)",
            );
        }
        if self.if_match {
            add(
                400,
                "`If-Match` is not a version ETag such as `\"3\"` (`malformed_header`)",
            );
            add(
                412,
                "`If-Match` or `version` names a version that is not the current one (`stale_version`)",
            );
        }
        if self.idempotent {
            add(
                400,
                "the `Idempotency-Key` header is malformed (`invalid_idempotency_key`)",
            );
            add(
                409,
                "a request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`): \
                 retry after `Retry-After`",
            );
            add(
                413,
                "the body is larger than MAX_BODY_BYTES (`payload_too_large`)",
            );
            add(
                422,
                "the `Idempotency-Key` was used for a different request (`idempotency_key_reused`)",
            );
        }
        for causes in out.values_mut() {
            causes.dedup();
        }
        out
    }
}

/// Adds `status` with `causes`, or appends the causes an existing answer does not name.
fn add(operation: &mut Operation, status: u16, causes: &[&str]) {
    let key = status.to_string();
    let text = causes.join("; or ");
    match operation.responses.responses.get_mut(&key) {
        Some(RefOr::T(response)) => {
            if response.description.is_empty() {
                response.description = capitalized(&text);
            } else if !response.description.contains(&text) {
                response.description =
                    format!("{}. Also: {text}", response.description.trim_end_matches('.'));
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            operation.responses.responses.insert(
                key,
                RefOr::T(ResponseBuilder::new().description(capitalized(&text)).build()),
            );
        }
    }
}

/// The reason phrase of `status`, for an answer described by nothing else.
fn reason(status: &str) -> String {
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Answer")
        .to_owned()
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Makes an error answer problem+json, with `Retry-After` where it is sent.
fn as_problem(status: &str, response: &mut Response) {
    let problem = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    response.content.retain(|media, _| media == PROBLEM_JSON);
    response.content.insert(PROBLEM_JSON.to_owned(), problem);
    if matches!(status, "409" | "429" | "503") {
        response
            .headers
            .entry("Retry-After".to_owned())
            .or_insert_with(|| {
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
                    .description(Some("Seconds to wait before retrying, when sent"))
                    .build()
            });
    }
}
