//! Consumers: applied once per event, reclaimed from a dead consumer, poison to dead letters.

use std::sync::Arc;
use std::time::{Duration, Instant};

use infra::events::{Consumer, ConsumerOptions, Delivered, dead_letter_key, run, stream_key};
use infra::kv::StreamConnection;
use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use infra::testing::{Backend, TestInfra};
use infra::write::WriteTx;
use infra::{Actor, Infra, InfraError};
use server::relay::relay_once;
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

async fn redis_conn(t: &TestInfra) -> StreamConnection {
    let redis = t.kv().as_redis().unwrap();
    redis.stream_connection(Duration::from_secs(5)).await.unwrap()
}

fn dead_letters(t: &TestInfra) -> String {
    format!("{}{}", t.kv().prefix(), dead_letter_key("organization-events"))
}

async fn dead_letter_count(t: &TestInfra) -> u64 {
    let redis = t.kv().as_redis().unwrap();
    redis.stream_len(&dead_letters(t)).await.unwrap()
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
        let entries = t
            .kv()
            .as_redis()
            .unwrap()
            .stream_range(&stream(&t))
            .await
            .unwrap();
        for (_, fields) in &entries {
            c.add(&stream(&t), fields, None).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    assert_eq!(effects(&t).await, 3, "still one effect per event");
    task.abort();
}

async fn a_dead_consumers_entries_are_reclaimed(t: TestInfra) {
    let mut c = redis_conn(&t).await;
    assert!(c.create_group(&stream(&t), "counting", true).await.unwrap());
    orgs(&t, 2).await;
    relay_once(t.infra()).await.unwrap();
    // A consumer reads both and dies before acknowledging.
    let read = c
        .read_group(
            "counting",
            "dead-one",
            &[stream(&t)],
            10,
            Duration::from_millis(1),
        )
        .await
        .unwrap();
    assert_eq!(read[0].1.len(), 2);
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
    wait_for(async || dead_letter_count(&t).await == 1, "the dead letter").await;
    let pending = redis_conn(&t)
        .await
        .pending_count(&stream(&t), "poisoned")
        .await
        .unwrap();
    assert_eq!(pending, 0, "acknowledged once moved");
    task.abort();
}

async fn an_unreadable_entry_goes_to_the_dead_letter_stream(t: TestInfra) {
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    tokio::time::sleep(Duration::from_millis(300)).await; // the group exists
    let unreadable = [("event_id".to_owned(), "not-an-id".to_owned())];
    redis_conn(&t)
        .await
        .add(&stream(&t), &unreadable, None)
        .await
        .unwrap();
    wait_for(async || dead_letter_count(&t).await == 1, "the dead letter").await;
    let entries = t
        .kv()
        .as_redis()
        .unwrap()
        .stream_range(&dead_letters(&t))
        .await
        .unwrap();
    let reason = entries[0]
        .1
        .iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.as_str());
    assert_eq!(reason, Some("unreadable"));
    assert_eq!(effects(&t).await, 0);
    task.abort();
}

async fn consumers_of_departed_instances_are_forgotten(t: TestInfra) {
    let mut c = redis_conn(&t).await;
    c.create_group(&stream(&t), "counting", true).await.unwrap();
    // An instance that read nothing and went away.
    c.read_group(
        "counting",
        "gone-one",
        &[stream(&t)],
        10,
        Duration::from_millis(1),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(2_100)).await; // ten claim periods of fast()
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), fast()));
    wait_for(
        async || {
            let consumers = c.group_consumers(&stream(&t), "counting").await.unwrap();
            !consumers.iter().any(|m| m.name == "gone-one")
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
