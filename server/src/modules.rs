//! The modules of the server. Each module has one entry (`routes/<module>/`)
//! that mounts its scope, adds its OpenAPI paths and tags, declares its
//! real-time areas, and registers its consumers and jobs; the application,
//! the OpenAPI document and the hub iterate [`MODULES`]. Adding a module is its
//! crate, its folder and one line here.

use std::sync::Arc;

use actix_web::web;

use crate::consumers::{Consumer, Handler};
use crate::jobs::Job;
use crate::realtime::Area;
use crate::state::AppState;

/// An event reader a module starts with the server.
#[derive(Clone)]
pub enum Reader {
    /// Applied once per event through the inbox.
    Consumer(Arc<dyn Consumer>),
    /// Handled outside the database (handling twice must be harmless).
    Handler(Arc<dyn Handler>),
}

/// One module's entry: plain data and function pointers, so the list is a constant.
#[derive(Clone, Copy)]
pub struct Module {
    /// Its name, for logs.
    pub name: &'static str,
    /// Its routes at the root, outside `/api/v1` (operational endpoints only).
    pub root: fn(&mut web::ServiceConfig),
    /// Its scope under `/api/v1` (behind the token, rate-limit and idempotency middleware).
    pub api: fn(&mut web::ServiceConfig),
    /// Its OpenAPI paths, schemas and tags, merged into the base document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    /// Its real-time areas.
    pub areas: &'static [Area],
    /// Its event readers, started once per instance.
    pub readers: fn(&AppState) -> Vec<Reader>,
    /// Its scheduled jobs (run by the leader instance), built over the state.
    pub jobs: fn(&AppState) -> Vec<Job>,
}

fn no_routes(_: &mut web::ServiceConfig) {}

fn no_paths() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}

fn no_readers(_: &AppState) -> Vec<Reader> {
    Vec::new()
}

fn no_jobs(_: &AppState) -> Vec<Job> {
    Vec::new()
}

impl Module {
    /// A module named `name` with nothing yet; fill the fields it has with
    /// struct update syntax (`Module { api: configure, ..Module::new("x") }`).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            root: no_routes,
            api: no_routes,
            openapi: no_paths,
            areas: &[],
            readers: no_readers,
            jobs: no_jobs,
        }
    }
}

/// Every module of the server, in mounting order.
pub const MODULES: &[Module] = &[
    crate::routes::operations::MODULE,
    crate::routes::auth::MODULE,
    crate::routes::settings::MODULE,
    crate::routes::partners::MODULE,
    crate::routes::risk::MODULE,
    crate::routes::trade_desk::MODULE,
    crate::routes::realtime::MODULE,
];

/// The real-time areas of `modules`.
pub fn areas(modules: &[Module]) -> crate::realtime::Areas {
    crate::realtime::Areas::new(modules.iter().flat_map(|m| m.areas.iter()))
}

/// The jobs of `modules` over `state`.
pub fn jobs(modules: &[Module], state: &AppState) -> Vec<Job> {
    modules.iter().flat_map(|m| (m.jobs)(state)).collect()
}

/// Starts the event readers of `modules` over `state`.
pub fn start_readers(modules: &[Module], state: &AppState) {
    use crate::consumers::{ConsumerOptions, run, run_handler};
    for module in modules {
        for reader in (module.readers)(state) {
            let infra = state.infra.clone();
            tracing::debug!(module = module.name, "starting an event reader");
            match reader {
                Reader::Consumer(c) => tokio::spawn(run(infra, c, ConsumerOptions::default())),
                Reader::Handler(h) => tokio::spawn(run_handler(infra, h, ConsumerOptions::default())),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_holds_every_module_s_paths_and_tags() {
        let document = crate::openapi::document(MODULES);
        for path in [
            "/healthz",
            "/api/v1/admin/outbox/failed",
            "/api/v1/auth/login",
            "/api/v1/auth/sub-users/{user_id}",
            "/.well-known/jwks.json",
            "/api/v1/settings/organizations/{org_id}/gst-registrations",
            "/api/v1/settings/commodities/terms/trade-types/{term_id}",
            "/api/v1/partners/{partner_id}/capabilities",
            "/api/v1/trade-desk/requirements/{id}",
            "/api/v1/trade-desk/availabilities/{id}",
            "/api/v1/trade-desk/availabilities/{id}/similar",
            "/api/v1/trade-desk/validations/circular-trading",
            "/api/v1/risk/assessments/{id}",
            "/api/v1/risk/exposure",
            "/api/v1/risk/partners/{id}",
            "/api/v1/risk/partners/{id}/adjustments",
            "/api/v1/risk/partners/{id}/performance",
            "/api/v1/ws",
        ] {
            assert!(document.paths.paths.contains_key(path), "{path}");
        }
        let tags: Vec<String> = document.tags.iter().flatten().map(|t| t.name.clone()).collect();
        assert_eq!(
            tags,
            [
                "operations",
                "auth",
                "settings",
                "partners",
                "risk",
                "trade-desk",
                "realtime"
            ]
        );
        let schemes = document.components.as_ref().map(|c| c.security_schemes.len());
        assert_eq!(schemes, Some(2), "the bearer and onboarding schemes");
    }

    #[test]
    fn every_topic_and_channel_kind_has_one_area() {
        let areas = areas(MODULES);
        let mut topics = areas.topics();
        let count = topics.len();
        topics.sort_unstable();
        topics.dedup();
        assert_eq!(topics.len(), count, "one area per topic");
        assert!(areas.by_topic(crate::realtime::NOTIFICATION_TOPIC).is_some());
        assert!(
            areas.by_topic(partners::TOPIC).is_some(),
            "the partners module's area"
        );
        let alerts = areas.named(risk::ALERTS_CHANNEL).map(|(area, _)| area.topic);
        assert_eq!(alerts, Some(risk::TOPIC), "the risk module's alerts");
        let listings = areas
            .stream("commodity", "availabilities")
            .map(|(area, _)| area.topic);
        assert_eq!(
            listings,
            Some(trade_desk::AVAILABILITY_TOPIC),
            "the trade desk's listings"
        );
    }
}
