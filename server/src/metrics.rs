//! Prometheus metrics: requests and latency by route pattern and status, and
//! connection pool gauges read at scrape time.

use std::time::Duration;

use infra::{AppInfra, Infra};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::DbBackend;

/// The server's metric families.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    rejections: IntCounterVec,
    store_errors: IntCounterVec,
    outbox: IntGaugeVec,
    sockets: prometheus::IntGauge,
}

impl Metrics {
    /// Registers every family.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by method, route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer HTTP requests, by method and route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "pool_connections",
                "Connections of the database and Redis pools, by pool and state",
            ),
            &["pool", "state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        let rejections = IntCounterVec::new(
            Opts::new(
                "rate_limit_rejections_total",
                "Requests refused with 429, by policy",
            ),
            &["policy"],
        )?;
        let store_errors = IntCounterVec::new(
            Opts::new(
                "rate_limit_store_errors_total",
                "Rate-limit checks without a reachable store, by outcome (open: let through, closed: refused)",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(rejections.clone()))?;
        registry.register(Box::new(store_errors.clone()))?;
        let outbox = IntGaugeVec::new(
            Opts::new(
                "outbox_events",
                "Outbox rows by status (pending, failed), and the oldest pending row's age in seconds (oldest_pending_seconds)",
            ),
            &["status"],
        )?;
        registry.register(Box::new(outbox.clone()))?;
        let sockets = prometheus::IntGauge::new("websocket_connections", "Open WebSockets on this instance")?;
        registry.register(Box::new(sockets.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            rejections,
            store_errors,
            outbox,
            sockets,
        })
    }

    /// Records the open WebSockets for this scrape.
    pub fn set_sockets(&self, open: usize) {
        self.sockets.set(i64::try_from(open).unwrap_or(i64::MAX));
    }

    /// Counts one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Records the outbox counts read for this scrape.
    pub fn set_outbox(&self, stats: infra::outbox_admin::OutboxStats) {
        self.outbox
            .with_label_values(&["pending"])
            .set(i64::try_from(stats.pending).unwrap_or(i64::MAX));
        self.outbox
            .with_label_values(&["failed"])
            .set(i64::try_from(stats.failed).unwrap_or(i64::MAX));
        self.outbox
            .with_label_values(&["oldest_pending_seconds"])
            .set(stats.oldest_pending_secs);
    }

    /// Counts a 429 under `policy`.
    pub fn rate_limited(&self, policy: &str) {
        self.rejections.with_label_values(&[policy]).inc();
    }

    /// Counts a rate-limit check that could not reach the store.
    pub fn rate_limit_store_error(&self, outcome: &str) {
        self.store_errors.with_label_values(&[outcome]).inc();
    }

    /// The registry, for modules that add their own families.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every family in Prometheus text format, pool gauges read now.
    pub fn render(&self, infra: &AppInfra) -> String {
        self.read_pools(infra);
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        let mut text = String::from_utf8(out).unwrap_or_default();
        text.push_str(&cache_lines());
        text
    }

    fn read_pools(&self, infra: &AppInfra) {
        let db = infra.db();
        let (size, idle) = match infra.backend() {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        let idle = i64::try_from(idle).unwrap_or(0);
        self.pool.with_label_values(&["database", "idle"]).set(idle);
        self.pool
            .with_label_values(&["database", "in_use"])
            .set(i64::from(size) - idle);
        if let Some(redis) = infra.kv().as_redis() {
            // Multiplexed connections are shared, never checked out: open or not yet (re)opened.
            let (open, configured) = redis.pool_status();
            self.pool
                .with_label_values(&["redis", "open"])
                .set(i64::try_from(open).unwrap_or(0));
            self.pool
                .with_label_values(&["redis", "closed"])
                .set(i64::try_from(configured.saturating_sub(open)).unwrap_or(0));
        }
    }
}

/// The cache counters of this process (`infra::cache::stats`) in Prometheus text.
fn cache_lines() -> String {
    use std::fmt::Write;
    use std::sync::atomic::Ordering;
    let stats = infra::cache::stats();
    if stats.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "# HELP cache_requests_total Cache lookups by cache and outcome (hit, miss, error, stale_refused)\n# TYPE cache_requests_total counter\n",
    );
    for (name, s) in stats {
        for (outcome, value) in [
            ("hit", &s.hits),
            ("miss", &s.misses),
            ("error", &s.errors),
            ("stale_refused", &s.stale_refused),
        ] {
            let _ = writeln!(
                text,
                "cache_requests_total{{cache=\"{name}\",outcome=\"{outcome}\"}} {}",
                value.load(Ordering::Relaxed)
            );
        }
    }
    text
}
