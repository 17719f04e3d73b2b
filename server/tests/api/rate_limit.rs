//! Rate limits over HTTP: exact quotas, headers, shared by two instances,
//! preflight not counted, fail open and closed when the store is down.

use std::time::Duration;

use infra::testing::TestInfra;
use infra::{Kv, kv::RedisKv};
use serde_json::{Value, json};
use server::config::Config;

use crate::helpers::{PASSWORD, create_admin, login, spawn_with};

fn limited(anonymous: &str, tiers: &str) -> Config {
    Config {
        rate_limit_anonymous: anonymous.into(),
        rate_limit_tiers: tiers.into(),
        ..Config::default()
    }
}

async fn anonymous_quota_is_exact_and_shared_by_two_instances(t: TestInfra) {
    let config = limited("60/4", "ADMIN=10000/1000");
    let first = spawn_with(t.infra().clone(), config.clone()).await;
    let second = spawn_with(t.another_instance().await, config).await;
    let mut remaining = Vec::new();
    for (i, app) in [&first, &second, &first, &second].into_iter().enumerate() {
        let response = app.get("/api/v1/settings/roles").await;
        assert_eq!(
            response.status(),
            401,
            "request {i} passes the limit and meets authentication"
        );
        assert_eq!(response.headers()["ratelimit-policy"], "\"anonymous\";q=60;w=60");
        let header = response.headers()["ratelimit"].to_str().unwrap().to_owned();
        remaining.push(header);
    }
    assert_eq!(remaining[0], "\"anonymous\";r=3;t=1");
    assert!(remaining[3].starts_with("\"anonymous\";r=0;"), "{}", remaining[3]);
    for app in [&first, &second] {
        let refused = app.get("/api/v1/settings/roles").await;
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers()["content-type"], "application/problem+json");
        let retry: u64 = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(retry, 1, "one request per second refills");
        assert!(refused.headers().contains_key("ratelimit"));
        assert_eq!(refused.json::<Value>().await.unwrap()["code"], "rate_limited");
    }
    let metrics = first.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("rate_limit_rejections_total{policy=\"anonymous\"} 1"),
        "{metrics}"
    );
}

async fn users_are_limited_by_tier(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_with(t.infra().clone(), limited("60/20", "ADMIN=60/3")).await;
    let token = login(&app, "root@example.com").await;
    for _ in 0..3 {
        let ok = app.get_with("/api/v1/auth/me", &token).await;
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.headers()["ratelimit-policy"], "\"tier-admin\";q=60;w=60");
    }
    assert_eq!(app.get_with("/api/v1/auth/me", &token).await.status(), 429);
}

async fn preflight_requests_are_not_counted(t: TestInfra) {
    let app = spawn_with(t.infra().clone(), limited("60/2", "ADMIN=10000/1000")).await;
    for _ in 0..5 {
        let preflight = app
            .client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/settings/roles", app.address),
            )
            .send()
            .await
            .unwrap();
        assert_ne!(preflight.status(), 429);
        assert!(preflight.headers().get("ratelimit").is_none());
    }
    assert_eq!(app.get("/api/v1/settings/roles").await.status(), 401);
    assert_eq!(app.get("/api/v1/settings/roles").await.status(), 401);
    assert_eq!(app.get("/api/v1/settings/roles").await.status(), 429);
}

async fn a_dead_store_fails_open_for_traffic_and_closed_for_login(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let healthy = spawn_with(t.infra().clone(), Config::default()).await;
    let token = login(&healthy, "root@example.com").await;
    let dead = RedisKv::connect("redis://127.0.0.1:1", 1, Duration::from_millis(200)).unwrap();
    let app = spawn_with(
        t.infra().clone().with_kv(Kv::redis(dead, "down:")),
        Config::default(),
    )
    .await;
    let me = app.get_with("/api/v1/auth/me", &token).await;
    assert_eq!(me.status(), 200, "general traffic passes while the store is down");
    assert!(me.headers().get("ratelimit").is_none());
    let refused = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "root@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(refused.status(), 503, "authentication fails closed");
    assert!(refused.headers().contains_key("retry-after"));
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("rate_limit_store_errors_total{outcome=\"open\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("rate_limit_store_errors_total{outcome=\"closed\"} 1"),
        "{metrics}"
    );
}

async fn forwarded_addresses_count_only_from_trusted_proxies(t: TestInfra) {
    let config = Config {
        trusted_proxies: "127.0.0.1".into(),
        ..limited("60/1", "ADMIN=10000/1000")
    };
    let app = spawn_with(t.infra().clone(), config).await;
    let from = |ip: &'static str| {
        app.client
            .get(format!("{}/api/v1/settings/roles", app.address))
            .header("x-forwarded-for", ip)
            .send()
    };
    assert_eq!(from("203.0.113.1").await.unwrap().status(), 401);
    assert_eq!(from("203.0.113.1").await.unwrap().status(), 429);
    assert_eq!(
        from("203.0.113.2").await.unwrap().status(),
        401,
        "another client behind the proxy has its own bucket"
    );
    assert_eq!(
        from("198.51.100.7, 203.0.113.2").await.unwrap().status(),
        429,
        "read right to left: the proxy-facing hop counts"
    );
}

async fn invalid_tokens_count_against_the_address(t: TestInfra) {
    let app = spawn_with(t.infra().clone(), limited("60/3", "ADMIN=10000/1000")).await;
    for _ in 0..3 {
        assert_eq!(
            app.get_with("/api/v1/settings/roles", "forged.token.value")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        app.get_with("/api/v1/settings/roles", "forged.token.value")
            .await
            .status(),
        429
    );
}

infra::backend_tests!(
    invalid_tokens_count_against_the_address,
    anonymous_quota_is_exact_and_shared_by_two_instances,
    users_are_limited_by_tier,
    preflight_requests_are_not_counted,
    a_dead_store_fails_open_for_traffic_and_closed_for_login,
    forwarded_addresses_count_only_from_trusted_proxies,
);
