//! The outbox relay: delivery, rollback, order per aggregate, a store outage.

use std::collections::HashMap;
use std::time::Duration;

use infra::outbox::entity::{Column, Entity};
use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use infra::testing::{Backend, TestInfra};
use infra::{Actor, Infra, Kv, kv::RedisKv};
use server::relay::{relay_once, stream_key};
use settings::organizations::{CreateOrganization, OrganizationService, UpdateOrganization};

/// Every entry of `topic`'s stream, oldest first, as its fields.
pub(crate) async fn stream_entries(infra: &infra::AppInfra, topic: &str) -> Vec<HashMap<String, String>> {
    let key = format!("{}{}", infra.kv().prefix(), stream_key(topic));
    let entries = infra.kv().as_redis().unwrap().stream_range(&key).await.unwrap();
    entries
        .into_iter()
        .map(|(_, fields)| fields.into_iter().collect())
        .collect()
}

/// The event ids on `topic`'s stream, oldest first.
pub(crate) async fn stream_ids(infra: &infra::AppInfra, topic: &str) -> Vec<String> {
    stream_entries(infra, topic)
        .await
        .into_iter()
        .map(|mut fields| fields.remove("event_id").unwrap())
        .collect()
}

async fn org_with_two_updates(t: &TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let input = CreateOrganization {
        name: "Shree Cotton".into(),
        legal_name: "Shree Cotton Pvt Ltd".into(),
        ..Default::default()
    };
    let org = orgs.create(&Actor::system(), input).await.unwrap().value;
    for name in ["Shree Cotton Ltd", "Shree Cotton Limited"] {
        let change = UpdateOrganization {
            legal_name: Some(name.into()),
            ..Default::default()
        };
        orgs.update(&Actor::system(), org.id, change, None).await.unwrap();
    }
}

async fn committed_events_are_delivered_in_order(t: TestInfra) {
    let mut bus = t.outbox().subscribe();
    org_with_two_updates(&t).await;
    // A rolled-back change leaves nothing to deliver.
    let orgs = OrganizationService::new(t.infra().clone());
    let dup = CreateOrganization {
        name: "Shree Cotton".into(),
        legal_name: "Another".into(),
        ..Default::default()
    };
    assert!(orgs.create(&Actor::system(), dup).await.is_err());
    assert_eq!(relay_once(t.infra()).await.unwrap(), 3);
    assert_eq!(relay_once(t.infra()).await.unwrap(), 0, "nothing twice");
    let rows = Entity::find().order_by_asc(Column::Id).all(t.db()).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| r.status == "published" && r.published_at.is_some())
    );
    let expected: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    match t.backend() {
        Backend::Postgres => assert_eq!(stream_ids(t.infra(), "organization-events").await, expected),
        Backend::Embedded => {
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(bus.recv().await.unwrap().id.to_string());
            }
            assert_eq!(seen, expected);
        }
    }
}

async fn an_outage_holds_the_aggregate_then_drains_in_order(t: TestInfra) {
    org_with_two_updates(&t).await;
    let dead = RedisKv::connect("redis://127.0.0.1:1", 1, Duration::from_millis(200)).unwrap();
    let down = t.infra().clone().with_kv(Kv::redis(dead, t.kv().prefix()));
    assert_eq!(relay_once(&down).await.unwrap(), 0);
    let rows = Entity::find().order_by_asc(Column::Id).all(t.db()).await.unwrap();
    assert_eq!(rows[0].attempts, 1, "the first event was tried");
    assert!(rows[0].last_error.is_some());
    assert!(
        rows[1..].iter().all(|r| r.attempts == 0),
        "later events of the aggregate wait behind it"
    );
    assert_eq!(relay_once(t.infra()).await.unwrap(), 0, "not before its back-off");
    t.clock().advance(chrono::Duration::seconds(5));
    assert_eq!(relay_once(t.infra()).await.unwrap(), 3, "the backlog drains");
    let expected: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(
        stream_ids(t.infra(), "organization-events").await,
        expected,
        "in order"
    );
}

