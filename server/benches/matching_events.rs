//! `just bench` (matching events): the event path of matching on a small
//! market of its own, on PostgreSQL + Redis, through the running server:
//! 200 published requirements (6 commodities x 36 states, one per pair),
//! then 1,000 availabilities approved at 100 per second, each fitting one
//! requirement. For each approval, the lag from the end of its commit to
//! its MatchFound reaching a WebSocket client on `availability-events`
//! (the seller's push, after the `matching` and `matching-pushes` consumer
//! groups and three relay hops): p50, p99 and max (goal: p99 under one
//! second).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use infra::sea_orm::{EntityTrait, IntoActiveModel};
use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use infra::{Actor, ActorKind, AppInfra, Infra, InfraConfig};
use serde_json::{Value, json};
use server::app::Application;
use server::config::Config;
use settings::locations::regions::STATES;
use settings::locations::{CreateLocation, LocationService};
use trade_desk::availabilities::AvailabilityService;
use trade_desk::availabilities::entity::availability;
use trade_desk::requirements::{NewRequirement, RequirementService};
use uuid::Uuid;

#[path = "support/market.rs"]
#[allow(dead_code)] // the commodities only; the 100,000-row market is the other benches'
mod market;
#[path = "support/traders.rs"]
mod traders;

use traders::{seasoned_trader, user_of};

const COMMODITIES: usize = 6;
const REQUIREMENTS: usize = 200;
const APPROVALS: usize = 1_000;
const PER_SECOND: u64 = 100;
const PASSWORD: &str = "correct horse battery";

