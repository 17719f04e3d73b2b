//! The inbox: a consumer applies an event once, its id written to table
//! `inbox` in the same transaction as the effect.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::{Consumer, Delivered};
use crate::write::write;
use crate::{Actor, AppInfra, InfraError};

#[derive(Debug)]
enum ApplyError {
    Duplicate,
    Infra(InfraError),
}

impl From<InfraError> for ApplyError {
    fn from(e: InfraError) -> Self {
        Self::Infra(e)
    }
}

impl From<sea_orm::DbErr> for ApplyError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Infra(e.into())
    }
}

/// Applies `event` with `consumer` unless its inbox already holds it (then
/// nothing runs and the answer is `Ok` as well); an event of a type the
/// consumer does not want is passed over the same way.
pub(super) async fn apply_once(
    infra: &AppInfra,
    consumer: Arc<dyn Consumer>,
    event: Delivered,
) -> Result<(), InfraError> {
    if !super::consumer::wants(consumer.as_ref(), &event.event_type) {
        return Ok(());
    }
    let name = consumer.name();
    let result = write(infra, &Actor::system(), move |tx| {
        Box::pin(async move {
            let backend = tx.db().get_database_backend();
            let sql = match backend {
                DbBackend::Postgres => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                _ => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            };
            let inserted = tx
                .db()
                .execute_raw(Statement::from_sql_and_values(backend, sql, [name.into(), event.event_id.into(), tx.now().into()]))
                .await?;
            if inserted.rows_affected() == 0 {
                return Err(ApplyError::Duplicate);
            }
            consumer.apply(tx, &event).await?;
            Ok(())
        })
    })
    .await;
    match result {
        Ok(_) | Err(ApplyError::Duplicate) => Ok(()),
        Err(ApplyError::Infra(e)) => Err(e),
    }
}
