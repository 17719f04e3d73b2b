//! The PostgreSQL side of test isolation: a migrated template built once
//! (under an advisory lock, keyed by the migrations' fingerprint), a clone per
//! test, and the sweep of leftovers from crashed runs.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use tokio::sync::OnceCell;

use crate::config::InfraConfig;
use crate::kv::{Kv, RedisKv};

use super::{admin_database_url, redis_url};

pub(super) async fn reachable() -> Result<(), String> {
    let mut options = ConnectOptions::new(admin_database_url());
    options
        .max_connections(1)
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3));
    options.sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|e| format!("PostgreSQL at {} is not answering ({e})", admin_database_url()))?;
    db.close().await.ok();
    let kv = RedisKv::connect(&redis_url(), 1, Duration::from_secs(3)).map_err(|e| e.to_string())?;
    Kv::redis(kv, "probe:")
        .ping()
        .await
        .map_err(|e| format!("Redis at {} is not answering ({e})", redis_url()))
}

pub(super) fn database_url(name: &str) -> String {
    let mut url = url::Url::parse(&admin_database_url()).expect("TEST_DATABASE_URL must be a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(super) async fn admin_connection() -> DatabaseConnection {
    let mut options = ConnectOptions::new(admin_database_url());
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options)
        .await
        .expect("connect to the PostgreSQL maintenance database")
}

pub(super) async fn exec(db: &DatabaseConnection, sql: String) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .map(|_| ())
}

pub(super) async fn names(db: &DatabaseConnection, like: &str) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE $1",
            [like.into()],
        ))
        .await
        .expect("list databases");
    rows.iter()
        .filter_map(|r| r.try_get::<String>("", "datname").ok())
        .collect()
}

/// The template's name changes with the set of migrations, so a schema change
/// builds a new one.
pub(super) fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for m in Migrator::migrations() {
        hash.update(m.name().as_bytes());
        hash.update(b"\n");
    }
    hash.update(migration::FINGERPRINT.as_bytes());
    format!("ct_tmpl_{}", &hex::encode(hash.finalize())[..16])
}

pub(super) const TEMPLATE_LOCK_KEY: i64 = 0x5452_4144_455f_5431;
/// Test databases older than this are leftovers of crashed runs.
pub(super) const LEFTOVER_AGE_SECS: u64 = 6 * 3600;

/// Builds the migrated template once per process (and once across processes,
/// under an advisory lock), sweeping stale templates and leftover clones.
pub(super) async fn template() -> String {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let admin = admin_connection().await;
            exec(&admin, format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})"))
                .await
                .expect("template lock");
            for stale in names(&admin, "ct\\_tmpl\\_%").await {
                if stale != name {
                    exec(
                        &admin,
                        format!("DROP DATABASE IF EXISTS \"{stale}\" WITH (FORCE)"),
                    )
                    .await
                    .ok();
                }
            }
            for old in names(&admin, "ct\\_t\\_%").await {
                let born = old
                    .split('_')
                    .nth(2)
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(0);
                if unix_now().saturating_sub(born) > LEFTOVER_AGE_SECS {
                    exec(&admin, format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
                        .await
                        .ok();
                }
            }
            if names(&admin, &name).await.is_empty() {
                let wip = format!("{name}_wip");
                exec(&admin, format!("DROP DATABASE IF EXISTS \"{wip}\" WITH (FORCE)"))
                    .await
                    .expect("drop wip");
                exec(&admin, format!("CREATE DATABASE \"{wip}\""))
                    .await
                    .expect("create template");
                let config = InfraConfig::postgres_redis(database_url(&wip), redis_url());
                let db = crate::db::connect(&config)
                    .await
                    .expect("connect to the template");
                crate::db::migrate(&config, &db)
                    .await
                    .expect("migrate the template");
                db.close().await.ok();
                exec(&admin, format!("ALTER DATABASE \"{wip}\" RENAME TO \"{name}\""))
                    .await
                    .expect("publish template");
            }
            exec(&admin, format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})"))
                .await
                .ok();
            admin.close().await.ok();
            name
        })
        .await
        .clone()
}

pub(super) async fn clone_database(admin: &DatabaseConnection, template: &str, name: &str) {
    let mut attempt = 0;
    loop {
        match exec(
            admin,
            format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
        )
        .await
        {
            Ok(()) => return,
            Err(e) if attempt < 50 && e.to_string().contains("being accessed by other users") => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot clone the test template into {name}: {e}"),
        }
    }
}
