//! Partner records over HTTP: list, export, stats, read, update with
//! `If-Match`, credit limit, suspension, capabilities, and a partner's user
//! reaching only its own partner.

use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::{Actor, Infra};
use partners::input::{Address, Bank, Contact, StartApplication};
use partners::{ApplicationService, Caller};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};

/// An approved Indian seller numbered `n`: auto-approved, its documents verified.
pub async fn approved(t: &TestInfra, n: u32) -> Uuid {
    let apps =
        ApplicationService::new(t.infra().clone()).with_documents(partners::files::DocumentStore::memory());
    let system = Actor::system();
    let staff = Caller::staff(&system);
    let pan = format!("AAPFU{n:04}F");
    let first14 = format!("27{pan}1Z");
    let gstin = format!(
        "{first14}{}",
        settings::tax_ids::gstin_check_char(&first14).unwrap()
    );
    let input = StartApplication {
        legal_name: format!("Shree Cotton {n} Pvt Ltd"),
        partner_type: "seller".into(),
        entity_type: "private_limited".into(),
        gstin: Some(gstin),
        pan: Some(pan),
        address: Address {
            line1: "12 Market Yard".into(),
            city: "Jalgaon".into(),
            state_code: Some("MH".into()),
            pincode: "425001".into(),
            ..Address::default()
        },
        contact: Contact {
            full_name: "Ramesh Patil".into(),
            email: None,
            mobile: format!("98{n:08}"),
        },
        bank: Some(Bank {
            account_name: "Shree Cotton".into(),
            account_number: "50100012345678".into(),
            ifsc: "HDFC0001234".into(),
        }),
        annual_turnover: Some("20000000".parse().unwrap()),
        ..StartApplication::default()
    };
    let app = apps.start(&staff, input).await.unwrap().value;
    for kind in ["bank_proof", "gst_certificate", "pan_card"] {
        let doc = partners::document_service::NewDocument {
            document_type: kind.into(),
            document_number: Some("X1234".into()),
            ..Default::default()
        };
        let file = partners::files::Upload {
            file_name: Some(format!("{kind}.pdf")),
            bytes: format!("%PDF-1.4 {kind}").into_bytes().into(),
        };
        let doc = apps.add_document(&staff, app.id, doc, file).await.unwrap().value;
        let review = partners::document_review::Verification::verify();
        apps.verify_document(&staff, app.id, doc.id, review)
            .await
            .unwrap();
    }
    let decided = apps.submit(&staff, app.id).await.unwrap().value;
    decided.application.partner_id.expect("auto-approved")
}

