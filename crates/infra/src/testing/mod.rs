//! Test support (feature `testing`): one test body runs on both backends.
//!
//! - embedded: a SQLite file in a temporary folder and the in-process kv;
//! - PostgreSQL + Redis: a database cloned per test from a migrated template
//!   (built once under an advisory lock, rebuilt when the migrations change),
//!   and a Redis key prefix per test. Both are removed when the test ends, and
//!   leftovers of crashed runs are swept.
//!
//! The real backends come from `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and `TEST_REDIS_URL` (default
//! `redis://127.0.0.1:6379`). Under `CI=true` they are required: a test fails
//! when they are missing. Otherwise it says so loudly and skips that backend.
//!
//! ```ignore
//! async fn creates_once(t: infra::testing::TestInfra) { /* use &*t as an AppInfra */ }
//! infra::backend_tests!(creates_once);
//! ```
#![allow(clippy::expect_used, clippy::panic)] // test support: a broken set-up must stop the test loudly

use std::ops::Deref;
use std::time::Duration;

use crate::clock::Clock;
use crate::config::InfraConfig;
use crate::infra::AppInfra;
use crate::kv::{Kv, MemoryKv, RedisKv};

mod postgres;
mod rows;

pub use rows::partner_row;

use postgres::{admin_connection, clone_database, database_url, exec, reachable, template, unix_now};

/// Which backend a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file + in-process kv.
    Embedded,
    /// PostgreSQL + Redis.
    Postgres,
}

/// Runs each named `async fn(TestInfra)` twice: `NAME::embedded` and `NAME::postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn embedded() {
                super::$name($crate::testing::TestInfra::embedded().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(t) = $crate::testing::TestInfra::postgres().await {
                    super::$name(t).await;
                }
            }
        }
    )+};
}

/// Runs each named `async fn(TestInfra)` on PostgreSQL + Redis only
/// (`NAME::postgres`), for behaviour the embedded backend does not have.
#[macro_export]
macro_rules! postgres_tests {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(t) = $crate::testing::TestInfra::postgres().await {
                    super::$name(t).await;
                }
            }
        }
    )+};
}

/// An isolated [`AppInfra`] for one test, removed when dropped.
pub struct TestInfra {
    infra: AppInfra,
    backend: Backend,
    cleanup: Cleanup,
}

impl Deref for TestInfra {
    type Target = AppInfra;
    fn deref(&self) -> &AppInfra {
        &self.infra
    }
}

/// Whether the real backends are required (`CI=true`).
pub fn real_backends_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The PostgreSQL server tests use (its maintenance database).
pub fn admin_database_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The Redis server tests use.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn unique_suffix() -> String {
    uuid::Uuid::now_v7().simple().to_string()[20..].to_owned()
}

impl TestInfra {
    /// A fresh infra on `backend`; `None` when PostgreSQL or Redis is missing outside CI.
    pub async fn start(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Embedded => Some(Self::embedded().await),
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A migrated SQLite file in a temporary folder and an in-process kv.
    pub async fn embedded() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder for the test database");
        let mut config = InfraConfig::embedded(dir.path().join("test.db"));
        config.key_prefix = format!("test:{}:", unique_suffix());
        let infra = AppInfra::connect(&config)
            .await
            .expect("open the SQLite test database");
        infra.migrate().await.expect("migrate the SQLite test database");
        let cleanup = Cleanup {
            database: None,
            redis_prefix: None,
            _dir: Some(dir),
        };
        Self {
            infra,
            backend: Backend::Embedded,
            cleanup,
        }
    }

    /// A database cloned from the migrated template and a Redis key prefix of
    /// its own; `None` (with a notice) when the servers are missing outside CI.
    pub async fn postgres() -> Option<Self> {
        if let Err(why) = reachable().await {
            if real_backends_required() {
                panic!("CI=true requires PostgreSQL and Redis for tests, but {why}");
            }
            eprintln!(
                "\n*** SKIPPED the PostgreSQL + Redis half of this test: {why}.\n*** Start them (just services-up) or set TEST_DATABASE_URL / TEST_REDIS_URL.\n"
            );
            return None;
        }
        let template = template().await;
        let name = format!("ct_t_{}_{}", unix_now(), unique_suffix());
        let admin = admin_connection().await;
        clone_database(&admin, &template, &name).await;
        admin.close().await.ok();
        let mut config = InfraConfig::postgres_redis(database_url(&name), redis_url());
        config.key_prefix = format!("test:{}:", unique_suffix());
        config.db_max_connections = 24;
        let infra = AppInfra::connect(&config)
            .await
            .expect("connect to the cloned test database");
        let cleanup = Cleanup {
            database: Some(name),
            redis_prefix: Some(config.key_prefix.clone()),
            _dir: None,
        };
        Some(Self {
            infra,
            backend: Backend::Postgres,
            cleanup,
        })
    }

