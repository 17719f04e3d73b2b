//! `ApiQuery<T>`: a query-string extractor whose errors are problem+json naming
//! the offending parameter (400 `malformed_query`).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use infra::FieldError;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// Query parameters of type `T`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

/// `?limit=` and `?cursor=` of a list that takes nothing else.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

impl PageQuery {
    /// The validated page request.
    pub fn request(&self) -> Result<infra::PageRequest, ApiError> {
        infra::PageRequest::parse(self.limit, self.cursor.as_deref()).map_err(ApiError::from)
    }
}

/// Reads `query`, naming the parameter at fault on failure.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() {
            "query".to_owned()
        } else {
            path
        };
        let message = e.into_inner().to_string();
        ApiError::malformed(
            "malformed_query",
            format!("the query string is not valid: {message}"),
            vec![FieldError::new(field, message)],
        )
    })
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(ApiQuery))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Q {
        active: Option<bool>,
        limit: Option<i64>,
    }

    #[test]
    fn names_the_parameter() {
        let ok: Q = parse("active=true&limit=5").unwrap();
        assert_eq!((ok.active, ok.limit), (Some(true), Some(5)));
        let err = parse::<Q>("limit=many").unwrap_err().problem();
        assert_eq!(err.status, 400);
        assert_eq!(err.errors[0].field, "limit");
        let unknown = parse::<Q>("colour=red").unwrap_err().problem();
        assert!(
            unknown.errors[0].message.contains("colour"),
            "{:?}",
            unknown.errors
        );
    }
}
