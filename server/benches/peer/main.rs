//! `just bench`, part three: the Rust server against a small FastAPI service
//! (`benches/peer/`) doing the same work on the same routes, both on the same
//! scratch PostgreSQL database and the same Redis, driven by `wrk` in
//! alternating rounds:
//!
//! - a cached `GET /api/v1/settings/organizations/{id}` (goal: rust at least 2x the peer's requests/s);
//! - an idempotent create `POST /api/v1/settings/organizations` with a fresh
//!   `Idempotency-Key` per request (goal: at least 1.5x).
//!
//! Besides requests/s and the p50/p99 latency it counts the work behind each
//! request: Redis commands (`INFO commandstats`) and SQL statements
//! (`pg_stat_statements`), totals over each round (background work included)
//! divided by the requests wrk reported. Prints a markdown table for
//! docs/performance.md.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

mod python;
mod report;
mod stats;
mod wrk;

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use infra::{AppInfra, InfraConfig};
use report::{Measurement, Round, Side};
use serde_json::{Value, json};
use server::app::Application;
use server::config::Config;

const PASSWORD: &str = "correct horse battery";
/// Seconds of the warm-up on each server, and of each measured round.
const WARM_UP_SECS: u64 = 5;
const ROUND_SECS: u64 = 10;
/// The order of the measured rounds: each server goes first as often as last.
const ORDER: [Side; 6] = [
    Side::Rust,
    Side::Peer,
    Side::Peer,
    Side::Rust,
    Side::Rust,
    Side::Peer,
];
/// Left after each round before the counters are read, so work a server
/// finishes after answering (the relay publishing the outbox) is its own.
const SETTLE: Duration = Duration::from_secs(2);

/// The two servers under test.
struct Servers {
    rust: String,
    peer: String,
}

impl Servers {
    fn base(&self, side: Side) -> &str {
        match side {
            Side::Rust => &self.rust,
            Side::Peer => &self.peer,
        }
    }
}

/// The `iss` claim of a JWT (its payload read without verification).
fn issuer(token: &str) -> String {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .unwrap();
    let claims: Value = serde_json::from_slice(&bytes).unwrap();
    claims["iss"].as_str().expect("an iss claim").to_owned()
}

/// Creates one organization through `base` and reads it once (so it is
/// cached); answers its id.
async fn seed_organization(client: &reqwest::Client, base: &str, token: &str, tag: &str) -> String {
    let name = format!("Bench Seed {tag} {}", uuid::Uuid::now_v7().simple());
    let answer = client
        .post(format!("{base}/api/v1/settings/organizations"))
        .bearer_auth(token)
        .header("idempotency-key", format!("seed-{tag}-{}", uuid::Uuid::now_v7()))
        .json(&json!({"name": name, "legal_name": format!("{name} Pvt Ltd")}))
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap();
    assert_eq!(status.as_u16(), 201, "create through {base}: {body}");
    let id = body["id"].as_str().expect("an id").to_owned();
    let read = client
        .get(format!("{base}/api/v1/settings/organizations/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200, "read through {base}");
    id
}

/// A run-unique nonce for one wrk invocation (organization names and keys).
fn nonce() -> String {
    uuid::Uuid::now_v7().simple().to_string()[16..].to_owned()
}

/// Warm-up on each server, then the rounds of [`ORDER`], each with the counters read around it.
async fn measure(
    name: &'static str,
    goal: f64,
    wrk_bin: &Path,
    script: &Path,
    url: impl Fn(Side) -> String,
    counters: &mut stats::Counters,
) -> Measurement {
    println!("{name}:");
    for side in [Side::Rust, Side::Peer] {
        let warm = wrk::run(wrk_bin, &url(side), script, WARM_UP_SECS, &nonce()).await;
        println!(
            "  warm-up {}: {:.1} req/s{}",
            side.name(),
            warm.requests_per_sec,
            if warm.valid() {
                String::new()
            } else {
                format!(
                    " INVALID: {} non-2xx ({})",
                    warm.non_2xx,
                    warm.first_error.as_deref().unwrap_or("-")
                )
            }
        );
    }
    let mut rounds = Vec::new();
    for (index, side) in ORDER.into_iter().enumerate() {
        let before = counters.snapshot().await;
        let result = wrk::run(wrk_bin, &url(side), script, ROUND_SECS, &nonce()).await;
        tokio::time::sleep(SETTLE).await;
        let after = counters.snapshot().await;
        let round = Round {
            side,
            wrk: result,
            delta: before.delta(&after),
        };
        report::round_line(name, index + 1, &round);
        rounds.push(round);
    }
    Measurement { name, goal, rounds }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let wrk_bin = wrk::ensure_installed();
    stats::ensure_pg_stat_statements().await;
    let venv = python::venv();

    let database = ScratchDatabase::create()
        .await
        .expect("PostgreSQL and Redis must be running (just services-up)");
    let prefix = ScratchPrefix::new();
    let peer_prefix = ScratchPrefix::new();
    let mut config = InfraConfig::postgres_redis(&database.url, redis_url());
    config.key_prefix = prefix.prefix.clone();
    let infra = AppInfra::connect(&config).await.unwrap();
    infra.migrate().await.unwrap();
    user_auth::AccountService::new(infra.clone(), user_auth::AuthConfig::default())
        .create_super_admin("bench@example.com", PASSWORD, "Bench")
        .await
        .unwrap();

    let server_config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 2,
        rate_limit_tiers: "ADMIN=100000000/10000000".into(),
        ..Config::default()
    };
    let app = Application::with_infra(server_config, infra.clone())
        .await
        .unwrap();
    let rust = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::new();
    let pair: Value = client
        .post(format!("{rust}/api/v1/auth/login"))
        .json(&json!({"email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = pair["access_token"].as_str().expect("an access token").to_owned();
    let iss = issuer(&token);

    // Dropped before `database` (declared later): the peer's connections go first.
    let peer = python::Peer::start(
        &venv,
        &python::Settings {
            database_url: &database.url,
            redis_url: &redis_url(),
            key_prefix: &peer_prefix.prefix,
            jwks_url: &format!("{rust}/.well-known/jwks.json"),
            issuer: &iss,
        },
    )
    .await;
    let servers = Servers {
        rust,
        peer: peer.base.clone(),
    };
    println!(
        "rust server {} (2 workers), peer {} (uvicorn, 2 workers), issuer {iss}",
        servers.rust, servers.peer
    );

    let mut counters = stats::Counters::connect(&database.url).await;
    let rust_org = seed_organization(&client, &servers.rust, &token, "rust").await;
    let peer_org = seed_organization(&client, &servers.peer, &token, "peer").await;
    let scripts = tempfile::tempdir().unwrap();
    let (get_script, create_script) = wrk::write_scripts(scripts.path(), &token);

    let get = measure(
        "cached GET organization",
        2.0,
        &wrk_bin,
        &get_script,
        |side| {
            let id = if side == Side::Rust { &rust_org } else { &peer_org };
            format!("{}/api/v1/settings/organizations/{id}", servers.base(side))
        },
        &mut counters,
    )
    .await;
    let create = measure(
        "idempotent create organization",
        1.5,
        &wrk_bin,
        &create_script,
        |side| format!("{}/api/v1/settings/organizations", servers.base(side)),
        &mut counters,
    )
    .await;

    println!(
        "\nwrk -t 2 -c 8, {ROUND_SECS} s rounds, median of 3 per server (alternating, after a {WARM_UP_SECS} s warm-up of each);"
    );
    println!("work per request = totals over the 3 rounds (background work included) / requests:\n");
    println!("{}", report::tables(&[get, create]));
    drop(peer);
}
