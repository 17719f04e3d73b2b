//! Scheduled jobs: a registry of jobs run by one leader across instances (a
//! kv lock renewed while it leads; in process when embedded). Jobs now: delete
//! published outbox rows and expired idempotency rows older than their
//! retention — never pending or failed rows — and consumers' inbox rows once
//! no stream can deliver their event again.

use std::time::{Duration, Instant};

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

/// One scheduled job.
pub struct Job {
    /// Stable name, for logs.
    pub name: &'static str,
    /// How often it runs.
    pub every: Duration,
    /// What it does; answers how many rows it touched.
    pub run: fn(AppInfra) -> BoxFuture<'static, Result<u64, infra::InfraError>>,
}

/// The platform's own jobs (the operations module registers them; other
/// modules declare theirs in their entry).
pub fn registry() -> Vec<Job> {
    vec![
        Job {
            name: "outbox.cleanup",
            every: Duration::from_secs(3600),
            run: |infra| Box::pin(async move { clean_outbox(&infra).await }),
        },
        Job {
            name: "idempotency.cleanup",
            every: Duration::from_secs(3600),
            run: |infra| Box::pin(async move { clean_idempotency(&infra).await }),
        },
        Job {
            name: "inbox.cleanup",
            every: Duration::from_secs(3600),
            run: |infra| Box::pin(async move { clean_inbox(&infra).await }),
        },
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
/// process ends; only the leader runs jobs.
pub async fn run(infra: AppInfra, jobs: Vec<Job>) {
    let holder = infra::ids::new_id().to_string();
    let mut last_run: Vec<Option<Instant>> = vec![None; jobs.len()];
    loop {
        if lead(&infra, &holder).await {
            for (job, last) in jobs.iter().zip(last_run.iter_mut()) {
                if last.is_some_and(|at| at.elapsed() < job.every) {
                    continue;
                }
                *last = Some(Instant::now());
                match (job.run)(infra.clone()).await {
                    Ok(rows) => tracing::info!(job = job.name, rows, "job ran"),
                    Err(e) => {
                        tracing::warn!(job = job.name, error = %e, "job failed; it runs again next time")
                    }
                }
            }
        }
        tokio::time::sleep(TICK).await;
    }
}
