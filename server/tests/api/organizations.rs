//! Organizations over HTTP: the catalogue an admin builds, and numbering under load.

use futures::future::join_all;
use infra::testing::TestInfra;
use serde_json::{Value, json};

use crate::helpers::{TestApp, create_admin, login, spawn_app};

async fn admin_app(t: &TestInfra) -> (TestApp, String) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let token = login(&app, "root@example.com").await;
    (app, token)
}

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

async fn admin_builds_an_organization_and_numbers_fifty_invoices(t: TestInfra) {
    let (app, token) = admin_app(&t).await;
    let org = created(
        &app,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    let base = format!("/api/v1/settings/organizations/{}", org["id"].as_str().unwrap());

    let bad = app
        .post(
            &format!("{base}/gst-registrations"),
            Some(&token),
            &json!({"gstin": "27AAPFU0939F1ZW"}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "gstin");

    let gst = created(
        &app,
        &token,
        &format!("{base}/gst-registrations"),
        json!({"gstin": "27AAPFU0939F1ZV", "branch_code": "MUM"}),
    )
    .await;
    assert_eq!(gst["state_name"], "Maharashtra");
    assert_eq!(gst["is_primary"], true);
    let bank = json!({"account_holder": "Shree Cotton", "bank_name": "HDFC Bank", "account_number": "50100123456789", "ifsc": "HDFC0001234"});
    created(&app, &token, &format!("{base}/bank-accounts"), bank).await;
    let year = created(
        &app,
        &token,
        &format!("{base}/financial-years"),
        json!({"start_date": "2026-04-01", "end_date": "2027-03-31", "is_active": true}),
    )
    .await;
    let series =
        json!({"document_type": "INVOICE", "prefix": "INV/2026-27/", "financial_year_id": year["id"]});
    created(&app, &token, &format!("{base}/document-series"), series).await;

    let next = format!("{base}/next-document-number/INVOICE");
    let empty = json!({});
    let calls = (0..50).map(|_| app.post(&next, Some(&token), &empty));
    let mut numbers = Vec::new();
    for response in join_all(calls).await {
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        numbers.push(body["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|i| format!("INV/2026-27/{i:06}")).collect();
    assert_eq!(
        numbers, expected,
        "50 parallel calls give 000001..000050 exactly once each"
    );

    let missing = app
        .post(
            &format!("{base}/next-document-number/CONTRACT"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(missing.status(), 409);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["code"],
        "no_document_series"
    );
}

async fn children_answer_versions_and_locations(t: TestInfra) {
    let (app, token) = admin_app(&t).await;
    let org = created(
        &app,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    let base = format!(
        "/api/v1/settings/organizations/{}/financial-years",
        org["id"].as_str().unwrap()
    );
    let response = app
        .post(
            &base,
            Some(&token),
            &json!({"start_date": "2026-04-01", "end_date": "2027-03-31"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let year: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{base}/{}", year["id"].as_str().unwrap()));
    let no_version = app
        .patch(&location, &token, None, &json!({"is_active": true}))
        .await;
    assert_eq!(no_version.status(), 422);
    let ok = app
        .patch(&location, &token, None, &json!({"is_active": true, "version": 1}))
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["etag"], "\"2\"");
    let stale = app
        .patch(&location, &token, Some("\"1\""), &json!({"is_active": false}))
        .await;
    assert_eq!(stale.status(), 409);
    let listed: Value = app.get_with(&base, &token).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

infra::backend_tests!(
    admin_builds_an_organization_and_numbers_fifty_invoices,
    children_answer_versions_and_locations
);

async fn a_cached_organization_is_never_served_stale_after_an_update(t: TestInfra) {
    let (first, token) = admin_app(&t).await;
    let second = spawn_app(t.another_instance().await).await;
    let org = created(
        &first,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Old Name Ltd"}),
    )
    .await;
    let path = format!("/api/v1/settings/organizations/{}", org["id"].as_str().unwrap());
    for app in [&first, &second] {
        let cached: Value = app.get_with(&path, &token).await.json().await.unwrap();
        assert_eq!(cached["legal_name"], "Old Name Ltd");
    }
    let changed = first
        .patch(&path, &token, None, &json!({"legal_name": "New Name Ltd"}))
        .await;
    assert_eq!(changed.status(), 200);
    for app in [&second, &first] {
        let fresh: Value = app.get_with(&path, &token).await.json().await.unwrap();
        assert_eq!(fresh["legal_name"], "New Name Ltd");
    }
    let metrics = first.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("cache_requests_total{cache=\"org\",outcome=\"hit\"}"),
        "{metrics}"
    );
}

async fn list_filters_work_and_bad_parameters_are_named(t: TestInfra) {
    let (app, token) = admin_app(&t).await;
    created(
        &app,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    let active: Value = app
        .get_with("/api/v1/settings/organizations?active=true&name=shree", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let inactive: Value = app
        .get_with("/api/v1/settings/organizations?active=false", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inactive["items"].as_array().unwrap().len(), 0);
    let users: Value = app
        .get_with("/api/v1/settings/users?active=true&kind=SUPER_ADMIN", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users["items"].as_array().unwrap().len(), 1);
    let bad = app
        .get_with("/api/v1/settings/organizations?limit=many", &token)
        .await;
    assert_eq!(bad.status(), 400);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["code"], "malformed_query");
    assert_eq!(problem["errors"][0]["field"], "limit");
    let bad_id = app
        .get_with("/api/v1/settings/organizations/not-a-uuid/bank-accounts", &token)
        .await;
    assert_eq!(bad_id.status(), 400);
    let problem: Value = bad_id.json().await.unwrap();
    assert_eq!(problem["code"], "malformed_path");
    assert_eq!(problem["errors"][0]["field"], "org_id");
}

async fn the_audit_log_answers_what_happened_to_an_organization(t: TestInfra) {
    let (app, token) = admin_app(&t).await;
    let org = created(
        &app,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Shree Cotton", "legal_name": "Shree Cotton Pvt Ltd"}),
    )
    .await;
    let id = org["id"].as_str().unwrap();
    let path = format!("/api/v1/settings/organizations/{id}");
    let renamed = app
        .patch(&path, &token, None, &json!({"name": "Shree Cotton Mills"}))
        .await;
    assert_eq!(renamed.status(), 200);
    let audit = app
        .get_with(
            &format!("/api/v1/admin/audit?resource_type=organization&resource_id={id}&limit=1"),
            &token,
        )
        .await;
    assert_eq!(audit.status(), 200);
    let first: Value = audit.json().await.unwrap();
    assert_eq!(first["items"][0]["action"], "organization.create");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let rest: Value = app
        .get_with(
            &format!("/api/v1/admin/audit?resource_id={id}&cursor={cursor}"),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["action"], "organization.update");
    assert_eq!(
        rest["items"][0]["details"]["changes"]["name"]["new"],
        "Shree Cotton Mills"
    );
    assert!(rest["next_cursor"].is_null());
    let bad = app.get_with("/api/v1/admin/audit?limit=0", &token).await;
    assert_eq!(bad.status(), 422);
    let unknown = app.get_with("/api/v1/admin/audit?who=me", &token).await;
    assert_eq!(unknown.status(), 400);
    let anonymous = app.get("/api/v1/admin/audit").await;
    assert_eq!(anonymous.status(), 401);
}

infra::backend_tests!(
    the_audit_log_answers_what_happened_to_an_organization,
    a_cached_organization_is_never_served_stale_after_an_update,
    list_filters_work_and_bad_parameters_are_named
);

async fn a_new_user_creates_an_organization_and_a_location_with_minimal_bodies(t: TestInfra) {
    let (app, token) = admin_app(&t).await;
    let org = created(
        &app,
        &token,
        "/api/v1/settings/organizations",
        json!({"name": "Test Org"}),
    )
    .await;
    assert_eq!(org["legal_name"], "Test Org");
    let place = created(
        &app,
        &token,
        "/api/v1/settings/locations",
        json!({"name": "Rajkot APMC", "place_id": "place-rajkot", "state_code": "24"}),
    )
    .await;
    assert_eq!(place["state_code"], "GJ");
    assert_eq!(place["region"], "WEST");
}

infra::backend_tests!(a_new_user_creates_an_organization_and_a_location_with_minimal_bodies);
