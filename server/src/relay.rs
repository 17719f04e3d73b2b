//! The outbox relay: publishes committed `outbox_events` rows to one Redis
//! stream per topic (`{prefix}events:{topic}`, trimmed by age) and marks them
//! published. One relay per database is active at a time (a session advisory
//! lock on a connection of its own; others stand by and take over when it
//! goes). Rows are claimed by status in commit order, never by a high-water mark,
//! so a late commit with an older id is still delivered; a row that fails is
//! retried with exponential back-off and, after the last attempt, marked
//! `failed`; later rows of its aggregate wait behind it.

use std::collections::HashSet;
use std::time::Duration;

use infra::outbox::entity::{Column, Entity, Model};
use infra::{AppInfra, Infra};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub use infra::events::{STREAM_RETENTION, dead_letter_key, oldest_kept, stream_key};

/// Advisory lock key of the active relay.
pub const RELAY_LOCK_KEY: i64 = 0x5452_4144_455f_5231;
/// Rows claimed per pass, sent to Redis in one pipeline.
pub const BATCH: u64 = 200;
/// Attempts before a row is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// The rows of a pass, for the statement that marks them: on PostgreSQL one
/// JSON array parameter, so the statement text (and its prepared plan) is the
/// same whatever the pass's size; elsewhere an `IN` list.
fn published_ids(backend: DbBackend, due: &[Model]) -> sea_orm::Condition {
    let condition = sea_orm::Condition::all();
    if backend == DbBackend::Postgres {
        let ids: Vec<String> = due.iter().map(|r| r.id.to_string()).collect();
        let ids = serde_json::Value::from(ids).to_string();
        return condition.add(Expr::cust_with_values(
            "outbox_events.id IN (SELECT value::uuid FROM json_array_elements_text($1::json))",
            [ids],
        ));
    }
    condition.add(Column::Id.is_in(due.iter().map(|r| r.id)))
}

/// Publishes one pass of due rows; answers how many were published.
///
/// Rows go in commit order per aggregate: PostgreSQL's `seq` (one database
/// sequence), SQLite's `rowid` (writes are serialized). Not the id: UUID v7
/// follows the clock of whichever instance wrote the row.
///
/// The due rows of a pass go to Redis in one pipeline and are marked
/// published in one statement after it succeeded: a relay killed in between
/// leaves them pending, and the next one publishes them again (consumers
/// dedupe by event id). When the pipeline fails, the first row of each
/// aggregate counts an attempt and backs off; the rows behind it wait.
pub async fn relay_once(infra: &AppInfra) -> Result<usize, infra::InfraError> {
    let db = infra.db();
    let now = infra.clock().now();
    // Due rows whose aggregate has nothing in their way: no failed row, and no
    // earlier pending row still waiting for its back-off (only a row that was
    // tried can wait; index `ix_outbox_events_blockers` holds just those).
    // Asked in the query, so a busy blocked aggregate never fills a pass with
    // rows that must wait.
    let order = match infra.backend() {
        DbBackend::Postgres => "seq",
        _ => "rowid",
    };
    let unblocked = Expr::cust_with_values(
        format!(
            "NOT EXISTS (SELECT 1 FROM outbox_events AS earlier \
             WHERE earlier.aggregate_type = outbox_events.aggregate_type \
             AND earlier.aggregate_id = outbox_events.aggregate_id \
             AND (earlier.status = 'failed' OR (earlier.status = 'pending' AND earlier.attempts > 0 \
             AND earlier.{order} < outbox_events.{order} AND earlier.next_attempt_at > $1)))"
        ),
        [now],
    );
    let due = Entity::find()
        .filter(Column::Status.eq("pending"))
        // A row never tried is due at once: its `next_attempt_at` is its
        // writer's transaction start, which may lie after a later row's.
        .filter(
            sea_orm::Condition::any()
                .add(Column::Attempts.eq(0))
                .add(Column::NextAttemptAt.lte(now)),
        )
        .filter(unblocked)
        .order_by_asc(Expr::cust(order))
        .limit(BATCH)
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    match infra::events::publish(infra, &due).await {
        Ok(()) => {
            Entity::update_many()
                .col_expr(Column::Status, Expr::value("published"))
                .col_expr(Column::PublishedAt, Expr::value(now))
                .filter(published_ids(infra.backend(), &due))
                // Never over a row an operator failed or discarded meanwhile.
                .filter(Column::Status.eq("pending"))
                .exec(db)
                .await?;
            Ok(due.len())
        }
        Err(e) => {
            // The first row of each aggregate counts the attempt; the rows
            // behind it wait for it, untouched.
            let mut seen = HashSet::new();
            for row in &due {
                if seen.insert((&row.aggregate_type, &row.aggregate_id)) {
                    back_off(infra, row, &e.to_string()).await?;
                }
            }
            Ok(0)
        }
    }
}

