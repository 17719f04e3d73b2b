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
    /// Its scheduled jobs (run by the leader instance).
    pub jobs: fn() -> Vec<Job>,
}

fn no_routes(_: &mut web::ServiceConfig) {}

fn no_paths() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}

fn no_readers(_: &AppState) -> Vec<Reader> {
    Vec::new()
}

fn no_jobs() -> Vec<Job> {
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
    crate::routes::realtime::MODULE,
];

/// The real-time areas of `modules`.
pub fn areas(modules: &[Module]) -> crate::realtime::Areas {
    crate::realtime::Areas::new(modules.iter().flat_map(|m| m.areas.iter()))
}

/// The jobs of `modules`.
pub fn jobs(modules: &[Module]) -> Vec<Job> {
    modules.iter().flat_map(|m| (m.jobs)()).collect()
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
