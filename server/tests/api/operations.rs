//! Operational routes and the error contract, on both backends.

use std::time::Duration;

use infra::sea_orm::TransactionTrait;
use infra::testing::{Backend, TestInfra};
use infra::{Infra, Kv, kv::RedisKv};
use serde_json::Value;

use crate::helpers::spawn_app;

async fn healthz_and_readyz_answer(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "up");
    match t.backend() {
        Backend::Embedded => {
            assert_eq!(body["checks"]["database"]["backend"], "sqlite");
            assert_eq!(body["checks"]["kv"]["backend"], "in-process");
        }
        Backend::Postgres => {
            assert_eq!(body["checks"]["database"]["backend"], "postgres");
            assert_eq!(body["checks"]["redis"]["status"], "up");
        }
    }
}

async fn unknown_route_is_problem_json(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "/problems/not-found");
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["status"], 404);
    assert_eq!(body["code"], "not_found");
    assert!(body["detail"].as_str().unwrap().contains("/api/v1/no-such-thing"));
}

async fn wrong_method_is_405_problem(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let response = app
        .client
        .post(format!("{}/healthz", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "method_not_allowed"
    );
}

async fn request_ids_are_echoed_or_made(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let given = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let made = app.get("/healthz").await;
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let not_found = app
        .client
        .get(format!("{}/nowhere", app.address))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(not_found.headers()["x-request-id"], "bad id with spaces");
}

async fn metrics_use_route_patterns(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    app.get("/healthz").await;
    app.get("/api/v1/unknown/123").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(
        !text.contains("/api/v1/unknown/123"),
        "raw paths must not become labels"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"pool_connections{pool="database",state="idle"}"#));
}

async fn openapi_and_docs_are_served(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let doc: Value = app.get("/api-docs/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/readyz"]["get"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let gst = &doc["paths"]["/api/v1/settings/organizations/{org_id}/gst-registrations"]["post"];
    assert_eq!(gst["security"][0]["bearer"][0], "ORG_UPDATE");
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().to_lowercase().contains("swagger"));
    let redirect = app.get("/docs").await;
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert_eq!(redirect.headers()["location"], "/docs/");
}

async fn readyz_names_the_dependency_that_is_down(t: TestInfra) {
    // A kv pointing at a closed port stands for Redis being down.
    let dead = RedisKv::connect("redis://127.0.0.1:1", 1, Duration::from_millis(300)).unwrap();
    let infra = t.infra().clone().with_kv(Kv::redis(dead, "down:"));
    let app = spawn_app(infra).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "not ready: redis unreachable");
    assert_eq!(body["checks"]["redis"]["status"], "down");
    assert_eq!(body["checks"]["database"]["status"], "up");
}

async fn exhausted_database_pool_answers_503(t: TestInfra) {
    // Two connections, both held by open transactions; a short acquire timeout.
    let mut config = t.infra().config().clone();
    config.db_max_connections = 2;
    config.db_acquire_timeout = Duration::from_millis(300);
    let db = infra::db::connect(&config).await.unwrap();
    let infra = infra::AppInfra::from_parts(db, t.kv().clone(), t.clock().clone(), config);
    // The app loads its keys first; then both connections are taken.
    let app = spawn_app(infra.clone()).await;
    let held = (
        infra::db::begin_write(infra.db()).await.unwrap(),
        infra.db().begin().await.unwrap(),
    );
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert!(response.json::<Value>().await.unwrap()["checks"]["database"]["status"] == "down");
    drop(held);
}

infra::backend_tests!(
    healthz_and_readyz_answer,
    unknown_route_is_problem_json,
    wrong_method_is_405_problem,
    request_ids_are_echoed_or_made,
    metrics_use_route_patterns,
    openapi_and_docs_are_served,
    readyz_names_the_dependency_that_is_down,
    exhausted_database_pool_answers_503,
);
