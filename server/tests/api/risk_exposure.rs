//! The risk ledger over HTTP: staff adjustments, 409 `credit_limit_exceeded`
//! naming the `remaining` limit, the monitor moving a partner from GREEN to
//! YELLOW with exactly one ExposureBandChanged, a partner's user kept to its
//! own partner (404 otherwise), and the performance correction audited with
//! its old values under `If-Match`.

use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::sea_orm::{ConnectionTrait, EntityTrait};
use infra::testing::TestInfra;
use infra::{Actor, Infra};
use serde_json::{Value, json};
use settings::users::{CreateUser, UserService};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};

/// An approved partner with a credit limit of 100000 INR, and its admin's access token.
async fn partner(t: &TestInfra, n: u32) -> (Uuid, String) {
    let id = t.partner_row().await;
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 100_000_i64 * 10_000)
        .value(Alias::new("rate_limit_tier"), "ENTERPRISE")
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
    UserService::new(t.infra().clone())
        .create(
            &Actor::system(),
            CreateUser {
                kind: "EXTERNAL".into(),
                email: None,
                mobile: Some(format!("95{n:08}")),
                password: None,
                full_name: format!("Partner Admin {n}"),
                organization_id: None,
                partner_id: Some(id),
                roles: vec!["PARTNER_ADMIN".into()],
            },
            None,
        )
        .await
        .unwrap();
    (id, crate::partners_records::partner_token(t, id).await)
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(tag) = etag {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

async fn adjust(app: &TestApp, token: &str, id: Uuid, amount: &str) -> reqwest::Response {
    let body = json!({"side": "buyer", "amount": amount, "reason": "opening balance"});
    let path = format!("/api/v1/risk/partners/{id}/adjustments");
    send(app, reqwest::Method::POST, &path, token, Some(body), None).await
}

async fn monitor_row(app: &TestApp, token: &str, query: &str, id: Uuid) -> Option<Value> {
    let path = format!("/api/v1/risk/exposure{query}");
    let listed = send(app, reqwest::Method::GET, &path, token, None, None).await;
    assert_eq!(listed.status(), 200);
    let page: Value = listed.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["partner_id"] == id.to_string())
        .cloned()
}

async fn band_events(t: &TestInfra) -> usize {
    infra::outbox::entity::Entity::find()
        .all(t.db())
        .await
        .unwrap()
        .iter()
        .filter(|e| e.event_type == "ExposureBandChanged")
        .count()
}

async fn the_ledger_and_the_monitor_over_http(t: TestInfra) {
    let (mine, my_token) = partner(&t, 1).await;
    let (theirs, _) = partner(&t, 2).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;

    let green = monitor_row(&app, &admin, "", mine).await.unwrap();
    assert_eq!(
        (green["band"].as_str(), green["severity"].as_str()),
        (Some("GREEN"), Some("none"))
    );
    assert_eq!(green["credit_limit"], "100000");
    let first = adjust(&app, &admin, mine, "40000").await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["utilised"]["buyer"], "40000");
    assert_eq!(first["available"], "60000");
    assert_eq!(band_events(&t).await, 0);
    let yellow: Value = adjust(&app, &admin, mine, "15000").await.json().await.unwrap();
    assert_eq!(yellow["band"], "YELLOW");
    let row = monitor_row(&app, &admin, "?band=YELLOW", mine).await.unwrap();
    assert_eq!(
        (row["utilisation"].as_str(), row["severity"].as_str()),
        (Some("55"), Some("low"))
    );
    assert!(monitor_row(&app, &admin, "?band=GREEN", mine).await.is_none());
    assert_eq!(band_events(&t).await, 1, "exactly one ExposureBandChanged");

    let refused = adjust(&app, &admin, mine, "45000.01").await;
    assert_eq!(refused.status(), 409);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "credit_limit_exceeded");
    assert_eq!(problem["remaining"], "45000");
    let bad = send(
        &app,
        reqwest::Method::GET,
        "/api/v1/risk/exposure?band=PURPLE",
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await.unwrap()["errors"][0]["field"], "band");

    let own = format!("/api/v1/risk/partners/{mine}");
    let seen = send(&app, reqwest::Method::GET, &own, &my_token, None, None).await;
    assert_eq!(seen.status(), 200);
    let seen: Value = seen.json().await.unwrap();
    assert_eq!(seen["utilised"]["buyer"], "55000");
    assert_eq!(seen["entries"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(seen["entries"]["items"][0]["reason"], "adjustment");
    assert_eq!(seen["performance"]["rating"], "3.0");
    assert_eq!(seen["assessments"], json!([]));
    let other = format!("/api/v1/risk/partners/{theirs}");
    let hidden = send(&app, reqwest::Method::GET, &other, &my_token, None, None).await;
    assert_eq!(hidden.status(), 404);
    let listed = send(
        &app,
        reqwest::Method::GET,
        "/api/v1/risk/exposure",
        &my_token,
        None,
        None,
    )
    .await;
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "its own partner only"
    );
    assert_eq!(adjust(&app, &my_token, mine, "1").await.status(), 403);
}

