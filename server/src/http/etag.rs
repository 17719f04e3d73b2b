//! Versions on the wire: `ETag: "N"` on answers, `If-Match` on updates.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_MATCH, LOCATION};
use actix_web::{HttpRequest, HttpResponse};
use infra::Written;
use serde::Serialize;

use super::problem::ApiError;

/// An item answered with its version as the `ETag`.
pub trait Tagged: Serialize {
    /// The version the `ETag` names.
    fn version(&self) -> i64;
}

/// The version an `If-Match` header names (`"3"` or `W/"3"`), if sent.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get(IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let bare = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::malformed(
            "malformed_header",
            "If-Match must be the ETag of the resource, such as \"3\"",
            vec![infra::FieldError::new(
                "If-Match",
                "must be a quoted version number",
            )],
        )
    })
}

/// A JSON answer with `ETag` from `version`, and `Location` when given.
pub fn versioned<T: Serialize>(
    status: StatusCode,
    body: &T,
    version: i64,
    location: Option<String>,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, format!("\"{version}\"")));
    if let Some(location) = location {
        response.insert_header((LOCATION, location));
    }
    response.json(body)
}

/// `item` as JSON with its `ETag`, and `Location` when given.
pub fn tagged<T: Tagged>(status: StatusCode, item: &T, location: Option<String>) -> HttpResponse {
    versioned(status, item, item.version(), location)
}

/// 200 with the item `change` wrote (an update or a delete) and its `ETag`.
pub async fn changed<T: Tagged, E: Into<ApiError>>(
    change: impl Future<Output = Result<Written<T>, E>>,
) -> Result<HttpResponse, ApiError> {
    let item = change.await.map_err(Into::into)?.value;
    Ok(tagged(StatusCode::OK, &item, None))
}
