//! The write helper: every change runs here, in one transaction that claims the
//! durable idempotency key first, then applies the change, appends its events,
//! records its audit row, stores the result on the key row, and commits. The
//! events, audit rows and the key's result are written together at the end
//! (one statement on PostgreSQL, see `close`).
//!
//! ```no_run
//! # use infra::{Actor, AppInfra, InfraError, NewEvent};
//! # async fn demo(infra: &AppInfra, actor: &Actor) -> Result<(), InfraError> {
//! let written = infra::write::write(infra, actor, |tx| {
//!     Box::pin(async move {
//!         let id = infra::ids::new_id();
//!         // ... insert rows with `tx.db()` ...
//!         tx.emit(NewEvent::new("organization-events", "OrganizationCreated", "organization", id, 1, &id)?).await?;
//!         tx.audit("organization.create", "organization", &id.to_string(), None).await?;
//!         Ok::<_, InfraError>(id)
//!     })
//! })
//! .await?;
//! if written.replayed { /* the same key was applied before; nothing ran now */ }
//! # Ok(()) }
//! ```

mod close;

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::InfraError;
use crate::idempotency::{self, Claim};
use crate::infra::Infra;
use crate::outbox::{NewEvent, Outbox};

/// The result of a write, and whether it was replayed from an earlier request
/// with the same idempotency key instead of running now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written<T> {
    /// The change's result.
    pub value: T,
    /// `true` when nothing ran because the key was already applied.
    pub replayed: bool,
}

/// The open transaction a change runs in, with the outbox and the audit log at hand.
pub struct WriteTx {
    txn: DatabaseTransaction,
    actor: Actor,
    outbox: Outbox,
    now: DateTime<Utc>,
    closing: Mutex<close::Closing>,
}

impl WriteTx {
    /// The transaction: run every query of the change on it.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The caller.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The clock reading taken when the transaction began; use it for every
    /// timestamp of the change so they agree.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn closing(&self) -> std::sync::MutexGuard<'_, close::Closing> {
        self.closing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends an event to the outbox in this transaction (its row is
    /// inserted with the others when the write ends, before the commit).
    pub async fn emit(&self, event: NewEvent) -> Result<Uuid, DbErr> {
        let (id, row) = Outbox::row(&self.actor, event, self.now)?;
        self.closing().events.push(row);
        Ok(id)
    }

    /// Records the audit row of this change: `action` on `resource_type`
    /// `resource_id` (inserted when the write ends, before the commit).
    pub async fn audit(
        &self,
        action: &str,
        resource_type: &str,
        resource_id: &str,
        details: Option<Value>,
    ) -> Result<(), DbErr> {
        let row = crate::audit::row(&self.actor, action, resource_type, resource_id, details, self.now);
        self.closing().audits.push(row);
        Ok(())
    }
}

/// Runs `change` as one atomic write for `actor`.
///
/// When the actor carries an idempotency key, the durable key row is claimed
/// first: a key already applied returns its stored result (`replayed: true`)
/// without running `change`; a key used for a different request fails with
/// [`InfraError::IdempotencyKeyReused`]. Any error from `change` rolls back
/// everything, the key row included, so a retry may run again. The change must
/// record at least one audit row.
pub async fn write<I, T, E, F>(infra: &I, actor: &Actor, change: F) -> Result<Written<T>, E>
where
    I: Infra,
    T: Serialize + DeserializeOwned + Send,
    E: From<InfraError> + Send,
    F: for<'c> FnOnce(&'c WriteTx) -> BoxFuture<'c, Result<T, E>> + Send,
{
    let now = infra.clock().now();
    let txn = crate::db::begin_write(infra.db())
        .await
        .map_err(InfraError::from)?;
    let scope = actor.idempotency_scope();
    if let Some(key) = &actor.idempotency {
        let expires_at = now + chrono::Duration::from_std(key.retention).unwrap_or(chrono::Duration::days(1));
        if let Claim::Replay(stored) = idempotency::claim(&txn, &scope, key, now, expires_at).await? {
            txn.rollback().await.map_err(InfraError::from)?;
            key.replayed.set();
            let value = serde_json::from_value(stored).map_err(InfraError::from)?;
            return Ok(Written {
                value,
                replayed: true,
            });
        }
    }
    let tx = WriteTx {
        txn,
        actor: actor.clone(),
        outbox: infra.outbox().clone(),
        now,
        closing: Mutex::new(close::Closing::default()),
    };
    let value = match change(&tx).await {
        Ok(value) => value,
        Err(e) => {
            // Dropping the transaction rolls it back as well; an explicit rollback
            // returns the connection at once.
            let _ = tx.txn.rollback().await;
            return Err(e);
        }
    };
    finish(tx, &scope, &value).await?;
    Ok(Written {
        value,
        replayed: false,
    })
}

async fn finish<T: Serialize>(tx: WriteTx, scope: &str, value: &T) -> Result<(), InfraError> {
    let mut closing = tx.closing.into_inner().unwrap_or_else(|p| p.into_inner());
    if closing.audits.is_empty() {
        return Err(InfraError::Invariant(
            "a write must record an audit row (WriteTx::audit) before it commits",
        ));
    }
    if let Some(key) = &tx.actor.idempotency {
        closing.key = Some((
            scope.to_owned(),
            key.key.clone(),
            serde_json::to_value(value)?,
            tx.now,
        ));
    }
    let evented = !closing.events.is_empty();
    close::run(&tx.txn, closing).await?;
    tx.txn.commit().await?;
    if evented {
        tx.outbox.committed();
    }
    Ok(())
}
