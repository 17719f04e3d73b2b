//! The write helper: atomicity, durable idempotency, audit and outbox rows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use infra::sea_orm::{EntityTrait, PaginatorTrait};
use infra::testing::TestInfra;
use infra::write::write;
use infra::{Actor, ActorKind, IdempotencyKey, Infra, InfraError, NewEvent};
use uuid::Uuid;

fn user() -> Actor {
    Actor::user(ActorKind::Internal, Uuid::now_v7(), []).with_request_id("req-1")
}

fn keyed(actor: &Actor, key: &str, body: &str) -> Actor {
    actor.clone().with_idempotency(IdempotencyKey::for_request(
        key.into(),
        "POST",
        "/things",
        "",
        body.as_bytes(),
    ))
}

/// Counts (outbox, audit, idempotency) rows.
async fn counts(t: &TestInfra) -> (u64, u64, u64) {
    let db = t.db();
    (
        infra::outbox::entity::Entity::find().count(db).await.unwrap(),
        infra::audit::entity::Entity::find().count(db).await.unwrap(),
        infra::idempotency::entity::Entity::find()
            .count(db)
            .await
            .unwrap(),
    )
}

/// A change that creates a "thing": one event, one audit row; counts its runs.
async fn create_thing(
    t: &TestInfra,
    actor: &Actor,
    runs: Arc<AtomicUsize>,
) -> Result<infra::Written<Uuid>, InfraError> {
    write(t.infra(), actor, move |tx| {
        Box::pin(async move {
            runs.fetch_add(1, Ordering::SeqCst);
            let id = infra::ids::new_id();
            tx.emit(NewEvent::new(
                "thing-events",
                "ThingCreated",
                "thing",
                id,
                1,
                &serde_json::json!({"id": id}),
            )?)
            .await?;
            tx.audit("thing.create", "thing", &id.to_string(), None).await?;
            Ok(id)
        })
    })
    .await
}

async fn rollback_leaves_nothing(t: TestInfra) {
    let actor = keyed(&user(), "k-rollback", "{}");
    let result: Result<infra::Written<()>, InfraError> = write(t.infra(), &actor, |tx| {
        Box::pin(async move {
            tx.emit(NewEvent::new("thing-events", "ThingCreated", "thing", 1, 1, &())?)
                .await?;
            tx.audit("thing.create", "thing", "1", None).await?;
            Err(InfraError::Invariant("the change failed"))
        })
    })
    .await;
    assert!(result.is_err());
    assert_eq!(counts(&t).await, (0, 0, 0));
    // The key was not consumed: a retry runs.
    let retried = create_thing(&t, &actor, Arc::default()).await.unwrap();
    assert!(!retried.replayed);
    assert_eq!(counts(&t).await, (1, 1, 1));
}

async fn same_key_returns_first_result(t: TestInfra) {
    let actor = keyed(&user(), "k-same", "{\"a\":1}");
    let runs = Arc::new(AtomicUsize::new(0));
    let first = create_thing(&t, &actor, runs.clone()).await.unwrap();
    let second = create_thing(&t, &actor, runs.clone()).await.unwrap();
    assert!(!first.replayed);
    assert!(second.replayed);
    assert_eq!(first.value, second.value);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the change ran once");
    assert_eq!(counts(&t).await, (1, 1, 1));

    let event = infra::outbox::entity::Entity::find()
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.idempotency_key.as_deref(), Some("k-same"));
    assert_eq!(event.status, "pending");
    assert_eq!(event.metadata["request_id"], "req-1");
    let audit = infra::audit::entity::Entity::find()
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.resource_id, first.value.to_string());
    assert_eq!(audit.actor_kind, "INTERNAL");
}

async fn different_request_with_same_key_is_refused(t: TestInfra) {
    let base = user();
    create_thing(&t, &keyed(&base, "k-fp", "{\"a\":1}"), Arc::default())
        .await
        .unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let err = create_thing(&t, &keyed(&base, "k-fp", "{\"a\":2}"), runs.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, InfraError::IdempotencyKeyReused { ref key } if key == "k-fp"),
        "{err}"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert_eq!(counts(&t).await, (1, 1, 1));
}

async fn keys_are_scoped_per_principal(t: TestInfra) {
    let a = create_thing(&t, &keyed(&user(), "shared", "{}"), Arc::default())
        .await
        .unwrap();
    let b = create_thing(&t, &keyed(&user(), "shared", "{}"), Arc::default())
        .await
        .unwrap();
    assert!(!a.replayed && !b.replayed);
    assert_ne!(a.value, b.value);
    assert_eq!(counts(&t).await, (2, 2, 2));
}

async fn expired_key_may_be_reused(t: TestInfra) {
    let base = user();
    create_thing(&t, &keyed(&base, "k-old", "{\"a\":1}"), Arc::default())
        .await
        .unwrap();
    t.clock().advance(chrono::Duration::hours(25));
    let again = create_thing(&t, &keyed(&base, "k-old", "{\"a\":2}"), Arc::default())
        .await
        .unwrap();
    assert!(!again.replayed);
    assert_eq!(counts(&t).await, (2, 2, 1));
}

async fn writes_without_key_each_apply(t: TestInfra) {
    let actor = user();
    create_thing(&t, &actor, Arc::default()).await.unwrap();
    create_thing(&t, &actor, Arc::default()).await.unwrap();
    assert_eq!(counts(&t).await, (2, 2, 0));
}

async fn a_write_without_audit_is_refused(t: TestInfra) {
    let result: Result<infra::Written<()>, InfraError> = write(t.infra(), &user(), |tx| {
        Box::pin(async move {
            tx.emit(NewEvent::new("thing-events", "ThingCreated", "thing", 1, 1, &())?)
                .await?;
            Ok(())
        })
    })
    .await;
    assert!(matches!(result, Err(InfraError::Invariant(_))));
    assert_eq!(counts(&t).await, (0, 0, 0));
}

async fn concurrent_same_key_applies_once(t: TestInfra) {
    let actor = keyed(&user(), "k-race", "{\"race\":true}");
    let runs = Arc::new(AtomicUsize::new(0));
    let t = Arc::new(t);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (t, actor, runs) = (t.clone(), actor.clone(), runs.clone());
        tasks.push(tokio::spawn(async move {
            create_thing(&t, &actor, runs).await.unwrap()
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "exactly one execution");
    assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1);
    assert!(results.iter().all(|r| r.value == results[0].value));
    assert_eq!(counts(&t).await, (1, 1, 1));
}

async fn second_instance_replays_durable_result(t: TestInfra) {
    let actor = keyed(&user(), "k-two", "{}");
    let first = create_thing(&t, &actor, Arc::default()).await.unwrap();
    let other = t.another_instance().await;
    let replay = write(&other, &actor, |_tx| {
        Box::pin(async move { Err::<Uuid, _>(InfraError::Invariant("must not run")) })
    })
    .await
    .unwrap();
    assert!(replay.replayed);
    assert_eq!(replay.value, first.value);
}

infra::backend_tests!(
    rollback_leaves_nothing,
    same_key_returns_first_result,
    different_request_with_same_key_is_refused,
    keys_are_scoped_per_principal,
    expired_key_may_be_reused,
    writes_without_key_each_apply,
    a_write_without_audit_is_refused,
    concurrent_same_key_applies_once,
    second_instance_replays_durable_result,
);