/// A cut credit limit moves the stored band upward with one
/// ExposureBandChanged; a raised one moves it back without another; the
/// partner's users see their credit on `/partners/me`.
async fn a_new_credit_limit_rebands_the_partner(t: TestInfra) {
    let (mine, my_token) = partner(&t, 4).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    assert_eq!(adjust(&app, &admin, mine, "40000").await.status(), 200);
    let me = send(
        &app,
        reqwest::Method::GET,
        "/api/v1/partners/me",
        &my_token,
        None,
        None,
    )
    .await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["partner"]["id"], json!(mine));
    assert_eq!(
        (&me["credit"]["credit_limit"], &me["credit"]["utilised"]["buyer"]),
        (&json!("100000"), &json!("40000"))
    );
    assert_eq!(
        (&me["credit"]["available"], &me["credit"]["band"]),
        (&json!("60000"), &json!("GREEN"))
    );
    assert_eq!(band_events(&t).await, 0);

    let limit = format!("/api/v1/partners/{mine}/credit-limit");
    let cut = json!({"credit_limit": "50000", "reason": "overdue invoices"});
    let cut = send(&app, reqwest::Method::PUT, &limit, &admin, Some(cut), None).await;
    assert_eq!(cut.status(), 200);
    assert_eq!(band_events(&t).await, 1, "80 % of the new limit is YELLOW");
    let row = monitor_row(&app, &admin, "?band=YELLOW", mine).await.unwrap();
    assert_eq!(row["utilisation"], "80");
    let me: Value = send(
        &app,
        reqwest::Method::GET,
        "/api/v1/partners/me",
        &my_token,
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (&me["credit"]["available"], &me["credit"]["band"]),
        (&json!("10000"), &json!("YELLOW"))
    );
    let raise = json!({"credit_limit": "1000000", "reason": "guarantee received"});
    let raise = send(&app, reqwest::Method::PUT, &limit, &admin, Some(raise), None).await;
    assert_eq!(raise.status(), 200);
    assert!(monitor_row(&app, &admin, "?band=GREEN", mine).await.is_some());
    assert_eq!(band_events(&t).await, 1, "a band moving down is not an alert");
    let again = adjust(&app, &admin, mine, "460000").await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        band_events(&t).await,
        2,
        "the stored band followed the raise: GREEN to YELLOW again"
    );
}

async fn a_performance_correction_is_audited_over_http(t: TestInfra) {
    let (mine, my_token) = partner(&t, 3).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let path = format!("/api/v1/risk/partners/{mine}/performance");
    let neutral = send(&app, reqwest::Method::GET, &path, &my_token, None, None).await;
    assert_eq!(neutral.status(), 200);
    assert_eq!(neutral.headers()["etag"], "\"0\"");
    let body = json!({"rating": "4.5", "delivery_score": 92, "payment_score": 88, "disputes": 1,
                      "reason": "annual review"});
    let put = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &admin,
        Some(body.clone()),
        Some("\"0\""),
    )
    .await;
    assert_eq!(put.status(), 200);
    assert_eq!(put.headers()["etag"], "\"1\"");
    let record: Value = put.json().await.unwrap();
    assert_eq!(
        (record["rating"].as_str(), record["delivery_score"].as_i64()),
        (Some("4.5"), Some(92))
    );
    let stale = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &admin,
        Some(body.clone()),
        Some("\"0\""),
    )
    .await;
    assert_eq!(stale.status(), 412);
    let partner_put = send(&app, reqwest::Method::PUT, &path, &my_token, Some(body), None).await;
    assert_eq!(partner_put.status(), 403);
    let invalid = json!({"rating": "5.5", "delivery_score": 92, "payment_score": 88, "disputes": 1,
                         "reason": "annual review"});
    let invalid = send(&app, reqwest::Method::PUT, &path, &admin, Some(invalid), None).await;
    assert_eq!(invalid.status(), 422);
    let audits = infra::audit::entity::Entity::find().all(t.db()).await.unwrap();
    let audited: Vec<_> = audits
        .iter()
        .filter(|a| a.action == "risk_performance.correct")
        .collect();
    assert_eq!(audited.len(), 1);
    let details = audited[0].details.clone().unwrap();
    assert_eq!(details["old"]["rating"], "3.0");
    assert_eq!(details["old"]["delivery_score"], 70);
    assert_eq!(details["changes"]["rating"]["new"], "4.5");
    assert_eq!(details["reason"], "annual review");
}

infra::backend_tests!(
    a_new_credit_limit_rebands_the_partner,
    the_ledger_and_the_monitor_over_http,
    a_performance_correction_is_audited_over_http,
);
