//! Partner routes at their limits: 5 MiB documents past `MAX_BODY_BYTES`,
//! idempotent uploads and starts under the applicant's `mobile:` scope, and
//! the applicant's rate limit per mobile.

use infra::testing::TestInfra;
use serde_json::Value;

use crate::partners::{mobile, seller, serve, serve_with};

async fn start(on: &crate::partners::Onboarding, token: &str, n: u32, key: &str) -> reqwest::Response {
    on.app
        .client
        .post(format!("{}/api/v1/partners/applications", on.app.address))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&seller(n, "2010-04-01"))
        .send()
        .await
        .unwrap()
}

async fn documents_take_five_mib_and_refuse_more(t: TestInfra) {
    let on = serve(&t).await;
    let token = on.verify(&mobile(11)).await["onboarding_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = start(&on, &token, 11, "start-11").await;
    assert_eq!(first.status(), 201);
    let app: Value = first.json().await.unwrap();
    let id = app["id"].as_str().unwrap().to_owned();
    // The applicant's retry answers the same application.
    let again = start(&on, &token, 11, "start-11").await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], app["id"]);

    // Past MAX_BODY_BYTES (1 MiB) but within 5 MiB, with a key: taken once.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024, b'0');
    let uploaded = on
        .upload_bytes(&token, &id, "pan_card", &big, Some("doc-1"))
        .await;
    assert_eq!(uploaded.status(), 201);
    let doc: Value = uploaded.json().await.unwrap();
    assert_eq!(doc["size_bytes"], 5 * 1024 * 1024);
    let replayed = on
        .upload_bytes(&token, &id, "pan_card", &big, Some("doc-1"))
        .await;
    assert_eq!(replayed.status(), 201);
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    assert_eq!(replayed.json::<Value>().await.unwrap()["id"], doc["id"]);

    big.push(b'0');
    for key in [None, Some("doc-2")] {
        let refused = on.upload_bytes(&token, &id, "pan_card", &big, key).await;
        assert_eq!(refused.status(), 413, "key {key:?}");
        assert_eq!(
            refused.json::<Value>().await.unwrap()["code"],
            "payload_too_large"
        );
    }
    let text = on
        .upload_bytes(&token, &id, "pan_card", b"plain text", None)
        .await;
    assert_eq!(text.status(), 422);
    let problem: Value = text.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    let listed: Value = on
        .app
        .get_with(&format!("/api/v1/partners/applications/{id}/documents"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "one document, stored once"
    );
}

async fn an_applicant_is_rate_limited_per_mobile(t: TestInfra) {
    let config = server::config::Config {
        rate_limit_auth: "20/3".into(),
        ..server::config::Config::default()
    };
    let on = serve_with(&t, config).await;
    let token = on.verify(&mobile(12)).await["onboarding_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            on.app
                .get_with("/api/v1/partners/applications", &token)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
    let refused = on.app.get_with("/api/v1/partners/applications", &token).await;
    assert!(refused.headers().contains_key("retry-after"));
    // Staff on the same routes count under their own tier, not the mobile's bucket.
    let staff = on.app.get_with("/api/v1/partners/applications", &on.admin).await;
    assert_eq!(staff.status(), 200);
}

infra::backend_tests!(
    documents_take_five_mib_and_refuse_more,
    an_applicant_is_rate_limited_per_mobile,
);
