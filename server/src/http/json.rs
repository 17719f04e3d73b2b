//! `ApiJson<T>`: a JSON body extractor whose errors are problem+json naming the
//! offending field (through `serde_path_to_error`): 400 for bad JSON or wrong
//! types, 413 for bodies over `MAX_BODY_BYTES`, 415 for another media type.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use infra::FieldError;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type.as_deref().is_some_and(is_json) {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with Content-Type: application/json",
                ));
            }
            let bytes = body.await.map_err(|e| {
                let status = e.as_response_error().status_code();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        status,
                        "payload_too_large",
                        "the body is larger than this API accepts (MAX_BODY_BYTES)",
                    )
                } else {
                    ApiError::malformed(
                        "malformed_body",
                        format!("the body could not be read: {e}"),
                        Vec::new(),
                    )
                }
            })?;
            parse(&bytes).map(ApiJson)
        })
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserializes `bytes`, naming the field at fault on failure.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        let detail = if inner.is_syntax() || inner.is_eof() {
            "the body is not valid JSON"
        } else {
            "the body does not have the expected shape"
        };
        ApiError::malformed(
            "malformed_body",
            detail,
            vec![FieldError::new(field, inner.to_string())],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;
    use actix_web::test::TestRequest;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        address: Address,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Address {
        pincode: u32,
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = parse::<Input>(br#"{"name": "x", "address": {"pincode": "abc"}}"#).unwrap_err();
        let problem = err.problem();
        assert_eq!(problem.status, 400);
        assert_eq!(problem.errors[0].field, "address.pincode");
        let err = parse::<Input>(b"{not json").unwrap_err();
        assert_eq!(err.problem().detail, "the body is not valid JSON");
    }

    #[actix_web::test]
    async fn media_type_and_size_are_checked() {
        let (req, mut payload) = TestRequest::post()
            .insert_header((CONTENT_TYPE, "text/plain"))
            .set_payload("{}")
            .to_http_parts();
        let err = ApiJson::<serde_json::Value>::from_request(&req, &mut payload)
            .await
            .unwrap_err();
        assert_eq!(err.status_code(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let (req, mut payload) = TestRequest::post()
            .insert_header((CONTENT_TYPE, "application/json"))
            .app_data(web::PayloadConfig::new(8))
            .set_payload(r#"{"name": "far too long"}"#)
            .to_http_parts();
        let err = ApiJson::<serde_json::Value>::from_request(&req, &mut payload)
            .await
            .unwrap_err();
        assert_eq!(err.status_code(), StatusCode::PAYLOAD_TOO_LARGE);

        let (req, mut payload) = TestRequest::post()
            .insert_header((CONTENT_TYPE, "application/merge-patch+json"))
            .set_payload(r#"{"a": 1}"#)
            .to_http_parts();
        assert!(
            ApiJson::<serde_json::Value>::from_request(&req, &mut payload)
                .await
                .is_ok()
        );
    }
}
