//! Route registration: operational routes at the root, modules under `/api/v1`.

pub mod admin;
pub mod auth;
pub mod health;
pub mod metrics;
pub mod settings;
pub mod ws;

use actix_web::middleware::from_fn;
use actix_web::web;

/// Registers every route of the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(web::resource("/.well-known/jwks.json").route(web::get().to(auth::jwks)))
        .service(web::redirect("/docs", "/docs/"))
        .service(crate::openapi::docs())
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(crate::http::idempotency::idempotency))
                .wrap(from_fn(crate::http::rate_limit::limit_by_user))
                .wrap(from_fn(crate::http::auth::require_token))
                .wrap(from_fn(crate::http::rate_limit::limit_by_address))
                .configure(auth::configure)
                .configure(admin::configure)
                .configure(settings::configure)
                .configure(ws::configure),
        );
}
