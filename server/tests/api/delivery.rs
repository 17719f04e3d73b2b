//! Delivery under faults: the relay's process killed with SIGKILL mid-stream,
//! and a Redis server that goes away and comes back.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use infra::events::run;
use infra::kv::{Kv, RedisKv};
use infra::outbox::entity::{Column, Entity};
use infra::sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use infra::testing::{TestInfra, redis_url};
use infra::{Actor, AppInfra, Infra};
use settings::organizations::{CreateOrganization, OrganizationService, UpdateOrganization};

use crate::consumers::{Counting, effects, fast, wait_for};
use crate::helpers::free_port;
use crate::relay::stream_ids;

/// A child process killed when the test ends, however it ends.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Process {
    /// SIGKILL (what `Child::kill` sends on Unix), then reaps it.
    fn kill_9(&mut self) {
        self.0.kill().unwrap();
        let _ = self.0.wait();
    }
}

/// `server relay` of the real binary on `t`'s database and key prefix.
fn relay_process(t: &TestInfra) -> Process {
    let config = t.infra().config();
    let child = crate::helpers::server_command()
        .arg("relay")
        .env("DATABASE_URL", &config.database_url)
        .env("REDIS_URL", redis_url())
        .env("REDIS_KEY_PREFIX", &config.key_prefix)
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Process(child)
}

async fn pending(infra: &AppInfra) -> u64 {
    Entity::find()
        .filter(Column::Status.eq("pending"))
        .count(infra.db())
        .await
        .unwrap()
}

async fn create_orgs(infra: &AppInfra, from: usize, to: usize) -> Vec<uuid::Uuid> {
    let service = OrganizationService::new(infra.clone());
    let mut ids = Vec::new();
    for i in from..to {
        let input = CreateOrganization {
            name: format!("Org {i}"),
            legal_name: format!("Org {i} Ltd"),
            ..Default::default()
        };
        ids.push(service.create(&Actor::system(), input).await.unwrap().value.id);
    }
    ids
}

async fn nothing_is_lost_when_the_relay_is_killed(t: TestInfra) {
    const EVENTS: usize = 600;
    create_orgs(t.infra(), 0, EVENTS).await;
    // Hold the first row's lock: the relay publishes its first batch, then
    // waits to mark it, and is killed right there.
    let holder = t.db().begin().await.unwrap();
    holder
        .execute_unprepared("SELECT id FROM outbox_events ORDER BY id LIMIT 1 FOR UPDATE")
        .await
        .unwrap();
    let mut first = relay_process(&t);
    let deadline = Instant::now() + Duration::from_secs(60);
    while stream_ids(t.infra(), "organization-events").await.is_empty() {
        assert!(Instant::now() < deadline, "the relay did not start publishing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let published_before_kill = stream_ids(t.infra(), "organization-events").await.len();
    assert_eq!(
        pending(t.infra()).await,
        EVENTS as u64,
        "published, not yet marked"
    );
    first.kill_9();
    // The dead process's UPDATE still waits in its server backend, which
    // PostgreSQL ends once it notices the client is gone; end it now.
    t.db()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .await
        .unwrap();
    holder.rollback().await.unwrap();

    let _second = relay_process(&t);
    let deadline = Instant::now() + Duration::from_secs(60);
    while pending(t.infra()).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the second relay did not drain the backlog"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ids = stream_ids(t.infra(), "organization-events").await;
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), EVENTS, "every event reached the stream");
    assert_eq!(
        ids.len(),
        EVENTS + published_before_kill,
        "what the killed relay published went out again"
    );
    // Whatever was published twice, the consumer's effect happens once per event.
    let consumer = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    wait_for(
        async || effects(&t).await == EVENTS as u64,
        "one effect per event",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(effects(&t).await, EVENTS as u64, "no effect twice");
    consumer.abort();
}

/// A redis-server of this test's own on `port`, keeping nothing on disk.
fn redis_server(port: u16) -> Process {
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server on the PATH");
    Process(child)
}

async fn answers(url: &str) -> bool {
    let Ok(redis) = RedisKv::connect(url, 1, Duration::from_millis(500)) else {
        return false;
    };
    Kv::redis(redis, "").ping().await.is_ok()
}

async fn wait_answering(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !answers(url).await {
        assert!(Instant::now() < deadline, "redis-server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_backlog_drains_in_order_when_redis_returns(t: TestInfra) {
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let mut redis_process = redis_server(port);
    wait_answering(&url).await;
    let mut config = t.infra().config().clone();
    config.redis_url = Some(url.clone());
    config.redis_timeout = Duration::from_millis(500);
    let infra = AppInfra::connect(&config).await.unwrap();
    let relay = tokio::spawn(server::relay::run(infra.clone(), Duration::from_millis(100)));

    let ids = create_orgs(&infra, 0, 2).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while stream_ids(&infra, "organization-events").await.len() < 2 {
        assert!(Instant::now() < deadline, "the first events were not relayed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    redis_process.kill_9();
    let orgs = OrganizationService::new(infra.clone());
    for round in 0..3 {
        for id in &ids {
            let change = UpdateOrganization {
                legal_name: Some(format!("Renamed {round} Ltd")),
                ..Default::default()
            };
            orgs.update(&Actor::system(), *id, change, None).await.unwrap();
        }
    }
    create_orgs(&infra, 2, 4).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let tried = Entity::find()
            .filter(Column::Status.eq("pending"))
            .filter(Column::Attempts.gt(0))
            .count(infra.db())
            .await
            .unwrap();
        if tried > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the relay did not try while Redis was down"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        pending(&infra).await,
        8,
        "everything written during the outage waits"
    );

    let _back = redis_server(port);
    wait_answering(&url).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while pending(&infra).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the backlog did not drain after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The new server starts empty: its stream holds the backlog, in outbox order per aggregate.
    let published = stream_ids(&infra, "organization-events").await;
    let backlog: Vec<String> = Entity::find()
        .filter(Column::AggregateType.eq("organization"))
        .order_by_asc(Column::Id)
        .all(infra.db())
        .await
        .unwrap()
        .into_iter()
        .skip(2)
        .map(|r| r.id.to_string())
        .collect();
    assert_eq!(published.len(), backlog.len());
    let rows = Entity::find().all(infra.db()).await.unwrap();
    let aggregate_of = |id: &String| {
        rows.iter()
            .find(|r| r.id.to_string() == *id)
            .map(|r| r.aggregate_id.clone())
            .unwrap()
    };
    for aggregate in rows.iter().map(|r| r.aggregate_id.clone()) {
        let expected: Vec<&String> = backlog
            .iter()
            .filter(|id| aggregate_of(id) == aggregate)
            .collect();
        let seen: Vec<&String> = published
            .iter()
            .filter(|id| aggregate_of(id) == aggregate)
            .collect();
        assert_eq!(seen, expected, "order of {aggregate}");
    }
    relay.abort();
}

infra::postgres_tests!(
    nothing_is_lost_when_the_relay_is_killed,
    the_backlog_drains_in_order_when_redis_returns
);
