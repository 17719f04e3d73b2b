//! How to reach the database and the key-value store.

use std::path::Path;
use std::time::Duration;

use crate::error::InfraError;

/// Connection settings for an [`crate::AppInfra`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfraConfig {
    /// `postgres://…` for production, `sqlite://PATH?mode=rwc` for the embedded mode.
    pub database_url: String,
    /// `redis://…`; `None` keeps the kv in process (embedded mode, one instance only).
    pub redis_url: Option<String>,
    /// Every kv key is stored under this prefix.
    pub key_prefix: String,
    /// Most database connections in the pool.
    pub db_max_connections: u32,
    /// How long a request waits for a database connection before answering 503.
    pub db_acquire_timeout: Duration,
    /// Longest a PostgreSQL statement may run.
    pub db_statement_timeout: Duration,
    /// Multiplexed Redis connections (each carries many requests at once).
    pub redis_pool_size: usize,
    /// How long to wait for a Redis connection.
    pub redis_timeout: Duration,
    /// Whether read caches keep values (off only to measure them).
    pub cache_enabled: bool,
}

impl InfraConfig {
    /// The embedded mode: a SQLite file at `path` and the in-process kv.
    pub fn embedded(path: impl AsRef<Path>) -> Self {
        Self {
            database_url: format!("sqlite://{}?mode=rwc", path.as_ref().display()),
            redis_url: None,
            ..Self::defaults()
        }
    }

    /// The production mode: PostgreSQL and Redis.
    pub fn postgres_redis(database_url: impl Into<String>, redis_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            redis_url: Some(redis_url.into()),
            ..Self::defaults()
        }
    }

    fn defaults() -> Self {
        Self {
            database_url: String::new(),
            redis_url: None,
            key_prefix: "ct:".to_owned(),
            db_max_connections: 16,
            db_acquire_timeout: Duration::from_secs(5),
            db_statement_timeout: Duration::from_secs(30),
            redis_pool_size: 2,
            redis_timeout: Duration::from_secs(2),
            cache_enabled: true,
        }
    }

    /// Whether the database is PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://") || self.database_url.starts_with("postgresql://")
    }

    /// Checks the settings, naming what is wrong and how to fix it.
    pub fn validate(&self) -> Result<(), InfraError> {
        let bad = |m: String| Err(InfraError::Config(m));
        if !(self.is_postgres() || self.database_url.starts_with("sqlite:")) {
            return bad("DATABASE_URL must start with postgres:// or sqlite: (leave it unset for the embedded SQLite file)".into());
        }
        if let Some(url) = &self.redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return bad(
                "REDIS_URL must start with redis:// or rediss:// (leave it unset for the in-process store)"
                    .into(),
            );
        }
        if self.db_max_connections < 2 {
            return bad("DB_MAX_CONNECTIONS must be at least 2: a write holds one connection while reads may need another".into());
        }
        if self.key_prefix.is_empty() {
            return bad("REDIS_KEY_PREFIX must not be empty: it keeps this deployment's keys apart".into());
        }
        Ok(())
    }

    /// The SQLite file path of an embedded URL, if this is one.
    pub fn sqlite_path(&self) -> Option<&str> {
        let rest = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        Some(rest.split('?').next().unwrap_or(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_setting() {
        assert!(InfraConfig::embedded("./data/app.db").validate().is_ok());
        assert_eq!(
            InfraConfig::embedded("./data/app.db").sqlite_path(),
            Some("./data/app.db")
        );
        let err = InfraConfig::postgres_redis("mysql://x", "redis://y")
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("DATABASE_URL"));
        let err = InfraConfig::postgres_redis("postgres://x", "http://y")
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("REDIS_URL"));
    }
}
