//! What every handler can reach: the infrastructure, the configuration, the metrics.

use std::sync::Arc;

use infra::AppInfra;

use crate::config::Config;
use crate::metrics::Metrics;

/// Shared application state, one per server (cloned into each worker).
#[derive(Clone)]
pub struct AppState {
    /// The infrastructure bundle.
    pub infra: AppInfra,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// Prometheus metrics.
    pub metrics: Metrics,
}
