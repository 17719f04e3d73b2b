//! Scheduled jobs: one leader, and clean-ups that never touch pending or failed rows.

use infra::sea_orm::{EntityTrait, PaginatorTrait};
use infra::testing::TestInfra;
use infra::{Actor, IdempotencyKey, Infra};
use server::jobs::{clean_idempotency, clean_inbox, clean_outbox, lead};
use settings::organizations::{CreateOrganization, OrganizationService};

async fn create(t: &TestInfra, name: &str, actor: &Actor) {
    let input = CreateOrganization {
        name: name.into(),
        legal_name: format!("{name} Ltd"),
        ..Default::default()
    };
    OrganizationService::new(t.infra().clone())
        .create(actor, input)
        .await
        .unwrap();
}

async fn clean_ups_keep_what_is_not_done(t: TestInfra) {
    let keyed =
        Actor::system().with_idempotency(IdempotencyKey::for_request("k1".into(), "POST", "/x", "", b"{}"));
    create(&t, "Old Co", &keyed).await;
    server::relay::relay_once(t.infra()).await.unwrap();
    t.clock().advance(chrono::Duration::days(8));
    create(&t, "New Co", &Actor::system()).await; // still pending
    assert_eq!(
        clean_outbox(t.infra()).await.unwrap(),
        1,
        "only the old published row goes"
    );
    assert_eq!(
        infra::outbox::entity::Entity::find().count(t.db()).await.unwrap(),
        1
    );
    assert_eq!(
        clean_idempotency(t.infra()).await.unwrap(),
        1,
        "the key expired after 24 h"
    );
    assert_eq!(
        infra::idempotency::entity::Entity::find()
            .count(t.db())
            .await
            .unwrap(),
        0
    );
}

async fn one_runner_leads(t: TestInfra) {
    let other = t.another_instance().await;
    assert!(lead(t.infra(), "a").await);
    assert!(!lead(&other, "b").await);
    assert!(lead(t.infra(), "a").await, "the leader renews");
    assert!(!lead(&other, "b").await);
}

async fn inbox_rows_go_after_their_retention(t: TestInfra) {
    use infra::sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = t.db().get_database_backend();
    let insert = match backend {
        DbBackend::Postgres => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ('c', $1, $2)",
        _ => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ('c', ?, ?)",
    };
    let remember = async |at: chrono::DateTime<chrono::Utc>| {
        let values = [infra::ids::new_id().into(), at.into()];
        t.db()
            .execute_raw(Statement::from_sql_and_values(backend, insert, values))
            .await
            .unwrap();
    };
    remember(t.clock().now()).await;
    t.clock().advance(chrono::Duration::days(15));
    remember(t.clock().now()).await;
    assert_eq!(clean_inbox(t.infra()).await.unwrap(), 1, "only the old row goes");
    assert_eq!(clean_inbox(t.infra()).await.unwrap(), 0);
}

infra::backend_tests!(
    clean_ups_keep_what_is_not_done,
    one_runner_leads,
    inbox_rows_go_after_their_retention
);
