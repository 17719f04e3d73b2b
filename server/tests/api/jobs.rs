//! Scheduled jobs: one leader, clean-ups that never touch pending or failed
//! rows, and daily jobs run once per business day.

use std::time::Duration;

use chrono::Timelike;
use chrono_tz::Tz;
use futures::future::BoxFuture;
use infra::sea_orm::{EntityTrait, PaginatorTrait};
use infra::testing::TestInfra;
use infra::{Actor, AppInfra, Clock, IdempotencyKey, Infra, InfraError};
use server::jobs::{Job, Runner, clean_idempotency, clean_inbox, clean_outbox, last_run, lead};
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

const ZONE: Tz = chrono_tz::Asia::Kolkata;
const RUNS: &str = "test:daily-runs";

/// Moves `clocks` to one minute before the next full hour of business time
/// at least two hours ahead (never midnight); answers that hour.
fn just_before_an_hour(clocks: &[&Clock]) -> u32 {
    let now = clocks[0].now().with_timezone(&ZONE);
    let mut ahead = now + chrono::Duration::hours(3);
    if ahead.hour() == 0 {
        ahead += chrono::Duration::hours(1);
    }
    let at = ahead
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap();
    for clock in clocks {
        clock.advance(at - now - chrono::Duration::minutes(1));
    }
    at.hour()
}

fn count(infra: AppInfra) -> BoxFuture<'static, Result<u64, InfraError>> {
    Box::pin(async move {
        let n = infra.kv().increment(RUNS, 1, Duration::from_secs(600)).await?;
        Ok(n as u64)
    })
}

fn fail(_: AppInfra) -> BoxFuture<'static, Result<u64, InfraError>> {
    Box::pin(async { Err(InfraError::Invariant("this job fails")) })
}

async fn runs(infra: &AppInfra) -> i64 {
    infra
        .kv()
        .increment(RUNS, 0, Duration::from_secs(600))
        .await
        .unwrap()
}

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

async fn a_daily_job_runs_at_its_hour_not_before(t: TestInfra) {
    let hour = just_before_an_hour(&[t.clock()]);
    let mut runner = Runner::new(vec![Job::daily_at("test.daily", hour, count)], ZONE);
    assert!(runner.tick(&t).await.is_empty(), "not due a minute before");
    assert_eq!(last_run(&t, "test.daily").await.unwrap(), None);
    t.clock().advance(minutes(2));
    assert_eq!(runner.tick(&t).await, ["test.daily"]);
    assert!(runner.tick(&t).await.is_empty(), "once a day");
    assert_eq!(runs(&t).await, 1);
    let (day, _) = last_run(&t, "test.daily").await.unwrap().unwrap();
    assert_eq!(day, t.clock().now().with_timezone(&ZONE).date_naive());
}

async fn a_daily_job_does_not_run_twice_in_a_day_across_a_restart(t: TestInfra) {
    let hour = just_before_an_hour(&[t.clock()]);
    t.clock().advance(minutes(2));
    let job = || vec![Job::daily_at("test.daily", hour, count)];
    assert_eq!(Runner::new(job(), ZONE).tick(&t).await, ["test.daily"]);
    let mut restarted = Runner::new(job(), ZONE);
    assert!(restarted.tick(&t).await.is_empty(), "the day is taken");
    t.clock().advance(chrono::Duration::hours(23));
    assert!(
        restarted.tick(&t).await.is_empty(),
        "not before the hour next day"
    );
    t.clock().advance(chrono::Duration::hours(1));
    assert_eq!(
        restarted.tick(&t).await,
        ["test.daily"],
        "the next day at the hour"
    );
    assert_eq!(runs(&t).await, 2);
}

async fn a_failed_daily_job_gives_its_day_back(t: TestInfra) {
    let hour = just_before_an_hour(&[t.clock()]);
    t.clock().advance(minutes(2));
    let job = || vec![Job::daily_at("test.failing", hour, fail)];
    let mut runner = Runner::new(job(), ZONE);
    assert_eq!(runner.tick(&t).await, ["test.failing"]);
    assert!(
        runner.tick(&t).await.is_empty(),
        "this runner pauses before trying again"
    );
    let today = t.clock().now().with_timezone(&ZONE).date_naive();
    let (day, _) = last_run(&t, "test.failing").await.unwrap().unwrap();
    assert!(day < today, "the day was given back");
    assert_eq!(Runner::new(job(), ZONE).tick(&t).await, ["test.failing"]);
}

async fn two_instances_racing_run_a_daily_job_once(t: TestInfra) {
    let other = t.another_instance().await;
    let hour = just_before_an_hour(&[t.clock(), other.clock()]);
    t.clock().advance(minutes(2));
    other.clock().advance(minutes(2));
    const NAMES: [&str; 5] = ["race.1", "race.2", "race.3", "race.4", "race.5"];
    let jobs = || NAMES.iter().map(|n| Job::daily_at(n, hour, count)).collect();
    let (mut a, mut b) = (Runner::new(jobs(), ZONE), Runner::new(jobs(), ZONE));
    let (ran_a, ran_b) = tokio::join!(a.tick(t.infra()), b.tick(&other));
    let mut ran: Vec<&str> = ran_a.into_iter().chain(ran_b).collect();
    ran.sort();
    assert_eq!(ran, NAMES, "each job ran on exactly one instance");
    assert_eq!(runs(&t).await, 5);
}

infra::backend_tests!(
    clean_ups_keep_what_is_not_done,
    one_runner_leads,
    inbox_rows_go_after_their_retention,
    a_daily_job_runs_at_its_hour_not_before,
    a_daily_job_does_not_run_twice_in_a_day_across_a_restart,
    a_failed_daily_job_gives_its_day_back
);
infra::postgres_tests!(two_instances_racing_run_a_daily_job_once);
