//! The [`Infra`] trait and [`AppInfra`], the bundle that implements it.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbBackend};

use crate::clock::Clock;
use crate::config::InfraConfig;
use crate::error::InfraError;
use crate::kv::{Kv, MemoryKv, RedisKv};
use crate::outbox::Outbox;

/// What every service needs. Services are generic over it:
/// `pub struct OrganizationService<I: Infra> { infra: I }`.
pub trait Infra: Clone + Send + Sync + 'static {
    /// The database: PostgreSQL or the embedded SQLite file.
    fn db(&self) -> &DatabaseConnection;
    /// The key-value store: Redis or in process.
    fn kv(&self) -> &Kv;
    /// Appends events inside the caller's transaction.
    fn outbox(&self) -> &Outbox;
    /// The application's time.
    fn clock(&self) -> &Clock;
}

/// The infrastructure bundle: PostgreSQL + Redis in production, or the
/// embedded SQLite file + in-process kv, chosen by [`InfraConfig`].
#[derive(Clone, Debug)]
pub struct AppInfra {
    db: DatabaseConnection,
    kv: Kv,
    outbox: Outbox,
    clock: Clock,
    config: Arc<InfraConfig>,
}

impl AppInfra {
    /// Connects to what `config` names. Nothing is migrated: call [`AppInfra::migrate`].
    pub async fn connect(config: &InfraConfig) -> Result<Self, InfraError> {
        config.validate()?;
        let db = crate::db::connect(config).await?;
        let kv = match &config.redis_url {
            Some(url) => Kv::redis(
                RedisKv::connect(url, config.redis_pool_size, config.redis_timeout)?,
                &config.key_prefix,
            ),
            None => Kv::memory(MemoryKv::new(), &config.key_prefix),
        };
        Ok(Self::from_parts(
            db,
            kv.with_caching(config.cache_enabled),
            Clock::system(),
            config.clone(),
        ))
    }

    /// A bundle from parts already built (tests inject a moved clock this way).
    pub fn from_parts(db: DatabaseConnection, kv: Kv, clock: Clock, config: InfraConfig) -> Self {
        let outbox = match db.get_database_backend() {
            DbBackend::Postgres => Outbox::on_postgres(db.clone()),
            _ => Outbox::new(),
        };
        Self {
            db,
            kv,
            outbox,
            clock,
            config: Arc::new(config),
        }
    }

    /// Applies pending migrations (under an advisory lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), InfraError> {
        crate::db::migrate(&self.config, &self.db).await
    }

    /// The settings this bundle was built from.
    pub fn config(&self) -> &InfraConfig {
        &self.config
    }

    /// Which database backend is in use.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// The same bundle with another kv handle (another prefix, or a second store).
    pub fn with_kv(mut self, kv: Kv) -> Self {
        self.kv = kv;
        self
    }
}

impl Infra for AppInfra {
    fn db(&self) -> &DatabaseConnection {
        &self.db
    }
    fn kv(&self) -> &Kv {
        &self.kv
    }
    fn outbox(&self) -> &Outbox {
        &self.outbox
    }
    fn clock(&self) -> &Clock {
        &self.clock
    }
}
