//! Risk assessments and validations over HTTP: a trade assessment FAILS on
//! a shared PAN and WARNs on a shared corporate e-mail domain (not on
//! gmail.com), the stored answer is read back by id, another partner's
//! users get 404, and a broken field is named in the 422.

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use infra::testing::TestInfra;
use infra::{Actor, Infra};
use serde_json::{Value, json};
use settings::users::{CreateUser, UserService};
use uuid::Uuid;

use crate::helpers::{create_admin, login, spawn_app};

async fn set(t: &TestInfra, id: Uuid, column: &str, value: SimpleExpr) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new(column), value)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

/// A partner with credit limit 10 lakh, `pan` and contact `email`.
async fn partner(t: &TestInfra, pan: &str, email: &str) -> Uuid {
    let id = t.partner_row().await;
    set(t, id, "credit_limit", (1_000_000i64 * 10_000).into()).await;
    set(t, id, "pan", pan.into()).await;
    set(t, id, "contact_email", email.into()).await;
    id
}

/// The access token of a new PARTNER_ADMIN of `partner` (mobile `96…n`).
async fn admin_of(t: &TestInfra, partner: Uuid, n: u32) -> String {
    UserService::new(t.infra().clone())
        .create(
            &Actor::system(),
            CreateUser {
                kind: "EXTERNAL".into(),
                email: None,
                mobile: Some(format!("97{n:08}")),
                password: None,
                full_name: format!("Partner Admin {n}"),
                organization_id: None,
                partner_id: Some(partner),
                roles: vec!["PARTNER_ADMIN".into()],
            },
            None,
        )
        .await
        .unwrap();
    crate::partners_records::partner_token(t, partner).await
}

fn statuses(answer: &Value) -> (&str, Vec<&str>) {
    let factors = answer["factors"].as_array().unwrap();
    let names = factors.iter().map(|f| f["factor"].as_str().unwrap()).collect();
    (answer["status"].as_str().unwrap(), names)
}

async fn trade_assessments_over_http(t: TestInfra) {
    let buyer = partner(&t, "AAAPL1234C", "buyer@cotton-mills.in").await;
    let same_pan = partner(&t, "AAAPL1234C", "x@other-firm.in").await;
    let same_domain = partner(&t, "BBBPL1234C", "seller@cotton-mills.in").await;
    let gmail_buyer = partner(&t, "CCCPL1234C", "one@gmail.com").await;
    let gmail_seller = partner(&t, "DDDPL1234C", "two@gmail.com").await;
    for id in [same_domain, gmail_seller] {
        set(
            &t,
            id,
            "contact_mobile",
            format!("+9199{}", &id.simple().to_string()[24..32]).into(),
        )
        .await;
    }
    let outsider = admin_of(&t, gmail_seller, 1).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let trade = |b: Uuid, s: Uuid| json!({"buyer_partner_id": b, "seller_partner_id": s, "value": "250000"});

    let r = app
        .post(
            "/api/v1/risk/assessments/trade",
            Some(&admin),
            &trade(buyer, same_pan),
        )
        .await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let failed: Value = r.json().await.unwrap();
    let (status, names) = statuses(&failed);
    assert_eq!(status, "FAIL");
    assert!(names.contains(&"shared_pan"), "{names:?}");
    assert_eq!(
        location,
        format!("/api/v1/risk/assessments/{}", failed["id"].as_str().unwrap())
    );

    let r = app
        .post(
            "/api/v1/risk/assessments/trade",
            Some(&admin),
            &trade(buyer, same_domain),
        )
        .await;
    let warned: Value = r.json().await.unwrap();
    let (status, names) = statuses(&warned);
    assert_eq!(status, "WARN");
    assert!(names.contains(&"shared_email_domain"), "{names:?}");
    assert!(!names.contains(&"shared_pan"));
    let domain = warned["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "shared_email_domain");
    assert_eq!(domain.unwrap()["points"], 0, "a WARN-only finding costs nothing");

    let r = app
        .post(
            "/api/v1/risk/assessments/trade",
            Some(&admin),
            &trade(gmail_buyer, gmail_seller),
        )
        .await;
    let clean: Value = r.json().await.unwrap();
    let (status, names) = statuses(&clean);
    assert_eq!(status, "WARN", "the neutral seller's delivery and rating");
    assert!(
        !names.contains(&"shared_email_domain"),
        "gmail.com is no finding: {names:?}"
    );
    assert_eq!(clean["seller"]["score"], 70);

    let again = |key: &'static str| {
        app.client
            .post(format!("{}/api/v1/risk/assessments/trade", app.address))
            .bearer_auth(&admin)
            .header("idempotency-key", key)
            .json(&trade(buyer, same_domain))
            .send()
    };
    let first: Value = again("assess-1").await.unwrap().json().await.unwrap();
    let replay: Value = again("assess-1").await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], replay["id"], "one key, one stored assessment");

    let r = app.get_with(&location, &admin).await;
    assert_eq!(r.status(), 200);
    let read: Value = r.json().await.unwrap();
    assert_eq!(read, failed);
    let r = app.get_with(&location, &outsider).await;
    assert_eq!(r.status(), 404);
    let own = format!("/api/v1/risk/assessments/{}", clean["id"].as_str().unwrap());
    assert_eq!(
        app.get_with(&own, &outsider).await.status(),
        200,
        "the seller's own"
    );

    let bad = json!({"buyer_partner_id": buyer, "seller_partner_id": same_pan, "value": "-5"});
    let r = app
        .post("/api/v1/risk/assessments/trade", Some(&admin), &bad)
        .await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "value");

    let counterparty = json!({"partner_id": buyer});
    let r = app
        .post(
            "/api/v1/risk/assessments/counterparty",
            Some(&admin),
            &counterparty,
        )
        .await;
    assert_eq!(r.status(), 201);
    let advice: Value = r.json().await.unwrap();
    assert_eq!(advice["credit_limit_advice"], "1.0");
    assert!(advice["advice_reason"].is_string());

    let links = json!({"partner_id": buyer, "other_partner_id": same_pan});
    let r = app
        .post("/api/v1/risk/validations/party-links", Some(&admin), &links)
        .await;
    assert_eq!(r.status(), 200);
    let linked: Value = r.json().await.unwrap();
    assert_eq!(linked["linked"], true);
    let role = json!({"partner_id": buyer, "side": "buy"});
    let r = app
        .post("/api/v1/risk/validations/role", Some(&admin), &role)
        .await;
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["allowed"], false, "no buy capability: {answer}");
    let r = app
        .post("/api/v1/risk/validations/role", Some(&outsider), &role)
        .await;
    assert_eq!(
        r.status(),
        403,
        "a partner's admin holds RISK_READ, not RISK_ASSESS"
    );
}

infra::backend_tests!(trade_assessments_over_http);
