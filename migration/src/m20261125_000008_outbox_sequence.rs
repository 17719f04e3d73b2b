//! A commit-ordered sequence for the relay on PostgreSQL, and an index of the
//! rows that hold their aggregate back.
//!
//! UUID v7 ids order events by the clock of the instance that wrote them, and
//! two instances writing to one aggregate within the same millisecond (or with
//! skewed clocks) may get ids in the wrong order. `seq` comes from one database
//! sequence, taken when the row is inserted; writes to an aggregate hold its
//! row lock until they commit, so within an aggregate `seq` follows commit
//! order. SQLite needs nothing: its writes are serialized and `rowid` is
//! insertion order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000008_outbox_sequence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The rows that hold their aggregate back (failed, or backing off after
        // an attempt): few, and what the relay asks about for every candidate.
        db.execute_unprepared(
            "CREATE INDEX ix_outbox_events_blockers ON outbox_events (aggregate_type, aggregate_id) \
             WHERE status = 'failed' OR (status = 'pending' AND attempts > 0)",
        )
        .await?;
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        // Not `ADD COLUMN … BIGSERIAL`: a volatile default rewrites the whole
        // table under an exclusive lock. The column comes without a default
        // (metadata only), then new rows take the sequence, and only rows not
        // yet published are numbered, in id order.
        for statement in [
            "CREATE SEQUENCE outbox_events_seq_seq",
            "ALTER TABLE outbox_events ADD COLUMN seq BIGINT",
            "ALTER SEQUENCE outbox_events_seq_seq OWNED BY outbox_events.seq",
            "ALTER TABLE outbox_events ALTER COLUMN seq SET DEFAULT nextval('outbox_events_seq_seq')",
            "UPDATE outbox_events AS o SET seq = numbered.n \
             FROM (SELECT id, nextval('outbox_events_seq_seq') AS n \
                   FROM (SELECT id FROM outbox_events WHERE status <> 'published' ORDER BY id) AS ordered) AS numbered \
             WHERE o.id = numbered.id",
        ] {
            db.execute_unprepared(statement).await?;
        }
        db.execute_unprepared(
            "CREATE INDEX ix_outbox_events_pending_seq ON outbox_events (seq) WHERE status = 'pending'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_outbox_events_blockers")
            .await?;
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        db.execute_unprepared("ALTER TABLE outbox_events DROP COLUMN seq")
            .await?;
        Ok(())
    }
}
