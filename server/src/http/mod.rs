//! HTTP plumbing shared by every route: errors as problem+json, the JSON body
//! extractor, and the request context middleware.

pub mod applicant;
pub mod auth;
pub mod client_ip;
pub mod context;
pub mod etag;
pub mod idempotency;
pub mod json;
pub mod multipart;
pub mod problem;
pub mod query;
pub mod rate_limit;
