//! Requirements over HTTP: a partner's admin creates one (201, ETag,
//! Location, `REQ-` number), every broken field named in the 422, publish,
//! `If-Match` on PATCH (412 when stale), cancel with its reason, illegal
//! transitions 409 `invalid_transition`, and another partner's users kept
//! from a PRIVATE one (404).

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use infra::{Actor, Infra};
use serde_json::{Value, json};
use settings::users::{CreateUser, UserService};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};

/// An approved trader able to buy in India (ENTERPRISE tier: this test's
/// burst of writes stays within its rate), and its admin's access token.
pub(crate) async fn buyer(t: &TestInfra, n: u32) -> (Uuid, String) {
    let id = t.partner_row().await;
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(
            Alias::new("capabilities"),
            json!(["domestic_buy_india", "domestic_sell_india"]),
        )
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
                mobile: Some(format!("96{n:08}")),
                password: None,
                full_name: format!("Buyer Admin {n}"),
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
    body: Value,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token)
        .json(&body);
    if let Some(tag) = etag {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

async fn requirements_over_http(t: TestInfra) {
    let (_, mine) = buyer(&t, 1).await;
    let (_, theirs) = buyer(&t, 2).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let cotton: Value = app
        .post(
            "/api/v1/settings/commodities",
            Some(&admin),
            &json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
                    "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let yard: Value = app
        .post(
            "/api/v1/settings/locations",
            Some(&admin),
            &json!({"name": "Rajkot yard", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot",
                    "pincode": "360001", "latitude": 22.3, "longitude": 70.8}),
        )
        .await
        .json()
        .await
        .unwrap();
    let need = json!({
        "commodity_id": cotton["id"], "min_quantity": "100", "max_quantity": "300",
        "delivery_location_ids": [yard["id"]],
        "quality": {"staple_length": {"min": 28, "max": "31"}}, "visibility": "PRIVATE",
    });
    let path = "/api/v1/trade-desk/requirements";
    let bad = json!({"commodity_id": cotton["id"], "min_quantity": "5", "max_quantity": "1",
        "delivery_location_ids": [], "quality": {"colour": {"min": 1}}, "urgency": "SOON"});
    let refused = app.post(path, Some(&mine), &bad).await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.unwrap();
    let named: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        named,
        [
            "max_quantity",
            "quality.colour",
            "delivery_location_ids",
            "urgency"
        ],
        "{refused}"
    );

    let created = app.post(path, Some(&mine), &need).await;
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let created = app.post(path, Some(&mine), &need).await;
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = created.json().await.unwrap();
    assert!(body["number"].as_str().unwrap().ends_with("-000002"), "{body}");
    assert_eq!(body["status"], "DRAFT");
    let id = body["id"].as_str().unwrap();
    assert_eq!(location, format!("{path}/{id}"));

    let publish = format!("{path}/{id}/publish");
    let published = send(&app, reqwest::Method::POST, &publish, &mine, json!({}), None).await;
    assert_eq!(published.status(), 200);
    let again = send(&app, reqwest::Method::POST, &publish, &mine, json!({}), None).await;
    assert_eq!(again.status(), 409);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["code"], "invalid_transition");

    let item = format!("{path}/{id}");
    let stale = send(
        &app,
        reqwest::Method::PATCH,
        &item,
        &mine,
        json!({"max_quantity": "400"}),
        Some(&etag),
    )
    .await;
    assert_eq!(stale.status(), 412, "the ETag of version 1, now 2");
    let current = app.get_with(&item, &mine).await;
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let changed = send(
        &app,
        reqwest::Method::PATCH,
        &item,
        &mine,
        json!({"max_quantity": "400"}),
        Some(&etag),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["max_quantity"], "400");

    assert_eq!(app.get_with(&item, &theirs).await.status(), 404, "PRIVATE");
    assert_eq!(app.get_with(&item, &admin).await.status(), 200, "staff see it");
    let cancel = format!("{path}/{id}/cancel");
    let short = send(
        &app,
        reqwest::Method::POST,
        &cancel,
        &mine,
        json!({"reason": "x"}),
        None,
    )
    .await;
    assert_eq!(short.status(), 422);
    let done = send(
        &app,
        reqwest::Method::POST,
        &cancel,
        &mine,
        json!({"reason": "bought elsewhere"}),
        None,
    )
    .await;
    assert_eq!(done.status(), 200);
    let listed: Value = app
        .get_with(&format!("{path}/mine?status=CANCELLED"), &mine)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    let staff_mine = app.get_with(&format!("{path}/mine"), &admin).await;
    assert_eq!(staff_mine.status(), 422, "staff name the buyer");
}

infra::backend_tests!(requirements_over_http);