async fn a_running_relay_delivers_within_a_second(t: TestInfra) {
    let relays = [
        tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_secs(1))),
        tokio::spawn(server::relay::run(
            t.another_instance().await,
            Duration::from_secs(1),
        )),
    ];
    org_with_two_updates(&t).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let pending = Entity::find()
            .filter(Column::Status.ne("published"))
            .all(t.db())
            .await
            .unwrap();
        if pending.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} events still pending",
            pending.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if t.backend() == Backend::Postgres {
        assert_eq!(
            stream_ids(t.infra(), "organization-events").await.len(),
            3,
            "two relays, each event once"
        );
    }
    for relay in relays {
        relay.abort();
    }
}

async fn two_instances_keep_the_order_of_each_aggregate(t: TestInfra) {
    let instances = [t.infra().clone(), t.another_instance().await];
    let relays: Vec<_> = instances
        .iter()
        .map(|i| tokio::spawn(server::relay::run(i.clone(), Duration::from_millis(100))))
        .collect();
    let orgs = OrganizationService::new(t.infra().clone());
    let mut ids = Vec::new();
    for name in ["Shree Cotton", "Ganesh Fibres", "Laxmi Yarns"] {
        let input = CreateOrganization {
            name: name.into(),
            legal_name: format!("{name} Ltd"),
            ..Default::default()
        };
        ids.push(orgs.create(&Actor::system(), input).await.unwrap().value.id);
    }
    // Both instances change every organization at once, 10 times each.
    let mut writers = Vec::new();
    for (n, instance) in instances.iter().enumerate() {
        for id in &ids {
            let (service, id) = (OrganizationService::new(instance.clone()), *id);
            writers.push(tokio::spawn(async move {
                for round in 0..10 {
                    let change = UpdateOrganization {
                        legal_name: Some(format!("Instance {n} round {round} Ltd")),
                        ..Default::default()
                    };
                    service.update(&Actor::system(), id, change, None).await.unwrap();
                }
            }));
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while Entity::find()
        .filter(Column::Status.ne("published"))
        .one(t.db())
        .await
        .unwrap()
        .is_some()
    {
        assert!(std::time::Instant::now() < deadline, "events still pending");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let entries = stream_entries(t.infra(), "organization-events").await;
    assert_eq!(entries.len(), 3 + 60, "each event once");
    for id in &ids {
        let versions: Vec<i64> = entries
            .iter()
            .filter(|f| f["aggregate_id"] == id.to_string())
            .map(|f| f["version"].parse().unwrap())
            .collect();
        assert_eq!(versions, (1..=21).collect::<Vec<i64>>(), "the order of {id}");
    }
    for relay in relays {
        relay.abort();
    }
}

infra::backend_tests!(
    committed_events_are_delivered_in_order,
    a_running_relay_delivers_within_a_second
);
infra::postgres_tests!(
    two_instances_keep_the_order_of_each_aggregate,
    a_write_elsewhere_wakes_the_leading_relay
);

/// A write on an instance whose relay does not lead reaches the leading relay
/// by notification (sent after the commit), long before the leader's poll.
async fn a_write_elsewhere_wakes_the_leading_relay(t: TestInfra) {
    let leader = t.infra().clone();
    let relay = tokio::spawn(server::relay::run(leader.clone(), Duration::from_secs(60)));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !leader.outbox().leading() {
        assert!(std::time::Instant::now() < deadline, "the relay never led");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elsewhere = t.another_instance().await;
    assert!(!elsewhere.outbox().leading());
    let input = CreateOrganization {
        name: "Kutch Ginners".into(),
        legal_name: "Kutch Ginners LLP".into(),
        ..Default::default()
    };
    OrganizationService::new(elsewhere)
        .create(&Actor::system(), input)
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !Entity::find()
        .filter(Column::Status.ne("published"))
        .all(t.db())
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the event waited for the poll: no notification reached the leader"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    relay.abort();
}
// The in-process bus cannot be down: the outage is a Redis matter.
infra::postgres_tests!(an_outage_holds_the_aggregate_then_drains_in_order);

async fn failed_events_are_listed_requeued_and_discarded(t: TestInfra) {
    use infra::sea_orm::sea_query::Expr;
    org_with_two_updates(&t).await;
    // Make the first two give up, as after the last attempt.
    let rows = Entity::find().order_by_asc(Column::Id).all(t.db()).await.unwrap();
    for row in &rows[..2] {
        Entity::update_many()
            .col_expr(Column::Status, Expr::value("failed"))
            .col_expr(Column::LastError, Expr::value("redis unreachable"))
            .filter(Column::Id.eq(row.id))
            .exec(t.db())
            .await
            .unwrap();
    }
    assert_eq!(
        relay_once(t.infra()).await.unwrap(),
        0,
        "the third waits behind its failed aggregate"
    );
    crate::helpers::create_admin(t.infra(), "root@example.com").await;
    let app = crate::helpers::spawn_app(t.infra().clone()).await;
    let token = &crate::helpers::login(&app, "root@example.com").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("outbox_events{status=\"failed\"} 2"),
        "{metrics}"
    );
    let listed: serde_json::Value = app
        .get_with("/api/v1/admin/outbox/failed", token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(listed["items"][0]["last_error"], "redis unreachable");
    let requeue = format!("/api/v1/admin/outbox/{}/requeue", rows[0].id);
    assert_eq!(
        app.post(&requeue, Some(token), &serde_json::json!({}))
            .await
            .status(),
        204
    );
    let discard = app
        .client
        .delete(format!("{}/api/v1/admin/outbox/{}", app.address, rows[1].id))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(discard.status(), 204);
    relay_once(t.infra()).await.unwrap();
    let after = Entity::find()
        .filter(Column::AggregateType.eq("organization"))
        .order_by_asc(Column::Id)
        .all(t.db())
        .await
        .unwrap();
    let statuses: Vec<&str> = after.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["published", "published"],
        "the requeued one and the one behind it went out; the discarded one is gone"
    );
    assert_eq!(after[0].id, rows[0].id);
    assert_eq!(
        app.post(&requeue, Some(token), &serde_json::json!({}))
            .await
            .status(),
        404,
        "nothing failed any more"
    );
    let audit = infra::audit::entity::Entity::find()
        .filter(infra::audit::entity::Column::Action.eq("outbox.discard"))
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.details.unwrap()["event_type"], rows[1].event_type.as_str());
}

infra::backend_tests!(failed_events_are_listed_requeued_and_discarded);

async fn a_long_blocked_aggregate_does_not_stop_the_others(t: TestInfra) {
    use infra::outbox::entity::ActiveModel;
    use infra::sea_orm::Set;
    let now = t.clock().now();
    let row = |aggregate: &str, status: &str| ActiveModel {
        id: Set(infra::ids::new_id()),
        aggregate_type: Set("organization".into()),
        aggregate_id: Set(aggregate.into()),
        event_type: Set("OrganizationUpdated".into()),
        topic: Set("organization-events".into()),
        payload: Set(serde_json::json!({})),
        metadata: Set(serde_json::json!({})),
        idempotency_key: Set(None),
        version: Set(1),
        status: Set(status.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        published_at: Set(None),
    };
    // One failed event, more than a pass of events behind it, then another aggregate's event.
    let mut rows = vec![row("busy", "failed")];
    rows.extend((0..250).map(|_| row("busy", "pending")));
    rows.push(row("quiet", "pending"));
    for chunk in rows.chunks(100) {
        Entity::insert_many(chunk.to_vec()).exec(t.db()).await.unwrap();
    }
    assert_eq!(
        relay_once(t.infra()).await.unwrap(),
        1,
        "the quiet aggregate goes out"
    );
    let quiet = Entity::find()
        .filter(Column::AggregateId.eq("quiet"))
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(quiet.status, "published");
    let waiting = Entity::find()
        .filter(Column::AggregateId.eq("busy"))
        .filter(Column::Status.eq("pending"))
        .all(t.db())
        .await
        .unwrap();
    assert_eq!(
        waiting.len(),
        250,
        "the busy aggregate waits behind its failed event"
    );
}

infra::backend_tests!(a_long_blocked_aggregate_does_not_stop_the_others);
