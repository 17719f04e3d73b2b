//! Liveness and readiness.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use infra::Infra;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::problem::ApiError;
use crate::state::AppState;

/// How long a dependency check may take before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is up.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// One dependency's state.
#[derive(Serialize, ToSchema)]
pub struct Check {
    /// `up` or `down`.
    pub status: &'static str,
    /// What is behind it (`postgres`, `sqlite`, `redis`, `in-process`).
    pub backend: &'static str,
    /// Why it is down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Every dependency is reachable.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: &'static str,
    /// Each dependency by name: `database`, and `redis` or `kv`.
    pub checks: std::collections::BTreeMap<&'static str, Check>,
}

/// Liveness: answers while the process serves requests.
#[utoipa::path(get, path = "/healthz", operation_id = "operations.healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database and the kv store are reachable; 503 names the one that is not.
#[utoipa::path(get, path = "/readyz", operation_id = "operations.readyz", tag = "operations", responses(
    (status = 200, body = Readiness),
    (status = 503, description = "A dependency is down; `detail` names it", body = crate::http::problem::Problem,
        content_type = "application/problem+json"),
))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let infra = &state.infra;
    let db_backend = if infra.config().is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let (kv_name, kv_backend) = if infra.kv().is_shared() {
        ("redis", "redis")
    } else {
        ("kv", "in-process")
    };
    let (db, kv) = tokio::join!(within(infra::db::ping(infra.db())), within(infra.kv().ping()),);
    let mut checks = std::collections::BTreeMap::new();
    checks.insert("database", check(db_backend, db));
    checks.insert(kv_name, check(kv_backend, kv));
    let down: Vec<&str> = checks
        .iter()
        .filter(|(_, c)| c.status == "down")
        .map(|(name, _)| *name)
        .collect();
    if down.is_empty() {
        return Ok(HttpResponse::Ok().json(Readiness {
            status: "ready",
            checks,
        }));
    }
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "dependency_unavailable",
        format!("not ready: {} unreachable", down.join(" and ")),
    )
    .with_extension("checks", json!(checks)))
}

async fn within<E: std::fmt::Display>(check: impl Future<Output = Result<(), E>>) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    }
}

fn check(backend: &'static str, result: Result<(), String>) -> Check {
    match result {
        Ok(()) => Check {
            status: "up",
            backend,
            error: None,
        },
        Err(e) => Check {
            status: "down",
            backend,
            error: Some(e),
        },
    }
}