/// Counts a failed attempt on `row`: later with exponential back-off, or
/// `failed` after the last attempt.
async fn back_off(infra: &AppInfra, row: &Model, error: &str) -> Result<(), infra::InfraError> {
    let attempts = row.attempts + 1;
    let backoff = chrono::Duration::milliseconds(500 * 2_i64.pow(attempts.min(12) as u32));
    let status = if attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "pending"
    };
    tracing::warn!(event = %row.id, attempts, status, error, "event not published");
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::LastError, Expr::value(error))
        .col_expr(Column::NextAttemptAt, Expr::value(infra.clock().now() + backoff))
        .filter(Column::Id.eq(row.id))
        .exec(infra.db())
        .await?;
    Ok(())
}

/// Runs the relay until the process ends: waits for leadership (PostgreSQL),
/// then publishes whenever a commit signals or every `poll`.
pub async fn run(infra: AppInfra, poll: Duration) {
    loop {
        match lead(&infra, poll).await {
            Ok(()) => {}
            Err(e) => tracing::warn!(error = %e, "relay stopped; retrying"),
        }
        tokio::time::sleep(poll).await;
    }
}

/// This process's relay leads while it lives: its writes need not notify.
struct Leading<'a>(&'a infra::Outbox);

impl<'a> Leading<'a> {
    fn mark(outbox: &'a infra::Outbox) -> Self {
        outbox.set_leading(true);
        Self(outbox)
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.0.set_leading(false);
    }
}

async fn lead(infra: &AppInfra, poll: Duration) -> Result<(), infra::InfraError> {
    let wake = infra.outbox().wakeups();
    if infra.backend() != DbBackend::Postgres {
        // Embedded: one process, one relay; woken in process after each commit.
        loop {
            while relay_once(infra).await? == BATCH as usize {}
            let _ = tokio::time::timeout(poll, wake.notified()).await;
        }
    }
    let config_error = |e: sea_orm::sqlx::Error| infra::InfraError::Config(format!("relay: {e}"));
    let pool = infra.db().get_postgres_connection_pool();
    // Leadership is a session lock on a connection this relay keeps: if the
    // process dies, the connection and the lock go with it.
    // Detached from the pool: on any exit the connection closes and the lock
    // goes with it, instead of returning to the pool still held.
    let mut holder = pool.acquire().await.map_err(config_error)?.detach();
    let leads: bool = sea_orm::sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(RELAY_LOCK_KEY)
        .fetch_one(&mut holder)
        .await
        .map_err(config_error)?;
    if !leads {
        return Ok(()); // another instance leads; stand by
    }
    tracing::info!("relay active");
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool)
        .await
        .map_err(config_error)?;
    listener
        .listen(infra::outbox::NOTIFY_CHANNEL)
        .await
        .map_err(config_error)?;
    // This process's commits wake it in process; other processes notify it.
    let _leading = Leading::mark(infra.outbox());
    let mut checked = std::time::Instant::now();
    loop {
        while relay_once(infra).await? == BATCH as usize {}
        // Woken by a commit of this process, a notification from another, or the poll.
        tokio::select! {
            _ = listener.recv() => {}
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
        if checked.elapsed() >= poll {
            // Keep the lock's connection alive and check it is still ours, once a poll.
            sea_orm::sqlx::query("SELECT 1")
                .execute(&mut holder)
                .await
                .map_err(config_error)?;
            checked = std::time::Instant::now();
        }
    }
}
