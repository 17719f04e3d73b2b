//! The operations module: liveness, readiness and metrics at the root, the
//! outbox administration under `/api/v1/admin`, and the platform's own jobs.

pub mod admin;
pub mod health;
pub mod metrics;

use actix_web::web;
use utoipa::OpenApi;

use crate::modules::Module;

/// The entry of the operations module.
pub const MODULE: Module = Module {
    root,
    api: admin::configure,
    openapi: <Doc as OpenApi>::openapi,
    jobs: crate::jobs::registry,
    ..Module::new("operations")
};

/// Registers the operational routes at the root.
fn root(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)));
}

/// The operations paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        health::healthz, health::readyz, metrics::metrics,
        admin::failed, admin::requeue, admin::discard,
    ),
    tags((name = "operations", description = "Health, readiness and metrics")),
)]
struct Doc;
