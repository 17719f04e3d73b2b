//! The README's tour (`scripts/tour.sh`, docs/tour.md) against the real
//! binary, on the embedded default and on PostgreSQL + Redis (a fresh
//! database and key prefix), so that the tour cannot rot.

use std::path::PathBuf;
use std::process::{Command, Output};

use infra::testing::{ScratchDatabase, ScratchPrefix, real_backends_required, redis_url};

/// The last step the tour runs (`TOUR_UNTIL`); `None` runs the whole tour.
const UNTIL: Option<&str> = None;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/tour.sh")
}

/// Whether bash, curl and jq are here; without them the tour is skipped
/// with a notice, or fails under `CI=true`.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["bash", "curl", "jq"]
        .into_iter()
        .filter(|tool| {
            Command::new(tool)
                .arg("--version")
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !real_backends_required(),
        "CI=true requires {} for the tour (.ci/run installs them)",
        missing.join(", ")
    );
    eprintln!("\n*** SKIPPED the tour: {} missing.\n", missing.join(", "));
    false
}

/// Runs the tour with `backend` (`DATABASE_URL`, `REDIS_URL`,
/// `REDIS_KEY_PREFIX`; none for the embedded default) and checks it passed
/// on the database `expected` names (`sqlite` or `postgres`).
fn tour(backend: &[(&str, String)], expected: &str) {
    let mut cmd = Command::new("bash");
    cmd.arg(script())
        .env("SERVER_BIN", env!("CARGO_BIN_EXE_server"))
        .env_remove("TOUR_KEEP");
    for var in ["DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX", "TOUR_UNTIL"] {
        cmd.env_remove(var);
    }
    if let Some(until) = UNTIL {
        cmd.env("TOUR_UNTIL", until);
    }
    for (var, value) in backend {
        cmd.env(var, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run scripts/tour.sh");
    let (stdout, stderr) = (String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr));
    assert!(
        status.success(),
        "the tour failed ({status}):\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("tour complete"), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("database {expected}")),
        "the tour ran on {expected}: {stdout}"
    );
    assert!(
        !stdout.contains("FAILED") && !stderr.contains("FAILED"),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn the_tour_passes_on_the_embedded_default() {
    if tools_present() {
        tour(&[], "sqlite");
    }
}

#[tokio::test]
async fn the_tour_passes_on_postgres_and_redis() {
    if !tools_present() {
        return;
    }
    let Some(database) = ScratchDatabase::create().await else {
        return;
    };
    let prefix = ScratchPrefix::new();
    let backend = vec![
        ("DATABASE_URL", database.url.clone()),
        ("REDIS_URL", redis_url()),
        ("REDIS_KEY_PREFIX", prefix.prefix.clone()),
    ];
    tokio::task::spawn_blocking(move || tour(&backend, "postgres"))
        .await
        .expect("the tour's thread");
    drop(prefix);
    drop(database);
}
