//! Idempotent writes over HTTP, on both backends and across two instances.

use futures::future::join_all;
use infra::Infra;
use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use infra::testing::TestInfra;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, create_admin, login, spawn_app};

const ORGS: &str = "/api/v1/settings/organizations";

async fn admin(t: &TestInfra, app: &TestApp) -> String {
    if settings::users::entity::user::Entity::find()
        .count(t.db())
        .await
        .unwrap()
        == 0
    {
        create_admin(t.infra(), "root@example.com").await;
    }
    login(app, "root@example.com").await
}

async fn post_keyed(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}{ORGS}", app.address))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn created_events(t: &TestInfra) -> u64 {
    infra::outbox::entity::Entity::find()
        .filter(infra::outbox::entity::Column::EventType.eq("OrganizationCreated"))
        .count(t.db())
        .await
        .unwrap()
}

async fn a_repeat_replays_the_first_answer(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let token = admin(&t, &app).await;
    let body = json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"});
    let first = post_keyed(&app, &token, "create-org-1", &body).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (location, etag) = (
        first.headers()["location"].clone(),
        first.headers()["etag"].clone(),
    );
    let first_body = first.text().await.unwrap();
    let again = post_keyed(&app, &token, "create-org-1", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["etag"], etag);
    assert_eq!(again.text().await.unwrap(), first_body);
    assert_eq!(created_events(&t).await, 1);

    let other = post_keyed(
        &app,
        &token,
        "create-org-1",
        &json!({"name": "Other", "legal_name": "Other Ltd"}),
    )
    .await;
    assert_eq!(other.status(), 422);
    assert_eq!(
        other.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );
    assert_eq!(created_events(&t).await, 1);
}

async fn a_retry_after_the_kv_store_lost_everything_changes_nothing(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let token = admin(&t, &app).await;
    let body = json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"});
    let first = post_keyed(&app, &token, "wiped", &body).await;
    assert_eq!(first.status(), 201);
    let first_body: Value = first.json().await.unwrap();
    t.kv().clear_prefix().await.unwrap();
    let token = admin(&t, &app).await;
    let retry = post_keyed(&app, &token, "wiped", &body).await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().await.unwrap(), first_body);
    assert_eq!(created_events(&t).await, 1, "still one row, one event");
    let orgs = settings::organizations::entity::organization::Entity::find()
        .count(t.db())
        .await
        .unwrap();
    assert_eq!(orgs, 1);
}

async fn bad_keys_are_400_and_unauthenticated_attempts_are_not_stored(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let token = admin(&t, &app).await;
    let body = json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"});
    let long = "k".repeat(256);
    for bad in [long.as_str(), "has space", ""] {
        let response = post_keyed(&app, &token, bad, &body).await;
        assert_eq!(response.status(), 400, "{bad:?}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["errors"][0]["field"],
            "Idempotency-Key"
        );
    }
    let unauthenticated = post_keyed(&app, "not-a-token", "retry-me", &body).await;
    assert_eq!(unauthenticated.status(), 401);
    let ok = post_keyed(&app, &token, "retry-me", &body).await;
    assert_eq!(
        ok.status(),
        201,
        "a 401 is not stored: the same key may be retried"
    );
    assert!(ok.headers().get("idempotent-replayed").is_none());
}

async fn business_refusals_are_replayed_too(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let token = admin(&t, &app).await;
    let body = json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"});
    assert_eq!(post_keyed(&app, &token, "a", &body).await.status(), 201);
    let taken = post_keyed(&app, &token, "b", &body).await;
    assert_eq!(taken.status(), 409);
    let again = post_keyed(&app, &token, "b", &body).await;
    assert_eq!(again.status(), 409);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}

async fn token_routes_are_never_replayed(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    admin(&t, &app).await;
    let login = json!({"email": "root@example.com", "password": PASSWORD});
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("idempotency-key", "login-key")
            .json(&login)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("idempotent-replayed").is_none());
        tokens.push(response.json::<Value>().await.unwrap()["refresh_token"].clone());
    }
    assert_ne!(tokens[0], tokens[1]);
}

async fn forty_concurrent_requests_on_two_instances_apply_once(t: TestInfra) {
    let first = spawn_app(t.infra().clone()).await;
    let second = spawn_app(t.another_instance().await).await;
    let token = admin(&t, &first).await;
    let body = json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"});
    let calls = (0..40).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        post_keyed(app, &token, "race", &body)
    });
    let mut statuses = Vec::new();
    let mut bodies = Vec::new();
    for response in join_all(calls).await {
        let status = response.status().as_u16();
        statuses.push(status);
        if status == 201 {
            bodies.push(response.json::<Value>().await.unwrap());
        }
    }
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert!(!bodies.is_empty());
    assert!(
        bodies.iter().all(|b| b["id"] == bodies[0]["id"]),
        "every success names the same organization"
    );
    assert_eq!(created_events(&t).await, 1, "one effect");
    let later = post_keyed(&second, &token, "race", &body).await;
    assert_eq!(later.status(), 201);
    assert_eq!(later.headers()["idempotent-replayed"], "true");
}

infra::backend_tests!(
    a_repeat_replays_the_first_answer,
    a_retry_after_the_kv_store_lost_everything_changes_nothing,
    bad_keys_are_400_and_unauthenticated_attempts_are_not_stored,
    business_refusals_are_replayed_too,
    token_routes_are_never_replayed,
    forty_concurrent_requests_on_two_instances_apply_once,
);

async fn an_oversized_keyed_body_is_413_problem_json(t: TestInfra) {
    let config = server::config::Config {
        max_body_bytes: 64,
        ..server::config::Config::default()
    };
    let app = crate::helpers::spawn_with(t.infra().clone(), config).await;
    let token = admin(&t, &app).await;
    let body = json!({"name": "x".repeat(200), "legal_name": "Shree Cotton Pvt Ltd"});
    let response = post_keyed(&app, &token, "big", &body).await;
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

infra::backend_tests!(an_oversized_keyed_body_is_413_problem_json);
