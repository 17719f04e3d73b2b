//! Shared infrastructure for every module of the trading platform.
//!
//! The [`Infra`] trait bundles the four things a service needs: the database
//! ([`Infra::db`]), the key-value store ([`Infra::kv`], Redis or in-process),
//! the transactional [`Outbox`] and the injectable [`Clock`]. Services are
//! generic over it; [`AppInfra`] is the bundle the server and library users build,
//! either on PostgreSQL + Redis or on the embedded SQLite file + in-process kv.
//!
//! Every change goes through [`write::write`]: one transaction, the durable
//! idempotency claim, outbox events and an audit row, committed together.
//!
//! The module kit, used by every domain crate: [`change`] (one event + one
//! audit row + the field diff), [`rows`] (versioned rows, the one
//! stale-version check, soft deletes), [`references`] (deletes refused while
//! referenced), [`children`] (one generic child service), [`numbering`]
//! (gap-free counters), [`notify`] (telling people), [`ServiceError`] (the
//! shared error kinds) and [`audit::list`] (reading the audit log back).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig, Infra};
//!
//! # async fn demo() -> Result<(), infra::InfraError> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let actor = Actor::system();
//! let written = infra::write::write(&infra, &actor, |tx| {
//!     Box::pin(async move {
//!         tx.audit("noop", "example", "1", None).await?;
//!         Ok::<_, infra::InfraError>(42)
//!     })
//! })
//! .await?;
//! assert_eq!(written.value, 42);
//! # Ok(()) }
//! ```

pub mod actor;
mod announce;
pub mod audit;
pub mod cache;
pub mod change;
pub mod children;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod ids;
mod infra;
pub mod kv;
pub mod money;
pub mod notify;
pub mod numbering;
pub mod outbox;
pub mod outbox_admin;
pub mod paging;
pub mod references;
pub mod rows;
pub mod service_error;
pub mod write;

#[cfg(feature = "testing")]
pub mod testing;

pub use actor::{Actor, ActorKind};
pub use cache::Cache;
pub use clock::Clock;
pub use config::InfraConfig;
pub use error::{DomainError, ErrorKind, FieldError, InfraError, ValidationError, Validator};
pub use idempotency::IdempotencyKey;
pub use infra::{AppInfra, Infra};
pub use kv::{Kv, KvError};
pub use money::{Money, Quantity};
pub use outbox::{NewEvent, Outbox};
pub use paging::{Page, PageRequest};
pub use service_error::ServiceError;
pub use write::{WriteTx, Written};

/// Re-exported so that modules and tests use the same sea-orm as infra.
pub use sea_orm;
