//! Consumers: applied once per event, reclaimed from a dead consumer, poison to dead letters.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use infra::testing::{Backend, TestInfra};
use infra::write::WriteTx;
use infra::{Actor, Infra, InfraError};
use server::consumers::{Consumer, ConsumerOptions, Delivered, run};
use server::relay::{relay_once, stream_key};
use settings::organizations::{CreateOrganization, OrganizationService};

/// Records one audit row per event it applies.
pub(crate) struct Counting;

#[async_trait::async_trait]
impl Consumer for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn topics(&self) -> Vec<&'static str> {
        vec!["organization-events"]
    }
    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
        tx.audit("test.consumed", "outbox_event", &event.event_id.to_string(), None)
            .await?;
        Ok(())
    }
}

struct Poisoned;

#[async_trait::async_trait]
impl Consumer for Poisoned {
    fn name(&self) -> &'static str {
        "poisoned"
    }
    fn topics(&self) -> Vec<&'static str> {
        vec!["organization-events"]
    }
    async fn apply(&self, _tx: &WriteTx, _event: &Delivered) -> Result<(), InfraError> {
        Err(InfraError::Invariant("this consumer cannot handle the event"))
    }
}

pub(crate) async fn effects(t: &TestInfra) -> u64 {
    infra::audit::entity::Entity::find()
        .filter(infra::audit::entity::Column::Action.eq("test.consumed"))
        .count(t.db())
        .await
        .unwrap()
}

pub(crate) async fn wait_for(mut done: impl AsyncFnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn orgs(t: &TestInfra, n: usize) {
    let service = OrganizationService::new(t.infra().clone());
    for i in 0..n {
        let input = CreateOrganization {
            name: format!("Org {i}"),
            legal_name: format!("Org {i} Ltd"),
            ..Default::default()
        };
        service.create(&Actor::system(), input).await.unwrap();
    }
}

async fn redis_conn(t: &TestInfra) -> deadpool_redis::Connection {
    t.kv().as_redis().unwrap().connection().await.unwrap()
}

fn stream(t: &TestInfra) -> String {
    format!("{}{}", t.kv().prefix(), stream_key("organization-events"))
}

pub(crate) fn fast() -> ConsumerOptions {
    ConsumerOptions {
        claim_idle: Duration::from_millis(200),
        block: Duration::from_millis(100),
        ..ConsumerOptions::default()
    }
}

async fn each_event_is_applied_once_even_when_delivered_twice(t: TestInfra) {
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    orgs(&t, 3).await;
    relay_once(t.infra()).await.unwrap();
    wait_for(async || effects(&t).await == 3, "three effects").await;
    if t.backend() == Backend::Postgres {
        // A relay that died between publishing and marking publishes again.
        let mut c = redis_conn(&t).await;
        let entries: Vec<(String, Vec<(String, String)>)> = redis::cmd("XRANGE")
            .arg(stream(&t))
            .arg("-")
            .arg("+")
            .query_async(&mut c)
            .await
            .unwrap();
        for (_, fields) in &entries {
            let mut add = redis::cmd("XADD");
            add.arg(stream(&t)).arg("*");
            for (k, v) in fields {
                add.arg(k).arg(v);
            }
            add.query_async::<String>(&mut c).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    assert_eq!(effects(&t).await, 3, "still one effect per event");
    task.abort();
}

async fn a_dead_consumers_entries_are_reclaimed(t: TestInfra) {
    let mut c = redis_conn(&t).await;
    let _: String = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg(stream(&t))
        .arg("counting")
        .arg("0")
        .arg("MKSTREAM")
        .query_async(&mut c)
        .await
        .unwrap();
    orgs(&t, 2).await;
    relay_once(t.infra()).await.unwrap();
    // A consumer reads both and dies before acknowledging.
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg("counting")
        .arg("dead-one")
        .arg("COUNT")
        .arg(10)
        .arg("STREAMS")
        .arg(stream(&t))
        .arg(">")
        .query_async(&mut c)
        .await
        .unwrap();
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    wait_for(async || effects(&t).await == 2, "the reclaimed effects").await;
    task.abort();
}

async fn a_poison_event_goes_to_the_dead_letter_stream(t: TestInfra) {
    orgs(&t, 1).await;
    relay_once(t.infra()).await.unwrap();
    let options = ConsumerOptions {
        max_deliveries: 2,
        ..fast()
    };
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Poisoned), options));
    let dead = format!(
        "{}{}",
        t.kv().prefix(),
        server::relay::dead_letter_key("organization-events")
    );
    let mut c = redis_conn(&t).await;
    wait_for(
        async || {
            redis::cmd("XLEN")
                .arg(&dead)
                .query_async::<u64>(&mut c)
                .await
                .unwrap()
                == 1
        },
        "the dead letter",
    )
    .await;
    let pending: (u64, redis::Value, redis::Value, redis::Value) = redis::cmd("XPENDING")
        .arg(stream(&t))
        .arg("poisoned")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(pending.0, 0, "acknowledged once moved");
    task.abort();
}

async fn an_unreadable_entry_goes_to_the_dead_letter_stream(t: TestInfra) {
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    tokio::time::sleep(Duration::from_millis(300)).await; // the group exists
    let mut c = redis_conn(&t).await;
    let _: String = redis::cmd("XADD")
        .arg(stream(&t))
        .arg("*")
        .arg("event_id")
        .arg("not-an-id")
        .query_async(&mut c)
        .await
        .unwrap();
    let dead = format!(
        "{}{}",
        t.kv().prefix(),
        server::relay::dead_letter_key("organization-events")
    );
    wait_for(
        async || {
            redis::cmd("XLEN")
                .arg(&dead)
                .query_async::<u64>(&mut c)
                .await
                .unwrap()
                == 1
        },
        "the dead letter",
    )
    .await;
    let entries: Vec<(String, HashMap<String, String>)> = redis::cmd("XRANGE")
        .arg(&dead)
        .arg("-")
        .arg("+")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(entries[0].1["reason"], "unreadable");
    assert_eq!(effects(&t).await, 0);
    task.abort();
}

async fn consumers_of_departed_instances_are_forgotten(t: TestInfra) {
    let mut c = redis_conn(&t).await;
    let _: String = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg(stream(&t))
        .arg("counting")
        .arg("0")
        .arg("MKSTREAM")
        .query_async(&mut c)
        .await
        .unwrap();
    // An instance that read nothing and went away.
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg("counting")
        .arg("gone-one")
        .arg("STREAMS")
        .arg(stream(&t))
        .arg(">")
        .query_async(&mut c)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await; // ten claim periods of fast()
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    wait_for(
        async || {
            let consumers: Vec<HashMap<String, redis::Value>> = redis::cmd("XINFO")
                .arg("CONSUMERS")
                .arg(stream(&t))
                .arg("counting")
                .query_async(&mut c)
                .await
                .unwrap();
            !consumers
                .iter()
                .any(|m| m.get("name") == Some(&redis::Value::BulkString(b"gone-one".to_vec())))
        },
        "the departed consumer to be forgotten",
    )
    .await;
    task.abort();
}

infra::backend_tests!(each_event_is_applied_once_even_when_delivered_twice);
// Consumer groups exist only on Redis.
infra::postgres_tests!(
    a_dead_consumers_entries_are_reclaimed,
    a_poison_event_goes_to_the_dead_letter_stream,
    an_unreadable_entry_goes_to_the_dead_letter_stream,
    consumers_of_departed_instances_are_forgotten
);
