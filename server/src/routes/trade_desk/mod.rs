//! The trade desk module: buyer requirements under
//! `/api/v1/trade-desk/requirements` (their search, demand statistics and
//! history too), their expiry job, and the real-time area
//! `requirement-events`.

pub mod requirement_reads;
pub mod requirements;

use actix_web::web;
use utoipa::OpenApi;

use crate::jobs::Job;
use crate::modules::Module;
use crate::realtime::{Area, Scope, SubStream};
use crate::state::AppState;

/// The entry of the trade desk module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    jobs,
    areas: AREAS,
    ..Module::new("trade-desk")
};

/// Requirements are listings: channels `requirement:{id}` and
/// `commodity:{id}:requirements`; each event reaches the partners the
/// requirement is visible to (its audience, see
/// `trade_desk::requirements::audience`) and staff with REQUIREMENT_READ.
const AREAS: &[Area] = &[Area::new(
    trade_desk::REQUIREMENT_TOPIC,
    &["requirement"],
    trade_desk::REQUIREMENT_READ,
    Scope::Listing,
)
.with_streams(&[SubStream {
    parent: "commodity",
    key: "commodity_id",
    name: "requirements",
}])];

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
    let mut document = <requirements::RequirementsDoc as OpenApi>::openapi();
    document.merge(<requirement_reads::RequirementReadsDoc as OpenApi>::openapi());
    document
}

/// Registers the trade desk routes under `/api/v1/trade-desk`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/trade-desk")
            .configure(requirement_reads::configure)
            .configure(requirements::configure),
    );
}
