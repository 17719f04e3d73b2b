//! The module kit: gap-free counters under concurrency, a rolled-back number
//! given back, the audit log read back by resource, notifications.

use std::collections::BTreeSet;

use infra::audit::AuditFilter;
use infra::notify::{ChannelNotifier, Notification, Notifier};
use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::write::write;
use infra::{Actor, ActorKind, AppInfra, Infra, PageRequest, ServiceError};
use uuid::Uuid;

fn staff(capabilities: &[&str]) -> Actor {
    Actor::user(
        ActorKind::Internal,
        Uuid::now_v7(),
        capabilities.iter().map(|c| c.to_string()),
    )
}

/// Takes the next value of `name` in one write, audited.
async fn take(infra: &AppInfra, name: &str) -> Result<i64, ServiceError> {
    let name = name.to_owned();
    let written = write(infra, &Actor::system(), move |tx| {
        Box::pin(async move {
            let n = infra::numbering::next(tx, &name).await?;
            tx.audit("counter.take", "counter", &name, None).await?;
            Ok::<_, ServiceError>(n)
        })
    })
    .await?;
    Ok(written.value)
}

async fn fifty_concurrent_numbers_are_distinct_and_gap_free(t: TestInfra) {
    let other = t.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let infra = if i % 2 == 0 {
            t.infra().clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(
            async move { take(&infra, "partner:BP-IND-SEL").await },
        ));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        numbers.insert(task.await.unwrap().unwrap());
    }
    assert_eq!(numbers, (1..=50).collect::<BTreeSet<i64>>());
    // Another counter starts on its own.
    assert_eq!(take(t.infra(), "requirement:2026").await.unwrap(), 1);
}

async fn a_rolled_back_write_gives_its_number_back(t: TestInfra) {
    assert_eq!(take(t.infra(), "trade:2026").await.unwrap(), 1);
    let failed = write(t.infra(), &Actor::system(), |tx| {
        Box::pin(async move {
            let n = infra::numbering::next(tx, "trade:2026").await?;
            assert_eq!(n, 2);
            Err::<i64, _>(ServiceError::conflict(
                "refused",
                "the change failed after taking a number",
            ))
        })
    })
    .await;
    assert!(failed.is_err());
    assert_eq!(take(t.infra(), "trade:2026").await.unwrap(), 2);
}

async fn the_audit_log_reads_back_by_resource(t: TestInfra) {
    let target = Uuid::now_v7();
    for action in ["thing.create", "thing.update", "thing.update"] {
        write(t.infra(), &Actor::system(), move |tx| {
            Box::pin(async move {
                tx.audit(action, "thing", &target.to_string(), None).await?;
                tx.audit("other.create", "other", &Uuid::now_v7().to_string(), None)
                    .await?;
                Ok::<_, ServiceError>(())
            })
        })
        .await
        .unwrap();
    }
    let reader = Actor::user(ActorKind::SuperAdmin, Uuid::now_v7(), ["AUDIT_READ".to_owned()]);
    let filter = AuditFilter {
        resource_type: Some("thing".into()),
        resource_id: Some(target.to_string()),
    };
    let first = infra::audit::list(
        t.db(),
        &reader,
        &filter,
        PageRequest {
            limit: 2,
            after: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        first.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["thing.create", "thing.update"]
    );
    let cursor = first.next_cursor.expect("a second page");
    let rest = infra::audit::list(
        t.db(),
        &reader,
        &filter,
        PageRequest::parse(Some(2), Some(&cursor)).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(rest.next_cursor.is_none());
    let by_kind = AuditFilter {
        resource_type: Some("other".into()),
        resource_id: None,
    };
    let others = infra::audit::list(t.db(), &reader, &by_kind, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(others.items.len(), 3);
    let refused = infra::audit::list(t.db(), &staff(&[]), &filter, PageRequest::default()).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(c)) if c == "AUDIT_READ"));
    // Organization staff holding AUDIT_READ would see every tenant's rows: refused.
    let tenant = infra::audit::list(t.db(), &staff(&["AUDIT_READ"]), &filter, PageRequest::default()).await;
    assert!(matches!(tenant, Err(ServiceError::OutOfScope(_))));
}

async fn a_notification_is_one_event_for_its_users(t: TestInfra) {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    write(t.infra(), &Actor::system(), move |tx| {
        Box::pin(async move {
            let notice = Notification::new(
                "partner.approved",
                "Your application was approved",
                vec![alice, bob],
            )
            .about("partner", alice);
            ChannelNotifier.notify(tx, &notice).await?;
            ChannelNotifier
                .notify(tx, &Notification::new("nobody.told", "nothing", vec![]))
                .await?;
            tx.audit("partner.approve", "partner", &alice.to_string(), None)
                .await?;
            Ok::<_, ServiceError>(())
        })
    })
    .await
    .unwrap();
    use infra::outbox::entity::{Column, Entity};
    let rows = Entity::find()
        .filter(Column::Topic.eq(infra::notify::TOPIC))
        .all(t.db())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one event, none for an empty audience");
    let audience = infra::outbox::Audience::from_metadata(&rows[0].metadata).expect("an audience");
    assert_eq!(audience.users, vec![alice, bob]);
    assert_eq!(rows[0].payload["kind"], "partner.approved");
}

infra::backend_tests!(
    fifty_concurrent_numbers_are_distinct_and_gap_free,
    a_rolled_back_write_gives_its_number_back,
    the_audit_log_reads_back_by_resource,
    a_notification_is_one_event_for_its_users,
);
