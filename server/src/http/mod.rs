//! HTTP plumbing shared by every route: errors as problem+json, the JSON body
//! extractor, and the request context middleware.

pub mod context;
pub mod json;
pub mod problem;