    /// The backend this test runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The bundle under test.
    pub fn infra(&self) -> &AppInfra {
        &self.infra
    }

    /// A second, independent bundle on the same database and key prefix, as a
    /// second server instance would have (own pools, own clock, own outbox signal).
    pub async fn another_instance(&self) -> AppInfra {
        let config = self.infra.config().clone();
        let db = crate::db::connect(&config)
            .await
            .expect("connect a second instance");
        let kv = match (&config.redis_url, self.cleanup.redis_prefix.is_some()) {
            (Some(url), true) => Kv::redis(
                RedisKv::connect(url, config.redis_pool_size, config.redis_timeout).expect("redis pool"),
                &config.key_prefix,
            ),
            _ => crate::Infra::kv(&self.infra).clone(),
        };
        AppInfra::from_parts(db, kv, Clock::system(), config)
    }
}

/// Removes what a test made: its database and its Redis keys. Runs on a thread
/// of its own so that it also works while the test's runtime unwinds a panic.
struct Cleanup {
    database: Option<String>,
    redis_prefix: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let database = self.database.take();
        let prefix = self.redis_prefix.take();
        if database.is_none() && prefix.is_none() {
            return;
        }
        let job = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Some(prefix) = prefix
                    && let Ok(kv) = RedisKv::connect(&redis_url(), 1, Duration::from_secs(3))
                {
                    let _ = Kv::redis(kv, prefix).clear_prefix().await;
                }
                if let Some(name) = database {
                    let admin = admin_connection().await;
                    let _ = exec(&admin, format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                    admin.close().await.ok();
                }
            });
        });
        let _ = job.join();
    }
}

/// A kv on the in-process store with a fresh prefix, for kv conformance tests.
pub fn memory_kv() -> Kv {
    Kv::memory(MemoryKv::new(), format!("test:{}:", unique_suffix()))
}

/// An empty PostgreSQL database (no migrations), dropped with this value; for
/// tests of the real binary migrating from nothing.
pub struct ScratchDatabase {
    /// Its URL.
    pub url: String,
    _cleanup: Cleanup,
}

impl ScratchDatabase {
    /// A new empty database; `None` (with a notice) when PostgreSQL is missing outside CI.
    pub async fn create() -> Option<Self> {
        if let Err(why) = reachable().await {
            if real_backends_required() {
                panic!("CI=true requires PostgreSQL and Redis for tests, but {why}");
            }
            eprintln!("\n*** SKIPPED a PostgreSQL test: {why}.\n");
            return None;
        }
        let name = format!("ct_t_{}_{}", unix_now(), unique_suffix());
        let admin = admin_connection().await;
        exec(&admin, format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create a scratch database");
        admin.close().await.ok();
        let cleanup = Cleanup {
            database: Some(name.clone()),
            redis_prefix: None,
            _dir: None,
        };
        Some(Self {
            url: database_url(&name),
            _cleanup: cleanup,
        })
    }
}

/// A fresh Redis key prefix, whose keys are deleted when the guard drops.
pub struct ScratchPrefix {
    /// The prefix.
    pub prefix: String,
    _cleanup: Cleanup,
}

impl ScratchPrefix {
    /// A new prefix under `test:`.
    pub fn new() -> Self {
        let prefix = format!("test:{}:", unique_suffix());
        Self {
            prefix: prefix.clone(),
            _cleanup: Cleanup {
                database: None,
                redis_prefix: Some(prefix),
                _dir: None,
            },
        }
    }
}

impl Default for ScratchPrefix {
    fn default() -> Self {
        Self::new()
    }
}
