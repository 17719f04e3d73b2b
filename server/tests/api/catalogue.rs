//! The catalogue over HTTP: a back-office manager builds the cotton catalogue,
//! converts quantities exactly, and a bad CSV changes nothing.

use infra::testing::TestInfra;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, create_admin, login, spawn_app};

const BASE: &str = "/api/v1/settings/commodities";

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app.post(path, Some(token), &body).await;
    assert_eq!(
        response.status(),
        201,
        "{path}: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.unwrap()
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    response.json().await.unwrap()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn upload(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    let boundary = "catalogue-boundary-7d3f";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"commodities.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    app.client
        .post(format!("{}{BASE}/bulk/upload", app.address))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn manager(app: &TestApp) -> String {
    let admin = login(app, "root@example.com").await;
    let org = created(
        app,
        &admin,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    let user = json!({
        "kind": "INTERNAL", "email": "manager@example.com", "password": PASSWORD, "full_name": "Back Office",
        "organization_id": org["id"], "roles": ["BACKOFFICE_MANAGER"]
    });
    created(app, &admin, "/api/v1/settings/users", user).await;
    login(app, "manager@example.com").await
}

async fn a_back_office_manager_builds_the_cotton_catalogue(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let token = manager(&app).await;

    let cotton = created(
        &app,
        &token,
        BASE,
        json!({"name": "Shankar-6 Cotton", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
               "base_unit": "KG", "trade_unit": "BALE", "rate_unit": "CANDY"}),
    )
    .await;
    let item = format!("{BASE}/{}", cotton["id"].as_str().unwrap());
    let params: Value = app
        .get_with(&format!("{item}/parameters"), &token)
        .await
        .json()
        .await
        .unwrap();
    let params = params["items"].as_array().unwrap();
    assert_eq!(params.len(), 6);
    assert_eq!(
        (params[0]["name"].as_str(), params[0]["is_mandatory"].as_bool()),
        (Some("Staple Length"), Some(true))
    );
    assert_eq!(
        (params[1]["min_value"].as_str(), params[1]["max_value"].as_str()),
        (Some("2.5"), Some("6"))
    );
    let bad = app.post(BASE, Some(&token), &json!({"name": "C", "category": "cotton lint", "hsn_code": "5201", "gst_rate": 5, "base_unit": "KG"})).await;
    assert_eq!(fields(&problem(bad, 422).await), ["name", "category"]);

    created(
        &app,
        &token,
        &format!("{item}/varieties"),
        json!({"code": "S6", "name": "Shankar-6"}),
    )
    .await;
    created(&app, &token, &format!("{item}/parameters"), json!({"name": "Maturity", "param_type": "NUMERIC", "unit": "%", "min_value": 70, "max_value": "90", "default_value": "80"})).await;
    let commission = created(
        &app,
        &token,
        &format!("{item}/commission-structures"),
        json!({"name": "Brokerage", "commission_type": "PERCENTAGE", "rate": "0.5", "applies_to": "BOTH"}),
    )
    .await;
    assert_eq!(commission["rate"], "0.5");
    let terms = format!("{BASE}/terms");
    created(
        &app,
        &token,
        &format!("{terms}/trade-types"),
        json!({"code": "SPOT", "name": "Spot"}),
    )
    .await;
    created(
        &app,
        &token,
        &format!("{terms}/bargain-types"),
        json!({"code": "FIRM", "name": "Firm bargain", "needs_approval": true}),
    )
    .await;
    created(
        &app,
        &token,
        &format!("{terms}/passing-terms"),
        json!({"code": "LAB", "name": "Lab passing", "needs_quality_test": true}),
    )
    .await;
    created(
        &app,
        &token,
        &format!("{terms}/weightment-terms"),
        json!({"code": "MILL", "name": "Mill weight", "deduction_percent": "0.5"}),
    )
    .await;
    created(
        &app,
        &token,
        &format!("{terms}/delivery-terms"),
        json!({"code": "EXGIN", "name": "Ex-gin", "freight_included": false}),
    )
    .await;
    let net30 = created(
        &app,
        &token,
        &format!("{terms}/payment-terms"),
        json!({"code": "NET30", "name": "Net 30", "days": 30, "percentage": 100}),
    )
    .await;
    assert_eq!(net30["days"], 30);
    let wrong = app
        .post(
            &format!("{terms}/weightment-terms"),
            Some(&token),
            &json!({"code": "X1", "name": "Wrong", "days": 3}),
        )
        .await;
    assert_eq!(fields(&problem(wrong, 422).await), ["days"]);
    let listed: Value = app
        .get_with(&format!("{terms}/payment-terms"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["code"], "NET30");

    let yard = json!({"name": "Rajkot APMC", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot", "pincode": "360003", "latitude": 22.3, "longitude": 70.8});
    let rajkot = created(&app, &token, "/api/v1/settings/locations", yard.clone()).await;
    assert_eq!(rajkot["region"], "WEST");
    let again = app.post("/api/v1/settings/locations", Some(&token), &yard).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], rajkot["id"]);
    created(&app, &token, "/api/v1/settings/locations", json!({"name": "Adilabad Market", "place_id": "place-adilabad", "state_code": "TS", "city": "Adilabad"})).await;
    let south: Value = app
        .get_with("/api/v1/settings/locations?region=SOUTH", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(south["items"][0]["name"], "Adilabad Market");
    let rajkot_path = format!("/api/v1/settings/locations/{}", rajkot["id"].as_str().unwrap());
    let city = app
        .patch(&rajkot_path, &token, None, &json!({"city": "Gondal"}))
        .await;
    assert_eq!(problem(city, 400).await["errors"][0]["field"], "city");

    let units: Value = app
        .get_with(&format!("{BASE}/units"), &token)
        .await
        .json()
        .await
        .unwrap();
    let candy = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "CANDY")
        .cloned()
        .unwrap();
    assert_eq!(
        (candy["factor"].as_str(), candy["base_unit"].as_str()),
        (Some("355.6222"), Some("KG"))
    );
    let converted: Value = app
        .post(&format!("{item}/calculate-conversion"), Some(&token), &json!({"trade_quantity": 600, "trade_unit": "BALE", "rate_per_unit": "50000", "rate_unit": "CANDY"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(converted["base_quantity"], "102000");
    assert_eq!(converted["base_unit"], "KG");
    assert_eq!(converted["billing_amount"], "14341061.95");
    let other_base = app
        .post(
            &format!("{item}/calculate-conversion"),
            Some(&token),
            &json!({"trade_quantity": 1, "trade_unit": "METER", "rate_per_unit": "1", "rate_unit": "CANDY"}),
        )
        .await;
    let other_base = problem(other_base, 422).await;
    let message = other_base["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("METER") && message.contains("CANDY"),
        "{message}"
    );

    created(&app, &token, BASE, json!({"name": "Raw Cotton", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5", "base_unit": "KG"})).await;
    let found: Value = app
        .get_with(&format!("{BASE}/search?q=shankar"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], cotton["id"]);

    let exported = app.get_with(&format!("{BASE}/bulk/download"), &token).await;
    assert_eq!(exported.headers()["content-type"], "text/csv; charset=utf-8");
    let exported = exported.text().await.unwrap();
    let bad_csv = "name,category,hsn_code,gst_rate,base_unit\nWheat,WHEAT,1001,5,KG\nRice,RICE,10x6,5,KG\n";
    let refused = problem(upload(&app, &token, bad_csv).await, 422).await;
    assert_eq!(fields(&refused), ["lines[3].hsn_code"]);
    let unchanged = app
        .get_with(&format!("{BASE}/bulk/download"), &token)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(unchanged, exported, "a bad CSV changes nothing");
    let round_trip = upload(&app, &token, &exported).await;
    assert_eq!(round_trip.status(), 200);
    let report: Value = round_trip.json().await.unwrap();
    assert_eq!(
        (
            report["created"].as_u64(),
            report["updated"].as_u64(),
            report["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );

    let in_use = problem(
        app.client
            .delete(format!("{}{item}", app.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
    assert_eq!(in_use["code"], "commodity_in_use");
}

async fn an_upload_without_both_capabilities_is_refused_before_the_body_is_read(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let org = created(
        &app,
        &admin,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    // Back-office staff may change commodities but not create them.
    let user = json!({
        "kind": "INTERNAL", "email": "staff@example.com", "password": PASSWORD, "full_name": "Back Office",
        "organization_id": org["id"], "roles": ["BACKOFFICE_STAFF"]
    });
    created(&app, &admin, "/api/v1/settings/users", user).await;
    let staff = login(&app, "staff@example.com").await;

    let csv = "name,category,hsn_code,gst_rate,base_unit\nWheat,WHEAT,1001,5,KG\n";
    let refused = problem(upload(&app, &staff, csv).await, 403).await;
    assert_eq!(refused["code"], "capability_missing");
    assert!(
        refused["detail"].as_str().unwrap().contains("COMMODITY_CREATE"),
        "{refused}"
    );
    // A body that is not multipart at all is never looked at.
    let not_multipart = app
        .client
        .post(format!("{}{BASE}/bulk/upload", app.address))
        .bearer_auth(&staff)
        .header("content-type", "text/csv")
        .body("name\nWheat\n")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(not_multipart, 403).await["code"], "capability_missing");
}

async fn a_child_update_reads_its_body_as_json_once(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let token = manager(&app).await;
    let cotton = created(
        &app,
        &token,
        BASE,
        json!({"name": "Cotton", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5", "base_unit": "KG"}),
    )
    .await;
    let item = format!("{BASE}/{}", cotton["id"].as_str().unwrap());
    let variety = created(
        &app,
        &token,
        &format!("{item}/varieties"),
        json!({"code": "S6", "name": "Shankar-6"}),
    )
    .await;
    let url = format!(
        "{}{item}/varieties/{}",
        app.address,
        variety["id"].as_str().unwrap()
    );
    let as_text = app
        .client
        .patch(&url)
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(r#"{"name": "Shankar 6"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(as_text, 415).await["code"], "unsupported_media_type");
    let stale = app
        .patch(
            &url.replacen(&app.address, "", 1),
            &token,
            None,
            &json!({"name": "Shankar 6", "version": 7}),
        )
        .await;
    assert_eq!(
        stale.status(),
        412,
        "the body's version is the one the change is based on"
    );
    let renamed = app
        .patch(
            &url.replacen(&app.address, "", 1),
            &token,
            None,
            &json!({"name": "Shankar 6", "version": 1}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
}

infra::backend_tests!(
    a_child_update_reads_its_body_as_json_once,
    a_back_office_manager_builds_the_cotton_catalogue,
    an_upload_without_both_capabilities_is_refused_before_the_body_is_read
);
