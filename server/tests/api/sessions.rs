//! Session management over HTTP: list, revoke one device, revoke all others.

use infra::testing::TestInfra;
use serde_json::{Value, json};
use user_auth::{AccountService, AuthConfig};

use crate::helpers::{TestApp, spawn_app};

const PASSWORD: &str = "correct horse battery";

async fn login_as(app: &TestApp, email: &str, agent: &str) -> String {
    let pair: Value = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .header("user-agent", agent)
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    pair["access_token"].as_str().unwrap().to_owned()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn a_user_revokes_another_device_everywhere(t: TestInfra) {
    let accounts = AccountService::new(t.infra().clone(), AuthConfig::default());
    accounts
        .create_super_admin("root@example.com", PASSWORD, "Root")
        .await
        .unwrap();
    accounts
        .create_super_admin("other@example.com", PASSWORD, "Other")
        .await
        .unwrap();
    let app = spawn_app(t.infra().clone()).await;
    let second = spawn_app(t.another_instance().await).await;
    let phone = login_as(
        &app,
        "root@example.com",
        "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36",
    )
    .await;
    let laptop = login_as(
        &app,
        "root@example.com",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15",
    )
    .await;
    let stranger = login_as(&app, "other@example.com", "curl/8.5.0").await;

    let listed: Value = app
        .get_with("/api/v1/auth/sessions", &phone)
        .await
        .json()
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "only the caller's own sessions");
    let current: Vec<&Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"]["type"], "mobile");
    let laptop_id = items.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(items[0]["created_at"].is_string() && items[0]["last_active_at"].is_string());

    let stranger_try = delete(&app, &format!("/api/v1/auth/sessions/{laptop_id}"), &stranger).await;
    assert_eq!(
        stranger_try.status(),
        404,
        "another user's session is not theirs to see"
    );
    assert_eq!(second.get_with("/api/v1/auth/me", &laptop).await.status(), 200);

    assert_eq!(
        delete(&app, &format!("/api/v1/auth/sessions/{laptop_id}"), &phone)
            .await
            .status(),
        204
    );
    for instance in [&app, &second] {
        assert_eq!(instance.get_with("/api/v1/auth/me", &laptop).await.status(), 401);
    }
    assert_eq!(app.get_with("/api/v1/auth/me", &phone).await.status(), 200);

    let tablet = login_as(
        &app,
        "root@example.com",
        "Mozilla/5.0 (iPad; CPU OS 17_0) Safari/605.1.15",
    )
    .await;
    assert_eq!(delete(&app, "/api/v1/auth/sessions", &phone).await.status(), 204);
    assert_eq!(
        second.get_with("/api/v1/auth/me", &tablet).await.status(),
        401,
        "all others ended"
    );
    assert_eq!(
        second.get_with("/api/v1/auth/me", &phone).await.status(),
        200,
        "the current one stays"
    );
    assert_eq!(
        second.get_with("/api/v1/auth/me", &stranger).await.status(),
        200,
        "other users untouched"
    );
    let events = {
        use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        infra::outbox::entity::Entity::find()
            .filter(infra::outbox::entity::Column::EventType.eq("SessionRevoked"))
            .count(infra::Infra::db(t.infra()))
            .await
            .unwrap()
    };
    assert_eq!(events, 2, "one SessionRevoked event per ended session");
}

async fn a_user_completes_its_own_profile(t: TestInfra) {
    AccountService::new(t.infra().clone(), AuthConfig::default())
        .create_super_admin("root@example.com", PASSWORD, "Root")
        .await
        .unwrap();
    let app = spawn_app(t.infra().clone()).await;
    let token = login_as(&app, "root@example.com", "curl/8.5.0").await;
    let bad = app
        .post(
            "/api/v1/auth/profile",
            Some(&token),
            &json!({"full_name": "X", "email": "nope"}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let fields: Vec<Value> = bad.json::<Value>().await.unwrap()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!("full_name"), json!("email")]);
    let ok = app
        .post(
            "/api/v1/auth/profile",
            Some(&token),
            &json!({"full_name": "Root Administrator"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap()["full_name"],
        "Root Administrator"
    );
}

infra::backend_tests!(
    a_user_revokes_another_device_everywhere,
    a_user_completes_its_own_profile
);
