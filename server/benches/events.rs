//! `just bench` (events): event delivery on PostgreSQL + Redis, as ratios and
//! percentiles measured in this one run.
//!
//! - Relay throughput: a backlog of outbox rows drained by `relay_once`,
//!   against `redis-benchmark` appending the same entries with `XADD` at the
//!   same pipeline depth (the relay's pass size) on the same server.
//! - Commit-to-consumer lag: organizations created at a steady rate; each
//!   event's lag from the end of its commit to its arrival at a consumer-group
//!   reader of the stream, through the running relay.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use infra::outbox::entity::{ActiveModel, Entity};
use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use infra::{Actor, AppInfra, Infra, InfraConfig, InfraError};
use sea_orm::{EntityTrait, Set};
use server::consumers::{ConsumerOptions, Delivered, Handler, run_handler};
use settings::organizations::{CreateOrganization, OrganizationService};

/// Rows per relay pass, also the baseline's pipeline depth.
const PIPELINE: usize = server::relay::BATCH as usize;
const BACKLOG: usize = 20_000;
const RATE_PER_SEC: u64 = 100;
const LAG_EVENTS: usize = 1_000;

fn payload() -> serde_json::Value {
    serde_json::json!({"organization": {"name": "Bench Cotton Traders", "legal_name": "Bench Cotton Traders Private Limited",
        "base_currency": "INR", "is_active": true, "version": 1}})
}

async fn fill_backlog(infra: &AppInfra) {
    let now = chrono::Utc::now();
    let rows: Vec<ActiveModel> = (0..BACKLOG)
        .map(|i| ActiveModel {
            id: Set(infra::ids::new_id()),
            aggregate_type: Set("organization".into()),
            aggregate_id: Set(format!("bench-{}", i % 500)),
            event_type: Set("OrganizationUpdated".into()),
            topic: Set("bench-events".into()),
            payload: Set(payload()),
            metadata: Set(serde_json::json!({"actor": "SYSTEM"})),
            idempotency_key: Set(None),
            version: Set(1),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            published_at: Set(None),
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        Entity::insert_many(chunk.to_vec())
            .exec(infra.db())
            .await
            .unwrap();
    }
    // Planner statistics as autovacuum keeps them on a live table; without them
    // PostgreSQL takes the fresh table for empty and sorts every pending row.
    use sea_orm::ConnectionTrait;
    infra
        .db()
        .execute_unprepared("ANALYZE outbox_events")
        .await
        .unwrap();
}

/// Events per second of the relay draining [`BACKLOG`] rows.
async fn relay_rate(infra: &AppInfra) -> f64 {
    fill_backlog(infra).await;
    let started = Instant::now();
    let mut published = 0;
    while published < BACKLOG {
        published += server::relay::relay_once(infra).await.unwrap();
    }
    BACKLOG as f64 / started.elapsed().as_secs_f64()
}

/// Requests per second of `redis-benchmark` appending entries of the relay's shape.
fn xadd_rate(key: &str) -> f64 {
    let id = infra::ids::new_id().to_string();
    let payload = payload().to_string();
    let created = chrono::Utc::now().to_rfc3339();
    let output = Command::new("redis-benchmark")
        // One connection, like the relay, at the relay's pipeline depth.
        .args([
            "-u",
            &redis_url(),
            "-c",
            "1",
            "-n",
            &BACKLOG.to_string(),
            "-P",
            &PIPELINE.to_string(),
            "-q",
            "--csv",
        ])
        .args(["XADD", key, "MINID", "~", "0", "*"])
        .args([
            "event_id",
            &id,
            "event_type",
            "OrganizationUpdated",
            "aggregate_type",
            "organization",
        ])
        .args(["aggregate_id", "bench-1", "version", "1", "payload", &payload])
        .args([
            "metadata",
            "{\"actor\":\"SYSTEM\"}",
            "idempotency_key",
            "",
            "created_at",
            &created,
        ])
        .output()
        .expect("redis-benchmark on the PATH (package redis-tools)");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    // "test","rps", then six latency columns; the test name itself holds quotes and commas.
    line.rsplit(',')
        .nth(6)
        .and_then(|v| v.trim_matches('"').parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "unreadable redis-benchmark output: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

/// Records when each organization's event reaches the consumer.
struct Arrivals(Arc<Mutex<HashMap<String, Instant>>>);

#[async_trait::async_trait]
impl Handler for Arrivals {
    fn name(&self) -> &'static str {
        "bench-lag"
    }
    fn topics(&self) -> Vec<&'static str> {
        vec!["organization-events"]
    }
    async fn handle(&self, _infra: &AppInfra, event: Delivered) -> Result<(), InfraError> {
        self.0.lock().unwrap().insert(event.aggregate_id, Instant::now());
        Ok(())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let database = ScratchDatabase::create()
        .await
        .expect("PostgreSQL and Redis must be running (just services-up)");
    let prefix = ScratchPrefix::new();
    let mut config = InfraConfig::postgres_redis(&database.url, redis_url());
    config.key_prefix = prefix.prefix.clone();
    let infra = AppInfra::connect(&config).await.unwrap();
    infra.migrate().await.unwrap();

    // 1. Throughput, best of three rounds each, alternating.
    let baseline_key = format!("{}bench:xadd", prefix.prefix);
    let (mut relay_best, mut xadd_best) = (0f64, 0f64);
    for _ in 0..3 {
        relay_best = relay_best.max(relay_rate(&infra).await);
        xadd_best = xadd_best.max(xadd_rate(&baseline_key));
    }

    // 2. Lag through the running relay and a consumer group.
    let arrivals = Arc::new(Mutex::new(HashMap::new()));
    tokio::spawn(server::relay::run(infra.clone(), Duration::from_secs(1)));
    tokio::spawn(run_handler(
        infra.clone(),
        Arc::new(Arrivals(arrivals.clone())),
        ConsumerOptions::default(),
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let orgs = OrganizationService::new(infra.clone());
    let mut committed = HashMap::new();
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SEC));
    for i in 0..LAG_EVENTS {
        ticks.tick().await;
        let input = CreateOrganization {
            name: format!("Lag Org {i}"),
            legal_name: format!("Lag Org {i} Ltd"),
            ..Default::default()
        };
        let id = orgs.create(&Actor::system(), input).await.unwrap().value.id;
        committed.insert(id.to_string(), Instant::now());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().unwrap().len() < LAG_EVENTS {
        assert!(Instant::now() < deadline, "not every event reached the consumer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrived = arrivals.lock().unwrap().clone();
    let mut lags: Vec<Duration> = committed
        .iter()
        .map(|(id, at)| arrived[id].saturating_duration_since(*at))
        .collect();
    lags.sort();

    let ratio = relay_best / xadd_best;
    println!("relay throughput (best of 3, {BACKLOG} events, pipeline depth {PIPELINE}):");
    println!("  relay_once draining the outbox      {relay_best:>10.0} events/s");
    println!("  redis-benchmark XADD, same entries  {xadd_best:>10.0} requests/s");
    println!("  ratio relay / XADD                  {ratio:>10.2}");
    println!("commit-to-consumer lag ({LAG_EVENTS} events at {RATE_PER_SEC}/s, relay woken by NOTIFY):");
    for (name, p) in [("p50", 0.50), ("p99", 0.99), ("max", 1.0)] {
        println!("  {name}  {:>8.2} ms", percentile(&lags, p).as_secs_f64() * 1e3);
    }
}
