//! Identity over HTTP: login, capabilities per route, logout across instances.

use infra::Infra;
use infra::testing::TestInfra;
use serde_json::{Value, json};
use user_auth::{AccountService, AuthConfig};

use crate::helpers::{TestApp, spawn_app};

const PASSWORD: &str = "correct horse battery";

async fn with_admin(t: &TestInfra) -> TestApp {
    let accounts = AccountService::new(t.infra().clone(), AuthConfig::default());
    accounts
        .create_super_admin("root@example.com", PASSWORD, "Root")
        .await
        .unwrap();
    spawn_app(t.infra().clone()).await
}

async fn login(app: &TestApp, email: &str) -> Value {
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn token(pair: &Value) -> &str {
    pair["access_token"].as_str().unwrap()
}

async fn admin_creates_staff_who_is_refused_what_the_role_lacks(t: TestInfra) {
    let app = with_admin(&t).await;
    let admin = login(&app, "root@example.com").await;
    assert_eq!(admin["token_type"], "Bearer");
    assert_eq!(admin["expires_in"], 900);

    let org = app
        .post(
            "/api/v1/settings/organizations",
            Some(token(&admin)),
            &json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
        )
        .await;
    assert_eq!(org.status(), 201);
    let org: Value = org.json().await.unwrap();
    let body = json!({
        "kind": "INTERNAL", "email": "staff@example.com", "password": PASSWORD, "full_name": "Staff Member",
        "organization_id": org["id"], "roles": ["BACKOFFICE_STAFF"]
    });
    let created = app
        .post("/api/v1/settings/users", Some(token(&admin)), &body)
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["etag"], "\"1\"");
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let user: Value = created.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/settings/users/{}", user["id"].as_str().unwrap())
    );
    assert_eq!(user["roles"], json!(["BACKOFFICE_STAFF"]));
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());

    let staff = login(&app, "staff@example.com").await;
    let me: Value = app
        .get_with("/api/v1/auth/me", token(&staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "staff@example.com");
    let roles = app.get_with("/api/v1/settings/roles", token(&staff)).await;
    assert_eq!(roles.status(), 200, "BACKOFFICE_STAFF holds ROLE_READ");
    let refused = app
        .post("/api/v1/settings/users", Some(token(&staff)), &body)
        .await;
    assert_eq!(refused.status(), 403);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "capability_missing");
    assert!(problem["detail"].as_str().unwrap().contains("USER_MANAGE"));
}

async fn logout_ends_the_token_on_every_instance(t: TestInfra) {
    let app = with_admin(&t).await;
    let second = spawn_app(t.another_instance().await).await;
    let pair = login(&app, "root@example.com").await;
    assert_eq!(
        second.get_with("/api/v1/auth/me", token(&pair)).await.status(),
        200
    );
    let out = app
        .post("/api/v1/auth/logout", Some(token(&pair)), &json!({}))
        .await;
    assert_eq!(out.status(), 204);
    for instance in [&app, &second] {
        let response = instance.get_with("/api/v1/auth/me", token(&pair)).await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.json::<Value>().await.unwrap()["code"], "session_revoked");
    }
}

async fn routes_need_a_valid_token(t: TestInfra) {
    let app = with_admin(&t).await;
    let missing = app.get("/api/v1/settings/users").await;
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], "unauthenticated");
    let garbage = app.get_with("/api/v1/settings/users", "not.a.token").await;
    assert_eq!(garbage.json::<Value>().await.unwrap()["code"], "invalid_token");
    let jwks: Value = app.get("/.well-known/jwks.json").await.json().await.unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    let doc: Value = app.get("/api-docs/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(
        doc["paths"]["/api/v1/settings/users"]["post"]["security"][0]["bearer"][0],
        "USER_MANAGE"
    );
}

async fn lockout_answers_429_with_retry_after(t: TestInfra) {
    let app = with_admin(&t).await;
    let wrong = json!({"email": "root@example.com", "password": "wrong password"});
    for _ in 0..5 {
        let r = app.post("/api/v1/auth/login", None, &wrong).await;
        assert_eq!(r.status(), 401);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "invalid_credentials");
    }
    let locked = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "root@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(locked.status(), 429);
    let retry: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
}

async fn a_replayed_refresh_token_ends_the_session(t: TestInfra) {
    let app = with_admin(&t).await;
    let pair = login(&app, "root@example.com").await;
    let body = json!({"refresh_token": pair["refresh_token"]});
    let next = app.post("/api/v1/auth/refresh", None, &body).await;
    assert_eq!(next.status(), 200);
    let next: Value = next.json().await.unwrap();
    t.clock().advance(chrono::Duration::seconds(5));
    let replay = app.post("/api/v1/auth/refresh", None, &body).await;
    assert_eq!(replay.status(), 401);
    assert_eq!(
        replay.json::<Value>().await.unwrap()["code"],
        "refresh_token_reused"
    );
    assert_eq!(app.get_with("/api/v1/auth/me", token(&next)).await.status(), 401);
}

