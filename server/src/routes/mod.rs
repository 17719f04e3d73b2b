//! Route registration: operational routes at the root, modules under `/api/v1`.

pub mod health;
pub mod metrics;

use actix_web::web;

/// Registers every route of the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(web::redirect("/docs", "/docs/"))
        .service(crate::openapi::docs())
        .service(web::scope("/api/v1"));
}
