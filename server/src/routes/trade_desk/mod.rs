//! The trade desk module: buyer requirements under
//! `/api/v1/trade-desk/requirements`, and their expiry job.

pub mod requirements;

use actix_web::web;
use utoipa::OpenApi;

use crate::jobs::Job;
use crate::modules::Module;
use crate::state::AppState;

/// The entry of the trade desk module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    jobs,
    ..Module::new("trade-desk")
};

/// Requirements past their validity expire within five minutes.
fn jobs(state: &AppState) -> Vec<Job> {
    let state = state.clone();
    vec![Job::every(
        "trade_desk.requirement_expiry",
        std::time::Duration::from_secs(300),
        move |_| {
            let state = state.clone();
            Box::pin(async move { requirements::expire(&state).await })
        },
    )]
}

/// The trade desk paths.
fn openapi() -> utoipa::openapi::OpenApi {
    <requirements::RequirementsDoc as OpenApi>::openapi()
}

/// Registers the trade desk routes under `/api/v1/trade-desk`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/trade-desk").configure(requirements::configure));
}
