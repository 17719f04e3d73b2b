//! Route registration: each module's folder (`routes/<module>/`) holds its
//! entry ([`crate::modules::Module`]); operational routes sit at the root,
//! module scopes under `/api/v1`.

pub mod auth;
pub mod children;
pub mod operations;
pub mod partners;
pub mod realtime;
pub mod risk;
pub mod settings;
pub mod trade_desk;

use actix_web::middleware::from_fn;
use actix_web::web;

use crate::modules::Module;

/// Registers every route of `modules`, and the docs of `document`.
pub fn configure(cfg: &mut web::ServiceConfig, modules: &[Module], document: utoipa::openapi::OpenApi) {
    for module in modules {
        (module.root)(cfg);
    }
    cfg.service(web::redirect("/docs", "/docs/"))
        .service(crate::openapi::docs(document));
    let mut api = web::scope("/api/v1")
        .wrap(from_fn(crate::http::idempotency::idempotency))
        .wrap(from_fn(crate::http::rate_limit::limit_by_user))
        .wrap(from_fn(crate::http::auth::require_token))
        .wrap(from_fn(crate::http::rate_limit::limit_by_address));
    for module in modules {
        api = api.configure(module.api);
    }
    cfg.service(api);
}
