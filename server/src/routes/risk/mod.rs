//! The risk module: assessments and validations under `/api/v1/risk`.

pub mod assessments;
pub mod validations;

use actix_web::web;

use crate::modules::Module;

/// The entry of the risk module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    ..Module::new("risk")
};

/// The risk paths.
fn openapi() -> utoipa::openapi::OpenApi {
    assessments::rules_openapi()
}

/// Registers the risk routes under `/api/v1/risk`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/risk").configure(assessments::rules_routes));
}
