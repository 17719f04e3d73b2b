//! `just bench`: a load driver against the real server on PostgreSQL + Redis.
//! Every figure is a ratio of two measurements taken in this one run, so the
//! machine's speed cancels out:
//!
//! - replay of an idempotent create vs its first execution (goal: at least 5x cheaper);
//! - a GET through authentication, rate limiting and the idempotency layer vs the
//!   same GET with rate limiting and idempotency switched off by configuration
//!   (goal: at most 10 % overhead);
//! - a cached GET vs the same GET with the cache switched off (goal: at least 3x faster).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::time::{Duration, Instant};

use futures::StreamExt;
use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use infra::{AppInfra, InfraConfig};
use serde_json::{Value, json};
use server::app::Application;
use server::config::Config;

const CONCURRENCY: usize = 8;
const PASSWORD: &str = "correct horse battery";

struct Target {
    base: String,
    client: reqwest::Client,
}

async fn start(infra: AppInfra, config: Config) -> Target {
    let config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 1,
        ..config
    };
    let app = Application::with_infra(config, infra).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Target {
        base,
        client: reqwest::Client::new(),
    }
}

/// Sends `n` requests (`CONCURRENCY` at a time) and answers the mean wall time per request.
async fn run(n: usize, make: impl Fn(usize) -> reqwest::RequestBuilder) -> Duration {
    let started = Instant::now();
    let statuses: Vec<u16> = futures::stream::iter((0..n).map(|i| make(i).send()))
        .buffer_unordered(CONCURRENCY)
        .map(|r| r.unwrap().status().as_u16())
        .collect()
        .await;
    let elapsed = started.elapsed();
    assert!(
        statuses.iter().all(|s| *s < 300),
        "unexpected statuses: {:?}",
        statuses.iter().filter(|s| **s >= 300).take(5).collect::<Vec<_>>()
    );
    elapsed / n as u32
}

/// The best of `rounds` interleaved runs of `a` and `b`, after a warm-up of
/// each, alternating which goes first so neither gains from the order.
async fn compare(
    rounds: usize,
    n: usize,
    a: impl Fn(usize) -> reqwest::RequestBuilder,
    b: impl Fn(usize) -> reqwest::RequestBuilder,
) -> (Duration, Duration) {
    run(n / 5, &a).await;
    run(n / 5, &b).await;
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for round in 0..rounds {
        if round % 2 == 0 {
            best_a = best_a.min(run(n, &a).await);
            best_b = best_b.min(run(n, &b).await);
        } else {
            best_b = best_b.min(run(n, &b).await);
            best_a = best_a.min(run(n, &a).await);
        }
    }
    (best_a, best_b)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
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
    let uncached_infra = AppInfra::connect(&InfraConfig {
        cache_enabled: false,
        ..config.clone()
    })
    .await
    .unwrap();
    user_auth::AccountService::new(infra.clone(), user_auth::AuthConfig::default())
        .create_super_admin("bench@example.com", PASSWORD, "Bench")
        .await
        .unwrap();

    let roomy = Config {
        rate_limit_tiers: "ADMIN=1000000/100000".into(),
        ..Config::default()
    };
    let full = start(infra.clone(), roomy.clone()).await;
    let bare = start(
        infra.clone(),
        Config {
            rate_limit_enabled: false,
            idempotency_enabled: false,
            ..roomy.clone()
        },
    )
    .await;
    let uncached = start(uncached_infra, roomy).await;

    let pair: Value = full
        .client
        .post(format!("{}/api/v1/auth/login", full.base))
        .json(&json!({"email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = pair["access_token"].as_str().unwrap().to_owned();
    let create = |t: &Target, i: usize| {
        t.client
            .post(format!("{}/api/v1/settings/organizations", t.base))
            .bearer_auth(&token)
            .header("idempotency-key", format!("bench-create-{i}"))
            .json(&json!({"name": format!("Bench Org {i}"), "legal_name": format!("Bench Org {i} Pvt Ltd")}))
    };

    // 1. Idempotent create: first execution, then replay of the same keys.
    let creates = 300;
    let first = run(creates, |i| create(&full, i)).await;
    let replay = run(creates, |i| create(&full, i)).await;
    // The kv store forgot: replay from the durable row.
    prefix_clear(&infra).await;
    let token_again = token.clone();
    let durable = run(creates, |i| {
        full.client
            .post(format!("{}/api/v1/settings/organizations", full.base))
            .bearer_auth(&token_again)
            .header("idempotency-key", format!("bench-create-{i}"))
            .json(&json!({"name": format!("Bench Org {i}"), "legal_name": format!("Bench Org {i} Pvt Ltd")}))
    })
    .await;

    // 2 and 3. One organization read many times.
    let org: Value = full
        .client
        .get(format!("{}/api/v1/settings/organizations?limit=1", full.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let org_path = format!(
        "/api/v1/settings/organizations/{}",
        org["items"][0]["id"].as_str().unwrap()
    );
    let get = |t: &Target| {
        let url = format!("{}{org_path}", t.base);
        let (client, token) = (t.client.clone(), token.clone());
        move |_| client.get(&url).bearer_auth(&token)
    };
    let reads = 1500;
    let (with_middleware, without) = compare(4, reads, get(&full), get(&bare)).await;
    let (cached, not_cached) = compare(4, reads, get(&full), get(&uncached)).await;

    let replay_ratio = first.as_secs_f64() / replay.as_secs_f64();
    let durable_ratio = first.as_secs_f64() / durable.as_secs_f64();
    let overhead = with_middleware.as_secs_f64() / without.as_secs_f64() - 1.0;
    let cache_ratio = not_cached.as_secs_f64() / cached.as_secs_f64();
    println!(
        "mean wall time per request at concurrency {CONCURRENCY} (reads: best of 4 alternating rounds after a warm-up):"
    );
    println!("  idempotent create, first execution   {:>9.0} us", us(first));
    println!("  idempotent create, replay (kv)       {:>9.0} us", us(replay));
    println!("  idempotent create, replay (database) {:>9.0} us", us(durable));
    println!(
        "  GET organization, all middleware     {:>9.0} us",
        us(with_middleware)
    );
    println!(
        "  GET organization, rate limit + idempotency off {:>9.0} us",
        us(without)
    );
    println!("  GET organization, cached             {:>9.0} us", us(cached));
    println!(
        "  GET organization, cache off          {:>9.0} us",
        us(not_cached)
    );
    println!();
    let verdict = |ok: bool| if ok { "meets goal" } else { "MISSES goal" };
    println!(
        "replay vs first execution: {replay_ratio:.1}x cheaper (goal >= 5x): {}",
        verdict(replay_ratio >= 5.0)
    );
    println!("durable replay vs first execution: {durable_ratio:.1}x cheaper");
    println!(
        "middleware overhead on a GET: {:+.1} % (goal <= 10 %): {}",
        overhead * 100.0,
        verdict(overhead <= 0.10)
    );
    println!(
        "cached vs uncached GET: {cache_ratio:.1}x faster (goal >= 3x): {}",
        verdict(cache_ratio >= 3.0)
    );
}

async fn prefix_clear(infra: &AppInfra) {
    use infra::Infra;
    infra.kv().clear_prefix().await.unwrap();
}
