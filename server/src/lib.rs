//! The HTTP server of the commodity trading platform: configuration, the actix
//! application (one entry per module, [`modules::MODULES`], each with its
//! scope under `/api/v1`), problem+json errors,
//! request ids, metrics, OpenAPI docs, and the command-line tools.
//!
//! Tests and `main` build the server the same way, through [`app::Application`].

pub mod app;
pub mod cli;
pub mod config;
pub mod consumers;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod modules;
pub mod openapi;
pub mod realtime;
pub mod relay;
pub mod routes;
pub mod state;
pub mod telemetry;