async fn stale_if_match_is_412(t: TestInfra) {
    let app = with_admin(&t).await;
    let admin = login(&app, "root@example.com").await;
    let me: Value = app
        .get_with("/api/v1/auth/me", token(&admin))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/settings/users/{}", me["id"].as_str().unwrap());
    let ok = app
        .patch(
            &path,
            token(&admin),
            Some("\"1\""),
            &json!({"full_name": "Root Admin"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["etag"], "\"2\"");
    let stale = app
        .patch(
            &path,
            token(&admin),
            Some("\"1\""),
            &json!({"full_name": "Again"}),
        )
        .await;
    assert_eq!(stale.status(), 412);
    assert_eq!(stale.json::<Value>().await.unwrap()["code"], "stale_version");
    let bad = app
        .patch(&path, token(&admin), None, &json!({"full_name": 7}))
        .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["errors"][0]["field"],
        "full_name"
    );
}

async fn otp_answers_never_hold_the_code(t: TestInfra) {
    let app = spawn_app(t.infra().clone()).await;
    let sent = app
        .post("/api/v1/auth/otp/send", None, &json!({"mobile": "9876543210"}))
        .await;
    assert_eq!(sent.status(), 200);
    let body: Value = sent.json().await.unwrap();
    assert_eq!(body, json!({"sent": true, "expires_in": 300, "resend_after": 60}));
    let again = app
        .post("/api/v1/auth/otp/send", None, &json!({"mobile": "9876543210"}))
        .await;
    assert_eq!(again.status(), 429);
    assert!(again.headers().contains_key("retry-after"));
    let wrong = app
        .post(
            "/api/v1/auth/otp/verify",
            None,
            &json!({"mobile": "9876543210", "otp": "000000"}),
        )
        .await;
    let wrong_too = app
        .post(
            "/api/v1/auth/otp/verify",
            None,
            &json!({"mobile": "9876543210", "otp": "999999"}),
        )
        .await;
    let statuses = [wrong.status().as_u16(), wrong_too.status().as_u16()];
    assert!(
        statuses.contains(&401),
        "at most one of two guesses can be right: {statuses:?}"
    );
    let bad = app
        .post("/api/v1/auth/otp/send", None, &json!({"mobile": "12"}))
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await.unwrap()["errors"][0]["field"], "mobile");
}

/// Waits until the near cache of `kv` hears its channel (on Redis; the
/// in-process store has none, and answers false).
async fn near_live(kv: &infra::Kv) -> bool {
    for _ in 0..100 {
        if kv.near().is_live() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

async fn a_capability_withdrawn_on_one_instance_is_refused_on_the_other_at_once(t: TestInfra) {
    let app = with_admin(&t).await;
    let other = t.another_instance().await;
    let second = spawn_app(other.clone()).await;
    if t.kv().is_shared() {
        assert!(
            near_live(t.kv()).await && near_live(other.kv()).await,
            "both near caches hear the channel"
        );
    }
    let admin = login(&app, "root@example.com").await;
    let org: Value = app
        .post(
            "/api/v1/settings/organizations",
            Some(token(&admin)),
            &json!({"name": "Near Cotton", "legal_name": "Near Cotton Pvt Ltd"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let body = json!({
        "kind": "INTERNAL", "email": "staff@example.com", "password": PASSWORD, "full_name": "Staff Member",
        "organization_id": org["id"], "roles": ["BACKOFFICE_STAFF"]
    });
    let user: Value = app
        .post("/api/v1/settings/users", Some(token(&admin)), &body)
        .await
        .json()
        .await
        .unwrap();
    let staff = login(&app, "staff@example.com").await;
    for _ in 0..3 {
        // Warm: the principal and the capabilities are now near on instance B.
        let roles = second.get_with("/api/v1/settings/roles", token(&staff)).await;
        assert_eq!(roles.status(), 200, "BACKOFFICE_STAFF holds ROLE_READ");
    }
    let path = format!("/api/v1/settings/users/{}/roles", user["id"].as_str().unwrap());
    let withdrawn = app
        .client
        .put(format!("{}{path}", app.address))
        .bearer_auth(token(&admin))
        .json(&json!({"roles": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), 200);
    let refused = second.get_with("/api/v1/settings/roles", token(&staff)).await;
    assert_eq!(refused.status(), 403, "refused on B as soon as A answered");
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "capability_missing"
    );
}

infra::backend_tests!(
    otp_answers_never_hold_the_code,
    admin_creates_staff_who_is_refused_what_the_role_lacks,
    logout_ends_the_token_on_every_instance,
    a_capability_withdrawn_on_one_instance_is_refused_on_the_other_at_once,
    routes_need_a_valid_token,
    lockout_answers_429_with_retry_after,
    a_replayed_refresh_token_ends_the_session,
    stale_if_match_is_412,
);