/// An access token of the first user of `partner` (its PARTNER_ADMIN).
pub async fn partner_token(t: &TestInfra, partner: Uuid) -> String {
    use settings::users::entity::user;
    let row = user::Entity::find()
        .filter(user::Column::PartnerId.eq(partner))
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    let auth = user_auth::AuthService::start(t.infra().clone(), user_auth::AuthConfig::default())
        .await
        .unwrap();
    let client = user_auth::ClientInfo::default();
    auth.open_session(&row, &client).await.unwrap().access_token
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

async fn records_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;

    let list = app
        .get_with("/api/v1/partners?status=approved&limit=1", &admin)
        .await;
    assert_eq!(list.status(), 200);
    let list = body(list).await;
    assert_eq!(list["items"][0]["pan"], "******001F");
    assert_eq!(list["items"][0]["bank"]["account_number"], "**********5678");
    assert!(list["next_cursor"].is_string());
    let bad = app.get_with("/api/v1/partners?status=gone", &admin).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(body(bad).await["errors"][0]["field"], "status");
    let unknown = app.get_with("/api/v1/partners?colour=red", &admin).await;
    assert_eq!(unknown.status(), 400);

    let path = format!("/api/v1/partners/{one}");
    let got = app.get_with(&path, &admin).await;
    assert_eq!(
        (got.status().as_u16(), got.headers()["etag"].to_str().unwrap()),
        (200, "\"1\"")
    );
    assert_eq!(body(got).await["pan"], "AAPFU0001F");
    let patched = app
        .patch(
            &path,
            &admin,
            Some("\"1\""),
            &json!({"trade_name": "=cmd|x", "max_employees": 4}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(patched.headers()["etag"], "\"2\"");
    let stale = app
        .patch(
            &path,
            &admin,
            Some("\"1\""),
            &json!({"rate_limit_tier": "PREMIUM"}),
        )
        .await;
    assert_eq!(stale.status(), 412);
    let tier = app
        .patch(&path, &admin, None, &json!({"rate_limit_tier": "GOLD"}))
        .await;
    assert_eq!(tier.status(), 422);
    assert_eq!(body(tier).await["errors"][0]["field"], "rate_limit_tier");

    let put = reqwest::Method::PUT;
    let post = reqwest::Method::POST;
    let limit = send(
        &app,
        put.clone(),
        &format!("{path}/credit-limit"),
        &admin,
        json!({"credit_limit": "2500000", "reason": "annual review"}),
    )
    .await;
    assert_eq!(limit.status(), 200);
    assert_eq!(body(limit).await["credit_limit"], "2500000");
    let no_reason = send(
        &app,
        put.clone(),
        &format!("{path}/credit-limit"),
        &admin,
        json!({"credit_limit": "1"}),
    )
    .await;
    assert_eq!(no_reason.status(), 400);

    let suspend = send(
        &app,
        post.clone(),
        &format!("{path}/suspend"),
        &admin,
        json!({"reason": "KYC lapsed"}),
    )
    .await;
    assert_eq!(suspend.status(), 200);
    assert_eq!(body(suspend).await["status"], "suspended");
    let again = send(
        &app,
        post.clone(),
        &format!("{path}/suspend"),
        &admin,
        json!({"reason": "KYC lapsed"}),
    )
    .await;
    assert_eq!(again.status(), 409);
    assert_eq!(body(again).await["code"], "partner_already_suspended");
    let back = send(
        &app,
        post.clone(),
        &format!("{path}/reactivate"),
        &admin,
        json!({"reason": "renewed"}),
    )
    .await;
    assert_eq!(back.status(), 200);
    let twice = send(
        &app,
        post.clone(),
        &format!("{path}/reactivate"),
        &admin,
        json!({"reason": "renewed"}),
    )
    .await;
    assert_eq!(
        (twice.status().as_u16(), body(twice).await["code"].clone()),
        (409, json!("partner_not_suspended"))
    );

    let caps = app.get_with(&format!("{path}/capabilities"), &admin).await;
    assert_eq!(caps.status(), 200);
    assert_eq!(body(caps).await["capabilities"]["domestic_sell_india"], true);
    let set = send(
        &app,
        put.clone(),
        &format!("{path}/capabilities"),
        &admin,
        json!({"capabilities": {"export_allowed": true}, "reason": "IEC seen"}),
    )
    .await;
    assert_eq!(set.status(), 200);
    assert_eq!(body(set).await["capabilities"]["export_allowed"], true);
    let unknown = send(
        &app,
        put,
        &format!("{path}/capabilities"),
        &admin,
        json!({"capabilities": {"fly": true}, "reason": "why"}),
    )
    .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(body(unknown).await["errors"][0]["field"], "capabilities.fly");

    let export = app.get_with("/api/v1/partners/export?type=seller", &admin).await;
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = export.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(
        csv.contains(",'=cmd|x,") && csv.contains(",******001F,**********5678,"),
        "{csv}"
    );
    let stats = body(app.get_with("/api/v1/partners/stats", &admin).await).await;
    assert_eq!(
        (stats["total"].clone(), stats["by_status"]["approved"].clone()),
        (json!(2), json!(2))
    );

    // A partner's user: its own partner only (on a tier roomy enough for the checks below).
    let roomy = app
        .patch(
            &format!("/api/v1/partners/{two}"),
            &admin,
            None,
            &json!({"rate_limit_tier": "ENTERPRISE"}),
        )
        .await;
    assert_eq!(roomy.status(), 200);
    let mine = partner_token(&t, two).await;
    assert_eq!(
        app.get_with(&format!("/api/v1/partners/{two}"), &mine)
            .await
            .status(),
        200
    );
    let other = app.get_with(&path, &mine).await;
    assert_eq!(other.status(), 404);
    // Nothing else of the other partner either: its capabilities, application, documents, files.
    let theirs = body(app.get_with(&path, &admin).await).await;
    let application = theirs["application_id"].as_str().unwrap().to_owned();
    let docs = body(
        app.get_with(
            &format!("/api/v1/partners/applications/{application}/documents"),
            &admin,
        )
        .await,
    )
    .await;
    let doc = docs["items"][0]["id"].as_str().unwrap().to_owned();
    for hidden in [
        format!("{path}/capabilities"),
        format!("/api/v1/partners/applications/{application}"),
        format!("/api/v1/partners/applications/{application}/documents"),
        format!("/api/v1/partners/applications/{application}/documents/{doc}/file"),
    ] {
        assert_eq!(app.get_with(&hidden, &mine).await.status(), 404, "{hidden}");
    }
    let change = send(
        &app,
        reqwest::Method::PATCH,
        &path,
        &mine,
        json!({"trade_name": "Ours now"}),
    )
    .await;
    assert_eq!(change.status(), 404);
    let applications = body(app.get_with("/api/v1/partners/applications", &mine).await).await;
    assert!(
        applications["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != application.as_str()),
        "{applications}"
    );
    let listed = body(app.get_with("/api/v1/partners", &mine).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], two.to_string());
    let missing = app
        .get_with(&format!("/api/v1/partners/{}", Uuid::now_v7()), &admin)
        .await;
    assert_eq!(missing.status(), 404);
}

async fn the_tier_limits_partner_users_and_suspension_stops_their_writes(t: TestInfra) {
    let one = approved(&t, 1).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let mine = partner_token(&t, one).await;
    let path = format!("/api/v1/partners/{one}");
    let read = app.get_with(&path, &mine).await;
    assert_eq!(read.status(), 200);
    assert_eq!(
        read.headers()["ratelimit-policy"],
        "\"tier-basic\";q=30;w=60",
        "BASIC until a tier is set"
    );
    let tier = app
        .patch(&path, &admin, None, &json!({"rate_limit_tier": "ENTERPRISE"}))
        .await;
    assert_eq!(tier.status(), 200);
    let read = app.get_with(&path, &mine).await;
    assert_eq!(
        read.headers()["ratelimit-policy"],
        "\"tier-enterprise\";q=500;w=60",
        "the new tier applies at once"
    );
    let write = app
        .patch(&path, &mine, None, &json!({"trade_name": "Own Name"}))
        .await;
    assert_eq!(write.status(), 200, "its admin changes its trade name");
    let limit = app.patch(&path, &mine, None, &json!({"max_employees": 9})).await;
    assert_eq!(
        body(limit).await["code"],
        "out_of_scope",
        "staff set the employee limit"
    );
    let post = reqwest::Method::POST;
    let suspended = send(
        &app,
        post.clone(),
        &format!("{path}/suspend"),
        &admin,
        json!({"reason": "KYC lapsed"}),
    )
    .await;
    assert_eq!(suspended.status(), 200);
    let write = app
        .patch(&path, &mine, None, &json!({"trade_name": "Other"}))
        .await;
    assert_eq!(write.status(), 403);
    assert_eq!(body(write).await["code"], "partner_suspended");
    let helper = json!({"mobile": "9811111111", "full_name": "Helper Person"});
    let sub = app.post("/api/v1/auth/sub-users", Some(&mine), &helper).await;
    assert_eq!(
        (sub.status().as_u16(), body(sub).await["code"].clone()),
        (403, json!("partner_suspended"))
    );
    let read = app.get_with(&path, &mine).await;
    assert_eq!(read.status(), 200, "reads go on");
    assert_eq!(body(read).await["status"], "suspended");
    let back = send(
        &app,
        post,
        &format!("{path}/reactivate"),
        &admin,
        json!({"reason": "renewed"}),
    )
    .await;
    assert_eq!(back.status(), 200);
    let write = app
        .patch(&path, &mine, None, &json!({"trade_name": "Other"}))
        .await;
    assert_eq!(write.status(), 200, "writes go on after reactivation");
}

infra::backend_tests!(
    records_over_http,
    the_tier_limits_partner_users_and_suspension_stops_their_writes
);
