//! Counting the work behind the requests: SQL statements from
//! `pg_stat_statements` (made available first when PostgreSQL lacks it) and
//! Redis commands from `INFO commandstats`.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use infra::sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use infra::testing::{admin_database_url, redis_url};

const EXTENSION: &str = "pg_stat_statements";

async fn connect(url: &str) -> Result<DatabaseConnection, infra::sea_orm::DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .connect_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    Database::connect(options).await
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn text(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a row");
    row.try_get_by_index::<String>(0).unwrap()
}

async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a row");
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Makes `pg_stat_statements` collect: when `shared_preload_libraries` lacks
/// it, adds it with `ALTER SYSTEM` and restarts the local cluster with
/// `pg_ctlcluster`, saying so. Run before anything else connects.
pub async fn ensure_pg_stat_statements() {
    let url = admin_database_url();
    let admin = connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} must be running (just services-up): {e}"));
    let libraries = text(&admin, "SHOW shared_preload_libraries").await;
    if libraries.split(',').any(|l| l.trim() == EXTENSION) {
        admin.close().await.ok();
        return;
    }
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(&host.as_str()),
        "PostgreSQL at {url} does not preload {EXTENSION} and is not local: add it to \
         shared_preload_libraries and restart it, then run the bench again"
    );
    let wanted = if libraries.trim().is_empty() {
        EXTENSION.to_owned()
    } else {
        format!("{libraries},{EXTENSION}")
    };
    let alter = format!("ALTER SYSTEM SET shared_preload_libraries = '{wanted}'");
    exec(&admin, &alter).await;
    admin.close().await.ok();
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("/etc/postgresql (a Debian cluster) to restart PostgreSQL")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max_by_key(|v| {
            v.split('.')
                .map(|n| n.parse::<u32>().unwrap_or(0))
                .collect::<Vec<_>>()
        })
        .expect("a version under /etc/postgresql");
    println!("PostgreSQL did not preload {EXTENSION}: ran `{alter}`");
    println!("restarting it: pg_ctlcluster --skip-systemctl-redirect {version} main restart");
    // The server daemons must not inherit this process's descriptors (a lock
    // the bench runs under would be held for as long as PostgreSQL runs).
    let script = format!(
        "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; \
         exec pg_ctlcluster --skip-systemctl-redirect {version} main restart"
    );
    let restarted = Command::new("bash")
        .args(["-c", &script])
        .status()
        .is_ok_and(|s| s.success());
    assert!(restarted, "pg_ctlcluster {version} main restart failed");
    let deadline = Instant::now() + Duration::from_secs(60);
    let admin = loop {
        match connect(&url).await {
            Ok(db) => break db,
            Err(e) if Instant::now() > deadline => panic!("PostgreSQL did not come back: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    };
    let libraries = text(&admin, "SHOW shared_preload_libraries").await;
    assert!(
        libraries.contains(EXTENSION),
        "after the restart shared_preload_libraries is still '{libraries}'"
    );
    println!("PostgreSQL is back, shared_preload_libraries = '{libraries}'");
    admin.close().await.ok();
}

/// One reading of both counters.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// `sum(calls)` of the scratch database's statements.
    pub sql: i64,
    /// `calls=` of every Redis command, by command.
    pub redis: BTreeMap<String, u64>,
}

/// What happened between two snapshots.
#[derive(Debug, Clone, Default)]
pub struct Delta {
    pub sql: i64,
    /// Redis commands, the measuring `INFO` taken out.
    pub redis: i64,
    /// By command (the measuring `INFO` taken out).
    pub redis_by_command: BTreeMap<String, i64>,
}

/// Reads the counters from connections of its own: the maintenance database
/// (so its statements are not the scratch database's) and one Redis connection.
pub struct Counters {
    admin: DatabaseConnection,
    dbid: i64,
    redis: redis::aio::MultiplexedConnection,
}

impl Counters {
    /// Installs the extension in the scratch database (and in the maintenance
    /// database, where its view is read) and connects.
    pub async fn connect(scratch_url: &str) -> Self {
        let scratch = connect(scratch_url).await.unwrap();
        exec(&scratch, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
        scratch.close().await.ok();
        let admin = connect(&admin_database_url()).await.unwrap();
        exec(&admin, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
        let name = url::Url::parse(scratch_url)
            .unwrap()
            .path()
            .trim_start_matches('/')
            .to_owned();
        let dbid = number(
            &admin,
            &format!("SELECT oid::bigint FROM pg_database WHERE datname = '{name}'"),
        )
        .await;
        let client = redis::Client::open(redis_url()).unwrap();
        let redis = client.get_multiplexed_async_connection().await.unwrap();
        Self { admin, dbid, redis }
    }

    /// The counters now.
    pub async fn snapshot(&mut self) -> Snapshot {
        let sql = number(
            &self.admin,
            &format!(
                "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {}",
                self.dbid
            ),
        )
        .await;
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query_async(&mut self.redis)
            .await
            .unwrap();
        Snapshot {
            sql,
            redis: commandstats(&info),
        }
    }
}

/// `cmdstat_get:calls=12,usec=...` lines as calls by command.
fn commandstats(info: &str) -> BTreeMap<String, u64> {
    info.lines()
        .filter_map(|line| {
            let (name, fields) = line.trim().strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = fields
                .split(',')
                .find_map(|f| f.strip_prefix("calls="))?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .collect()
}

impl Snapshot {
    /// From `self` (taken before) to `after`. The earlier `INFO` is counted in
    /// the later reading (Redis counts a command after it ran), so one `INFO`
    /// is taken out.
    pub fn delta(&self, after: &Snapshot) -> Delta {
        let mut by_command = BTreeMap::new();
        for (name, calls) in &after.redis {
            let before = self.redis.get(name).copied().unwrap_or(0);
            let mut n = *calls as i64 - before as i64;
            if name == "info" {
                n -= 1;
            }
            if n != 0 {
                by_command.insert(name.clone(), n);
            }
        }
        Delta {
            sql: after.sql - self.sql,
            redis: by_command.values().sum(),
            redis_by_command: by_command,
        }
    }
}

impl Delta {
    /// The sum of two deltas.
    pub fn add(&mut self, other: &Delta) {
        self.sql += other.sql;
        self.redis += other.redis;
        for (name, n) in &other.redis_by_command {
            *self.redis_by_command.entry(name.clone()).or_default() += n;
        }
    }
}
