//! Scheduled jobs: a registry of jobs run by one leader across instances (a
//! kv lock renewed while it leads; in process when embedded). A job runs
//! every so often, or daily at an hour of business time (due by the
//! [`infra::Clock`], its last business date kept in table `job_runs` so a
//! restart or a second instance does not run it again that day; see
//! [`Runner`]). Jobs now: delete published outbox rows and expired
//! idempotency rows older than their retention — never pending or failed rows
//! — and consumers' inbox rows once no stream can deliver their event again.

mod runner;

use std::time::Duration;

use futures::future::BoxFuture;
use infra::{AppInfra, Infra};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// How long published outbox rows are kept.
pub const OUTBOX_RETENTION: chrono::Duration = chrono::Duration::days(7);
/// How long a consumer remembers an applied event: twice the streams' retention,
/// so no redelivery can outlive the memory of it.
pub const INBOX_RETENTION: chrono::Duration = chrono::Duration::days(14);
/// The kv key of the leader lock.
pub const LEADER_KEY: &str = "jobs:leader";
/// How long a leader's lock lasts without renewal.
const LEASE: Duration = Duration::from_secs(30);
/// How often the runner looks at its jobs.
const TICK: Duration = Duration::from_secs(5);

pub use runner::{Runner, last_run};

/// What a job does; answers how many rows it touched. A closure, so a job
/// may carry what its module built (a document store, a service).
pub type JobFn =
    std::sync::Arc<dyn Fn(AppInfra) -> BoxFuture<'static, Result<u64, infra::InfraError>> + Send + Sync>;

/// When a job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every so often while this instance leads (a new leader runs it at once).
    Every(Duration),
    /// Once per business day, at or after `hour` o'clock (0–23) in the business
    /// time zone (`BUSINESS_TIMEZONE`); a day missed while no instance ran is
    /// made up when one starts later that day.
    DailyAt {
        /// The hour of business time from which it is due.
        hour: u32,
    },
}

/// One scheduled job.
pub struct Job {
    /// Stable name, for logs and the `job_runs` table (at most 64 characters).
    pub name: &'static str,
    /// When it runs.
    pub schedule: Schedule,
    /// What it does.
    pub run: JobFn,
}

impl Job {
    /// A job run every `every`.
    pub fn every(
        name: &'static str,
        every: Duration,
        run: impl Fn(AppInfra) -> BoxFuture<'static, Result<u64, infra::InfraError>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            schedule: Schedule::Every(every),
            run: std::sync::Arc::new(run),
        }
    }

    /// A job run once per business day from `hour` o'clock of business time.
    ///
    /// # Panics
    /// When `hour` is not 0–23 or `name` is longer than `job_runs.name` holds
    /// (64 characters): a job declared so would never run, silently.
    pub fn daily_at(
        name: &'static str,
        hour: u32,
        run: impl Fn(AppInfra) -> BoxFuture<'static, Result<u64, infra::InfraError>> + Send + Sync + 'static,
    ) -> Self {
        assert!(
            hour < 24,
            "job {name}: the hour of a daily job is 0 to 23, not {hour}"
        );
        assert!(
            name.len() <= 64,
            "job {name}: a daily job's name holds at most 64 characters"
        );
        Self {
            name,
            schedule: Schedule::DailyAt { hour },
            run: std::sync::Arc::new(run),
        }
    }
}

/// The platform's own jobs (the operations module registers them; other
/// modules declare theirs in their entry).
pub fn registry(_: &crate::state::AppState) -> Vec<Job> {
    const HOURLY: Duration = Duration::from_secs(3600);
    vec![
        Job::every("outbox.cleanup", HOURLY, |infra| {
            Box::pin(async move { clean_outbox(&infra).await })
        }),
        Job::every("idempotency.cleanup", HOURLY, |infra| {
            Box::pin(async move { clean_idempotency(&infra).await })
        }),
        Job::every("inbox.cleanup", HOURLY, |infra| {
            Box::pin(async move { clean_inbox(&infra).await })
        }),
    ]
}

/// Deletes published outbox rows older than [`OUTBOX_RETENTION`].
pub async fn clean_outbox(infra: &AppInfra) -> Result<u64, infra::InfraError> {
    use infra::outbox::entity::{Column, Entity};
    let before = infra.clock().now() - OUTBOX_RETENTION;
    let result = Entity::delete_many()
        .filter(Column::Status.eq("published"))
        .filter(Column::PublishedAt.lt(before))
        .exec(infra.db())
        .await?;
    Ok(result.rows_affected)
}

/// Deletes idempotency rows past their expiry.
pub async fn clean_idempotency(infra: &AppInfra) -> Result<u64, infra::InfraError> {
    use infra::idempotency::entity::{Column, Entity};
    let now = infra.clock().now();
    let result = Entity::delete_many()
        .filter(sea_orm::sea_query::Expr::col(Column::ExpiresAt).lt(now))
        .exec(infra.db())
        .await?;
    Ok(result.rows_affected)
}

/// Deletes inbox rows older than [`INBOX_RETENTION`].
pub async fn clean_inbox(infra: &AppInfra) -> Result<u64, infra::InfraError> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = infra.db().get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM inbox WHERE processed_at < $1",
        _ => "DELETE FROM inbox WHERE processed_at < ?",
    };
    let before = infra.clock().now() - INBOX_RETENTION;
    let result = infra
        .db()
        .execute_raw(Statement::from_sql_and_values(backend, sql, [before.into()]))
        .await?;
    Ok(result.rows_affected())
}

/// Takes or renews the leader lock; `true` while this runner leads.
pub async fn lead(infra: &AppInfra, holder: &str) -> bool {
    let kv = infra.kv();
    match kv.get(LEADER_KEY).await {
        Ok(Some(current)) if current == holder.as_bytes() => {
            // Renew: release our own lock and take it again at once.
            matches!(
                kv.compare_and_delete(LEADER_KEY, holder.as_bytes()).await,
                Ok(true)
            ) && matches!(
                kv.set_if_absent(LEADER_KEY, holder.as_bytes(), LEASE).await,
                Ok(true)
            )
        }
        Ok(Some(_)) => false,
        Ok(None) => matches!(
            kv.set_if_absent(LEADER_KEY, holder.as_bytes(), LEASE).await,
            Ok(true)
        ),
        Err(e) => {
            tracing::warn!(error = %e, "job leader lock unavailable");
            false
        }
    }
}

/// Runs `jobs` (the modules' jobs, see `crate::modules::jobs`) until the
/// process ends; only the leader runs jobs. Daily jobs are due by the hour of
/// `timezone` (the business time zone).
pub async fn run(infra: AppInfra, jobs: Vec<Job>, timezone: chrono_tz::Tz) {
    let holder = infra::ids::new_id().to_string();
    let mut runner = Runner::new(jobs, timezone);
    loop {
        if lead(&infra, &holder).await {
            runner.tick(&infra).await;
        }
        tokio::time::sleep(TICK).await;
    }
}
