//! The real binary: configuration errors, `migrate`, serving on the embedded
//! default and on PostgreSQL + Redis, and a graceful stop on SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use serde_json::Value;

use crate::helpers::free_port;

/// The binary with a clean environment, run in `cwd`, its errors captured.
fn command(cwd: &Path) -> Command {
    let mut cmd = crate::helpers::server_command();
    cmd.current_dir(cwd).stderr(Stdio::piped());
    cmd
}

struct Running {
    child: Child,
    address: String,
}

impl Running {
    fn start(mut cmd: Command) -> Self {
        let port = free_port();
        let child = cmd.env("BIND_ADDR", format!("127.0.0.1:{port}")).spawn().unwrap();
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn ready(&mut self) -> Value {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.address)).send().await
                && response.status() == 200
            {
                return response.json().await.unwrap();
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the server exited early with {status}");
            }
            assert!(Instant::now() < deadline, "the server did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGTERM, then the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "no graceful stop within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_bad_setting_stops_start_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(dir.path()).env("BIND_ADDR", "nowhere").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("BIND_ADDR"), "{stderr}");
}

#[test]
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let status = command(dir.path())
        .env("SQLITE_PATH", "db/app.db")
        .arg("migrate")
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("db/app.db").is_file());
}

#[test]
fn admin_create_makes_a_super_admin_once() {
    let dir = tempfile::tempdir().unwrap();
    let create = || {
        command(dir.path())
            .args([
                "admin",
                "create",
                "--email",
                "Root@Example.com",
                "--password",
                "correct horse battery",
            ])
            .stdout(Stdio::piped())
            .output()
            .unwrap()
    };
    let first = create();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("created SUPER_ADMIN root@example.com"));
    let again = create();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in use"));
    let weak = command(dir.path())
        .args([
            "admin",
            "create",
            "--email",
            "b@example.com",
            "--password",
            "short",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password: must be 8 to 128 characters"));
}

#[tokio::test]
async fn serves_on_the_embedded_default_with_nothing_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Running::start(command(dir.path()));
    let ready = server.ready().await;
    assert_eq!(ready["checks"]["database"]["backend"], "sqlite");
    assert!(
        dir.path().join("data/app.db").is_file(),
        "the default SQLite file is ./data/app.db"
    );
    let client = reqwest::Client::new();
    for path in ["/metrics", "/api-docs/openapi.json", "/docs/"] {
        let status = client
            .get(format!("{}{path}", server.address))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "{path}");
    }
    assert!(
        server.terminate().success(),
        "SIGTERM stops the server gracefully"
    );
}

#[tokio::test]
async fn migrates_postgres_and_reports_both_dependencies_ready() {
    let Some(database) = ScratchDatabase::create().await else {
        return;
    };
    let prefix = ScratchPrefix::new();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.env("DATABASE_URL", &database.url)
        .env("REDIS_URL", redis_url())
        .env("REDIS_KEY_PREFIX", &prefix.prefix);
    let mut server = Running::start(cmd);
    let ready = server.ready().await;
    assert_eq!(ready["checks"]["database"]["backend"], "postgres");
    assert_eq!(ready["checks"]["redis"]["status"], "up");
    let db = infra::sea_orm::Database::connect(&database.url).await.unwrap();
    use infra::sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(infra::sea_orm::Statement::from_string(
            infra::sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(row.try_get::<i64>("", "n").unwrap() >= 1);
    db.close().await.unwrap();
    assert!(server.terminate().success());
}
