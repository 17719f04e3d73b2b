//! The risk module under `/api/v1/risk`: the exposure ledger's adjustments,
//! the performance record, the exposure monitor, assessments and
//! validations; its real-time area `risk-events` with the named channel
//! `risk:alerts`.

pub mod assessments;
pub mod exposure;
pub mod monitor;
pub mod performance;
pub mod validations;

use actix_web::web;
use risk::LedgerService;
use utoipa::OpenApi;

use crate::modules::Module;
use crate::realtime::{Area, Named, Scope};

/// The entry of the risk module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    areas: AREAS,
    ..Module::new("risk")
};

/// Risk is platform-wide: staff with RISK_READ see every event, a partner's
/// users those of their own partner; `risk:alerts` carries the band changes
/// upward of the exposure monitor.
const AREAS: &[Area] = &[Area::new(
    risk::TOPIC,
    &[
        risk::events::EXPOSURE_AGGREGATE,
        risk::events::PERFORMANCE_AGGREGATE,
        risk::assessments::AGGREGATE,
    ],
    risk::RISK_READ,
    Scope::Platform,
)
.with_named(&[Named {
    name: risk::ALERTS_CHANNEL,
    events: &[risk::events::EXPOSURE_BAND_CHANGED],
}])];

/// The ledger service of `state`.
pub fn ledger(state: &crate::state::AppState) -> &LedgerService<infra::AppInfra> {
    &state.ledger
}

/// The risk paths.
fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = <monitor::MonitorDoc as OpenApi>::openapi();
    document.merge(<exposure::ExposureDoc as OpenApi>::openapi());
    document.merge(<performance::PerformanceDoc as OpenApi>::openapi());
    document.merge(assessments::rules_openapi());
    document
}

/// Registers the risk routes under `/api/v1/risk`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/risk")
            .configure(monitor::configure)
            .configure(exposure::configure)
            .configure(performance::configure)
            .configure(assessments::rules_routes),
    );
}