/// A DRAFT availability (approval PENDING) of 100 CANDY of `commodity` in `state` by `seller`.
fn pending(
    seller: Uuid,
    commodity: Uuid,
    state: &str,
    location: Uuid,
    i: usize,
) -> availability::ActiveModel {
    let now = chrono::Utc::now();
    let quantity = 100 * 10_000;
    let price = 58_000 + (i % 40) as i64 * 100;
    availability::Model {
        id: infra::ids::new_id(),
        seller_partner_id: seller,
        commodity_id: commodity,
        variety_id: None,
        location_id: Some(location),
        partner_location_id: None,
        address: None,
        location_key: format!("bench:{i}"),
        state_code: Some(state.into()),
        latitude: Some(22.0),
        longitude: Some(72.0),
        unit: "CANDY".into(),
        total_quantity: quantity,
        available_quantity: quantity,
        reserved_quantity: 0,
        sold_quantity: 0,
        base_quantity: (100.0 * 355.6222 * 10_000.0_f64).round() as i64,
        min_order_quantity: None,
        allow_partial: true,
        price_type: "FIXED".into(),
        price: Some(price * 10_000),
        price_unit: Some("CANDY".into()),
        base_price: Some((price as f64 / 355.6222 * 10_000.0).round() as i64),
        price_matrix: None,
        quality: json!({"staple_length": "30", "micronaire": "4.2"}),
        delivery_term_id: None,
        payment_term_id: None,
        delivery_from: None,
        delivery_to: None,
        visibility: "PUBLIC".into(),
        test_report_document_id: None,
        expires_at: now + chrono::Duration::days(30),
        status: "DRAFT".into(),
        approval_status: "PENDING".into(),
        precheck_score: Some(80),
        precheck_status: Some("PASS".into()),
        precheck_factors: None,
        decided_by: None,
        decided_at: None,
        rejection_reason: None,
        cancel_reason: None,
        business_date: now.date_naive(),
        created_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
}

/// POSTs `body` to `path` as `token` and answers the JSON.
async fn post(client: &reqwest::Client, base: &str, path: &str, token: Option<&str>, body: Value) -> Value {
    let mut request = client.post(format!("http://{base}{path}")).json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// A back-office manager (INTERNAL staff, who see every audience) made by the administrator: its access token.
async fn manager_token(base: &str) -> String {
    let client = reqwest::Client::new();
    let login = |email: &str| json!({"email": email, "password": PASSWORD});
    let admin = post(
        &client,
        base,
        "/api/v1/auth/login",
        None,
        login("bench@example.com"),
    )
    .await;
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    let org = json!({"name": "Bench Desk", "legal_name": "Bench Desk Private Limited"});
    let org = post(&client, base, "/api/v1/settings/organizations", Some(&admin), org).await;
    let user = json!({"kind": "INTERNAL", "email": "desk@example.com", "password": PASSWORD,
        "full_name": "Bench Desk", "organization_id": org["id"], "roles": ["BACKOFFICE_MANAGER"]});
    post(&client, base, "/api/v1/settings/users", Some(&admin), user).await;
    let desk = post(
        &client,
        base,
        "/api/v1/auth/login",
        None,
        login("desk@example.com"),
    )
    .await;
    desk["access_token"].as_str().unwrap().to_owned()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
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
    user_auth::AccountService::new(infra.clone(), user_auth::AuthConfig::default())
        .create_super_admin("bench@example.com", PASSWORD, "Bench")
        .await
        .unwrap();
    let server_config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 1,
        rate_limit_tiers: "ADMIN=1000000/100000".into(),
        ..Config::default()
    };
    let app = Application::with_infra(server_config, infra.clone())
        .await
        .unwrap();
    let base = format!("127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    tokio::spawn(server::relay::run(infra.clone(), Duration::from_millis(100)));

    let goods = market::cottons(&infra, "Event Cotton", COMMODITIES).await;
    let places = LocationService::new(infra.clone());
    let mut yards = Vec::new();
    for (code, name, _) in STATES {
        let input = CreateLocation {
            name: format!("{name} yard"),
            place_id: format!("bench-{code}"),
            state_code: Some(code.into()),
            city: Some(name.into()),
            pincode: Some("400001".into()),
            latitude: Some(22.0),
            longitude: Some(72.0),
            ..Default::default()
        };
        yards.push(
            places
                .create(&Actor::system(), input)
                .await
                .unwrap()
                .value
                .location
                .id,
        );
    }
    let requirements = RequirementService::new(infra.clone());
    for i in 0..REQUIREMENTS {
        let buyer = seasoned_trader(&infra).await;
        let me = user_of(buyer, &["REQUIREMENT_CREATE", "REQUIREMENT_READ"]);
        let input = NewRequirement {
            commodity_id: goods[i % COMMODITIES],
            min_quantity: "10".parse().unwrap(),
            max_quantity: "500".parse().unwrap(),
            delivery_location_ids: vec![yards[i / COMMODITIES % STATES.len()]],
            quality: json!({"staple_length": {"min": 28, "preferred": 30, "max": 32}})
                .as_object()
                .cloned(),
            max_price: Some("66000".parse().unwrap()),
            preferred_price: Some("60000".parse().unwrap()),
            ..NewRequirement::default()
        };
        let draft = requirements.create(&me, input).await.unwrap().value;
        requirements.publish(&me, draft.id).await.unwrap();
    }
    let mut sellers = Vec::new();
    for _ in 0..50 {
        sellers.push(seasoned_trader(&infra).await);
    }
    let offers: Vec<Uuid> = {
        let rows: Vec<availability::ActiveModel> = (0..APPROVALS)
            .map(|i| {
                let pair = i % REQUIREMENTS;
                let (state, _, _) = STATES[pair / COMMODITIES % STATES.len()];
                let yard = yards[pair / COMMODITIES % STATES.len()];
                pending(
                    sellers[i % sellers.len()],
                    goods[pair % COMMODITIES],
                    state,
                    yard,
                    i,
                )
            })
            .collect();
        let ids = rows.iter().map(|r| r.id.clone().unwrap()).collect();
        for chunk in rows.chunks(500) {
            availability::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(infra.db())
                .await
                .unwrap();
        }
        ids
    };
    // Let the publications' reactions settle before measuring.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let token = manager_token(&base).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{base}/api/v1/ws?access_token={token}"))
        .await
        .unwrap();
    let subscribe = json!({"action": "subscribe", "channel": "topic:availability-events"}).to_string();
    ws.send(tokio_tungstenite::tungstenite::Message::text(subscribe))
        .await
        .unwrap();
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let seen = arrived.clone();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = ws.next().await {
            if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
                let m: Value = serde_json::from_str(&text).unwrap_or_default();
                if m["event"] == "MatchFound" && m["data"]["topic"] == "availability-events" {
                    let id = m["data"]["aggregate_id"].as_str().unwrap_or_default().to_owned();
                    seen.lock().unwrap().entry(id).or_insert_with(Instant::now);
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;

    let desk = Actor::user(
        ActorKind::Internal,
        Uuid::now_v7(),
        ["AVAILABILITY_APPROVE".to_owned()],
    );
    let service = AvailabilityService::new(infra.clone());
    let committed: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / PER_SECOND));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for id in offers.iter().copied() {
        tick.tick().await;
        let (service, desk, committed) = (service.clone(), desk.clone(), committed.clone());
        tasks.push(tokio::spawn(async move {
            service.approve(&desk, id).await.unwrap();
            committed.lock().unwrap().insert(id.to_string(), Instant::now());
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let offered_for = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrived.lock().unwrap().len() < APPROVALS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (committed, arrived) = (committed.lock().unwrap().clone(), arrived.lock().unwrap().clone());
    let mut lags: Vec<Duration> = committed
        .iter()
        .filter_map(|(id, at)| arrived.get(id).map(|got| got.saturating_duration_since(*at)))
        .collect();
    lags.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "matching events ({REQUIREMENTS} published requirements; {APPROVALS} approvals at {PER_SECOND}/s, \
         made in {:.1} s; approval commit to MatchFound on a WebSocket):",
        offered_for.as_secs_f64()
    );
    println!("  arrived {} of {APPROVALS}", lags.len());
    if !lags.is_empty() {
        println!(
            "  lag p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal p99 under 1000 ms)",
            ms(percentile(&lags, 0.50)),
            ms(percentile(&lags, 0.99)),
            ms(*lags.last().unwrap())
        );
    }
}
