//! Event consumption: the stream and pub/sub commands of the Redis wrapper,
//! and a consumer applying a published event once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use infra::events::{Consumer, ConsumerOptions, Delivered, publish, run, stream_key};
use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, InfraError, NewEvent};

struct Counting;

#[infra::events::async_trait]
impl Consumer for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn topics(&self) -> Vec<&'static str> {
        vec!["thing-events"]
    }
    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
        tx.audit("test.consumed", "outbox_event", &event.event_id.to_string(), None)
            .await?;
        Ok(())
    }
}

async fn effects(t: &TestInfra) -> u64 {
    infra::audit::entity::Entity::find()
        .filter(infra::audit::entity::Column::Action.eq("test.consumed"))
        .count(t.db())
        .await
        .unwrap()
}

async fn a_published_event_is_applied_once(t: TestInfra) {
    write(t.infra(), &Actor::system(), |tx| {
        Box::pin(async move {
            let payload = serde_json::json!({"n": 1});
            tx.emit(NewEvent::new(
                "thing-events",
                "ThingCreated",
                "thing",
                1,
                1,
                &payload,
            )?)
            .await?;
            tx.audit("thing.create", "thing", "1", None).await?;
            Ok::<_, InfraError>(())
        })
    })
    .await
    .unwrap();
    let rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let options = ConsumerOptions {
        block: Duration::from_millis(100),
        ..ConsumerOptions::default()
    };
    let task = tokio::spawn(run(t.infra().clone(), Arc::new(Counting), options));
    tokio::time::sleep(Duration::from_millis(300)).await; // subscribed to the bus
    publish(t.infra(), &rows).await.unwrap();
    publish(t.infra(), &rows).await.unwrap(); // a relay that died before marking them
    let deadline = Instant::now() + Duration::from_secs(10);
    while effects(&t).await == 0 {
        assert!(Instant::now() < deadline, "the event was not applied");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(effects(&t).await, 1, "applied once");
    task.abort();
}

async fn stream_commands_answer_as_consumer_groups_need(t: TestInfra) {
    let redis = t.kv().as_redis().unwrap();
    let key = format!("{}{}", t.kv().prefix(), stream_key("thing-events"));
    let mut c = redis.stream_connection(Duration::from_secs(5)).await.unwrap();
    assert!(c.create_group(&key, "g", true).await.unwrap());
    assert!(!c.create_group(&key, "g", true).await.unwrap(), "exists already");
    for n in ["1", "2"] {
        c.add(&key, &[("n".to_owned(), n.to_owned())], None)
            .await
            .unwrap();
    }
    assert_eq!(redis.stream_len(&key).await.unwrap(), 2);
    let read = c
        .read_group("g", "a", std::slice::from_ref(&key), 10, Duration::from_millis(1))
        .await
        .unwrap();
    assert_eq!(read.len(), 1);
    let entries = &read[0].1;
    assert_eq!(entries[1].1, [("n".to_owned(), "2".to_owned())]);
    assert_eq!(c.pending_count(&key, "g").await.unwrap(), 2);
    assert_eq!(c.deliveries(&key, "g", &entries[0].0).await.unwrap(), 1);
    c.ack(&key, "g", &entries[0].0).await.unwrap();
    assert_eq!(c.pending_count(&key, "g").await.unwrap(), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (next, claimed) = c
        .autoclaim(&key, "g", "b", Duration::from_millis(10), "0-0", 10)
        .await
        .unwrap();
    assert_eq!(next, "0-0");
    assert_eq!(claimed.len(), 1, "the unacknowledged entry moves to b");
    assert_eq!(c.deliveries(&key, "g", &entries[1].0).await.unwrap(), 2);
    let consumers = c.group_consumers(&key, "g").await.unwrap();
    let a = consumers.iter().find(|m| m.name == "a").unwrap();
    assert_eq!(a.pending, 0);
    c.delete_consumer(&key, "g", "a").await.unwrap();
    assert_eq!(c.group_consumers(&key, "g").await.unwrap().len(), 1);
    assert_eq!(redis.stream_range(&key).await.unwrap().len(), 2);
}

async fn pub_sub_delivers_to_a_subscriber(t: TestInfra) {
    let redis = t.kv().as_redis().unwrap();
    let channel = format!("{}channel", t.kv().prefix());
    let mut subscription = redis.subscribe(&channel).await.unwrap();
    assert_eq!(redis.publish(&channel, "hello").await.unwrap(), 1);
    let message = tokio::time::timeout(Duration::from_secs(5), subscription.next())
        .await
        .unwrap();
    assert_eq!(message.unwrap().unwrap(), "hello");
}

infra::backend_tests!(a_published_event_is_applied_once);
// Streams and pub/sub exist only on Redis.
infra::postgres_tests!(
    stream_commands_answer_as_consumer_groups_need,
    pub_sub_delivers_to_a_subscriber
);
