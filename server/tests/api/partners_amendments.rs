//! Partner amendments over HTTP: an approved GSTIN amendment changes the
//! partner and its capabilities; one pending amendment per field; a bad
//! GSTIN names `new_value`; a rejection needs a reason; another partner's
//! user finds nothing; a partner's own admin cannot decide.

use infra::Infra;
use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use partners::entity::{document, partner};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::partners_records::{approved, partner_token};

/// A Maharashtra GSTIN of the PAN numbered `n`, entity number `entity`.
fn gstin_of(n: u32, entity: char) -> String {
    let first14 = format!("27AAPFU{n:04}F{entity}Z");
    format!(
        "{first14}{}",
        settings::tax_ids::gstin_check_char(&first14).unwrap()
    )
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let response = app.post(path, Some(token), &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get_with(path, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn gst_certificate(t: &TestInfra, partner_id: Uuid) -> Uuid {
    let row = partner::Entity::find_by_id(partner_id)
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    document::Entity::find()
        .filter(document::Column::ApplicationId.eq(row.application_id))
        .filter(document::Column::DocumentType.eq("gst_certificate"))
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn amendments_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let doc = gst_certificate(&t, one).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let mine = partner_token(&t, one).await;
    let theirs = partner_token(&t, two).await;
    let caps = app
        .client
        .put(format!("{}/api/v1/partners/{one}/capabilities", app.address))
        .bearer_auth(&admin)
        .json(&json!({"capabilities": {"domestic_sell_india": false}, "reason": "under review"}))
        .send()
        .await
        .unwrap();
    assert_eq!(caps.status(), 200);

    let path = format!("/api/v1/partners/{one}/amendments");
    let new = gstin_of(1, '2');
    let mut bad = new.clone();
    bad.replace_range(14.., "X");
    let body = |value: &str| json!({"field": "gstin", "new_value": value, "reason": "new registration", "document_id": doc});
    let (status, problem) = post(&app, &path, &admin, body(&bad)).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].clone()),
        (422, json!("new_value"))
    );
    let (status, pending) = post(&app, &path, &mine, body(&new)).await;
    assert_eq!(status, 201, "{pending}");
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["old_value"], gstin_of(1, '1'));
    assert_eq!(pending["new_value"], new);
    let (status, problem) = post(&app, &path, &admin, body(&gstin_of(1, '3'))).await;
    assert_eq!(
        (status, problem["code"].clone()),
        (409, json!("amendment_pending"))
    );

    let amendment = format!("/api/v1/partners/amendments/{}", pending["id"].as_str().unwrap());
    assert_eq!(get(&app, &amendment, &theirs).await.0, 404);
    let (status, _) = post(&app, &path, &theirs, body(&new)).await;
    assert_eq!(status, 404, "another partner's");
    let (status, problem) = post(&app, &format!("{amendment}/approve"), &mine, json!({})).await;
    assert_eq!((status, problem["code"].clone()), (403, json!("out_of_scope")));

    let (status, approved) = post(&app, &format!("{amendment}/approve"), &admin, json!({})).await;
    assert_eq!((status, approved["status"].clone()), (200, json!("approved")));
    let (_, partner) = get(&app, &format!("/api/v1/partners/{one}"), &admin).await;
    assert_eq!(partner["gstin"], new);
    assert_eq!(
        partner["capabilities"],
        json!(["domestic_buy_india", "domestic_sell_india"])
    );
    let (status, problem) = post(&app, &format!("{amendment}/approve"), &admin, json!({})).await;
    assert_eq!(
        (status, problem["code"].clone()),
        (409, json!("amendment_decided"))
    );

    let name = json!({"field": "trade_name", "new_value": "Shree Traders", "reason": "rebranded"});
    let (status, asked) = post(&app, &path, &mine, name).await;
    assert_eq!(status, 201);
    let reject = format!(
        "/api/v1/partners/amendments/{}/reject",
        asked["id"].as_str().unwrap()
    );
    let (status, problem) = post(&app, &reject, &admin, json!({"reason": " "})).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].clone()),
        (422, json!("reason"))
    );
    let (status, rejected) = post(&app, &reject, &admin, json!({"reason": "no shop register"})).await;
    assert_eq!((status, rejected["status"].clone()), (200, json!("rejected")));

    let (status, list) = get(&app, &format!("{path}?status=approved"), &mine).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(get(&app, &format!("{path}?status=gone"), &admin).await.0, 422);
}

infra::backend_tests!(amendments_over_http);
