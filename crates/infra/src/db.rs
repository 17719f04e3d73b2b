//! Database connections for both backends, and migrations under a lock.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::config::InfraConfig;
use crate::error::InfraError;

/// Advisory lock key held while migrations run, so instances starting together do not race.
pub const MIGRATION_LOCK_KEY: i64 = 0x5452_4144_455f_4d31;

/// Opens the pool described by `config`, with WAL, a busy timeout and foreign
/// keys on SQLite, and statement timeouts on PostgreSQL.
pub async fn connect(config: &InfraConfig) -> Result<DatabaseConnection, InfraError> {
    connect_with(config, config.db_max_connections).await
}

async fn connect_with(config: &InfraConfig, max_connections: u32) -> Result<DatabaseConnection, InfraError> {
    if let Some(path) = config.sqlite_path()
        && let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            InfraError::Config(format!(
                "cannot create the folder {} for the SQLite file: {e}",
                parent.display()
            ))
        })?;
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    let busy = config.db_acquire_timeout.max(Duration::from_secs(5));
    options
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(config.db_acquire_timeout)
        .connect_timeout(config.db_acquire_timeout)
        .statement_timeout(config.db_statement_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy)
                .foreign_keys(true)
                .create_if_missing(true)
        });
    Ok(Database::connect(options).await?)
}

/// Applies every pending migration. On PostgreSQL a session advisory lock on
/// a dedicated connection serializes instances that start together.
pub async fn migrate(config: &InfraConfig, db: &DatabaseConnection) -> Result<(), InfraError> {
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, None).await?;
        return Ok(());
    }
    let single = connect_with(config, 1).await?;
    let lock =
        |f: &str| Statement::from_string(DbBackend::Postgres, format!("SELECT {f}({MIGRATION_LOCK_KEY})"));
    single.execute_raw(lock("pg_advisory_lock")).await?;
    let result = Migrator::up(&single, None).await;
    let unlocked = single.execute_raw(lock("pg_advisory_unlock")).await;
    single.close().await?;
    result?;
    unlocked?;
    Ok(())
}

/// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite, so writers queue
/// for the lock up front instead of failing on upgrade; default on PostgreSQL.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Answers when the database executes a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}
