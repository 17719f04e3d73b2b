//! Operating the outbox: counts for metrics, and the failed rows an operator
//! re-queues or discards (capability EVENTS_MANAGE).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::{DomainError, ErrorKind, InfraError};
use crate::infra::Infra;
use crate::outbox::entity::{Column, Entity, Model};
use crate::paging::{Page, PageRequest};
use crate::write::write;

/// Re-queue or discard failed events.
pub const EVENTS_MANAGE: &str = "EVENTS_MANAGE";

/// Why an outbox operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum OutboxAdminError {
    /// The caller lacks EVENTS_MANAGE.
    #[error("this action needs the EVENTS_MANAGE capability")]
    Forbidden,
    /// No failed event with that id.
    #[error("no failed event with this id")]
    NotFound,
    /// The infrastructure failed.
    #[error(transparent)]
    Infra(#[from] InfraError),
}

impl From<sea_orm::DbErr> for OutboxAdminError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Infra(e.into())
    }
}

impl DomainError for OutboxAdminError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Forbidden => ErrorKind::Forbidden,
            Self::NotFound => ErrorKind::NotFound,
            Self::Infra(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Forbidden => "capability_missing",
            Self::NotFound => "not_found",
            Self::Infra(e) => e.code(),
        }
    }
}

/// Pending and failed counts and the age of the oldest pending row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Rows waiting to be published.
    pub pending: u64,
    /// Rows that gave up.
    pub failed: u64,
    /// Seconds since the oldest pending row was appended.
    pub oldest_pending_secs: i64,
}

/// Reads [`OutboxStats`] at `now`.
pub async fn stats<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<OutboxStats, InfraError> {
    let pending = Entity::find()
        .filter(Column::Status.eq("pending"))
        .count(db)
        .await?;
    let failed = Entity::find()
        .filter(Column::Status.eq("failed"))
        .count(db)
        .await?;
    let oldest = Entity::find()
        .filter(Column::Status.eq("pending"))
        .order_by_asc(Column::Id)
        .one(db)
        .await?;
    let oldest_pending_secs = oldest.map_or(0, |row| (now - row.created_at).num_seconds().max(0));
    Ok(OutboxStats {
        pending,
        failed,
        oldest_pending_secs,
    })
}

fn require(actor: &Actor) -> Result<(), OutboxAdminError> {
    if actor.can(EVENTS_MANAGE) {
        Ok(())
    } else {
        Err(OutboxAdminError::Forbidden)
    }
}

/// A page of failed events, oldest first.
pub async fn failed<I: Infra>(
    infra: &I,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<Model>, OutboxAdminError> {
    require(actor)?;
    let mut query = Entity::find()
        .filter(Column::Status.eq("failed"))
        .order_by_asc(Column::Id)
        .limit(page.fetch());
    if let Some(after) = page.after {
        query = query.filter(Column::Id.gt(after));
    }
    Ok(Page::from_rows(query.all(infra.db()).await?, page, |r| r.id))
}

/// Puts a failed event back in line for the relay, attempts reset.
pub async fn requeue<I: Infra>(infra: &I, actor: &Actor, id: Uuid) -> Result<(), OutboxAdminError> {
    require(actor)?;
    write(infra, actor, move |tx| {
        Box::pin(async move {
            let changed = Entity::update_many()
                .col_expr(Column::Status, Expr::value("pending"))
                .col_expr(Column::Attempts, Expr::value(0))
                .col_expr(Column::NextAttemptAt, Expr::value(tx.now()))
                .filter(Column::Id.eq(id))
                .filter(Column::Status.eq("failed"))
                .exec(tx.db())
                .await?;
            if changed.rows_affected == 0 {
                return Err(OutboxAdminError::NotFound);
            }
            tx.audit("outbox.requeue", "outbox_event", &id.to_string(), None)
                .await?;
            Ok(())
        })
    })
    .await?;
    infra.outbox().committed();
    Ok(())
}

/// Discards a failed event; the audit row keeps what it was.
pub async fn discard<I: Infra>(infra: &I, actor: &Actor, id: Uuid) -> Result<(), OutboxAdminError> {
    require(actor)?;
    write(infra, actor, move |tx| {
        Box::pin(async move {
            let row = Entity::find_by_id(id)
                .filter(Column::Status.eq("failed"))
                .one(tx.db())
                .await?
                .ok_or(OutboxAdminError::NotFound)?;
            Entity::delete_by_id(id).exec(tx.db()).await?;
            let details = serde_json::json!({
                "topic": row.topic, "event_type": row.event_type, "aggregate_type": row.aggregate_type,
                "aggregate_id": row.aggregate_id, "payload": row.payload, "last_error": row.last_error,
            });
            tx.audit("outbox.discard", "outbox_event", &id.to_string(), Some(details))
                .await?;
            Ok(())
        })
    })
    .await
    .map(|_| ())
}
