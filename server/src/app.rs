//! The application factory shared by `main` and the tests.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{NormalizePath, TrailingSlash, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use infra::AppInfra;

use crate::config::Config;
use crate::http::{context, problem::ApiError};
use crate::modules::{MODULES, Module};
use crate::state::AppState;

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    infra: AppInfra,
    jobs: Vec<crate::jobs::Job>,
}

impl Application {
    /// Connects to what `config` names, migrates, and binds.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let infra = AppInfra::connect(&config.infra())
            .await
            .context("cannot connect to the database or Redis")?;
        infra
            .migrate()
            .await
            .context("cannot apply database migrations")?;
        Self::with_infra(config, infra).await
    }

    /// Binds a server of [`MODULES`] over an infrastructure bundle already
    /// connected and migrated.
    pub async fn with_infra(config: Config, infra: AppInfra) -> anyhow::Result<Self> {
        Self::with_modules(config, infra, MODULES.to_vec()).await
    }

    /// Binds a server of `modules` (their routes, OpenAPI paths, real-time
    /// areas and event readers) over an infrastructure bundle already
    /// connected and migrated.
    pub async fn with_modules(config: Config, infra: AppInfra, modules: Vec<Module>) -> anyhow::Result<Self> {
        Self::assemble(config, infra, modules, None).await
    }

    /// Binds a server of [`MODULES`] that sends one-time codes through
    /// `sender` (an SMS gateway; tests read the codes this way).
    pub async fn with_otp_sender(
        config: Config,
        infra: AppInfra,
        sender: Arc<dyn user_auth::otp::OtpSender>,
    ) -> anyhow::Result<Self> {
        Self::assemble(config, infra, MODULES.to_vec(), Some(sender)).await
    }

    async fn assemble(
        config: Config,
        infra: AppInfra,
        modules: Vec<Module>,
        sender: Option<Arc<dyn user_auth::otp::OtpSender>>,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.bind_addr)
            .with_context(|| format!("cannot listen on {}", config.bind_addr))?;
        let port = listener.local_addr()?.port();
        let state = AppState::new(config.clone(), infra.clone(), crate::modules::areas(&modules))
            .await
            .context("cannot load the token signing keys")?;
        let state = match sender {
            Some(sender) => AppState {
                auth: state.auth.clone().with_otp_sender(sender),
                ..state
            },
            None => state,
        };
        crate::realtime::start(&state.hub);
        crate::modules::start_readers(&modules, &state);
        let document = crate::openapi::document(&modules);
        let jobs = crate::modules::jobs(&modules, &state);
        let modules: Arc<[Module]> = modules.into();
        let max_body = config.max_body_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::JsonConfig::default().limit(max_body).error_handler(|e, _| {
                    ApiError::malformed("malformed_body", e.to_string(), Vec::new()).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::malformed("malformed_query", e.to_string(), Vec::new()).into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|e, req| ApiError::malformed_path(e.to_string(), req).into()),
                )
                .configure(|cfg| crate::routes::configure(cfg, &modules, document.clone()))
                .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
                .wrap(from_fn(context::request_context))
        })
        .listen(listener)?
        .shutdown_timeout(config.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_secs(30));
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Self {
            server: server.run(),
            port,
            infra,
            jobs,
        })
    }

    /// The port the server listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The scheduled jobs of its modules (the runner is started apart:
    /// `server::jobs::run`).
    pub fn take_jobs(&mut self) -> Vec<crate::jobs::Job> {
        std::mem::take(&mut self.jobs)
    }

    /// The infrastructure the server runs on.
    pub fn infra(&self) -> &AppInfra {
        &self.infra
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
