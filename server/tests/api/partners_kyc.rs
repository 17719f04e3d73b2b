//! KYC over HTTP and as jobs: the expiring list (days, reach, 422 naming
//! `days`), the daily jobs registered by the partners module (reminders once
//! per threshold, run twice and from two runners; expiry once, suspending
//! when `KYC_SUSPEND_ON_EXPIRY` is set and dropping the cached principals).

use chrono::{NaiveDate, TimeZone};
use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Clock, Infra};
use serde_json::{Value, json};
use server::config::Config;
use server::jobs::Runner;
use server::routes::partners::kyc;
use server::state::AppState;
use uuid::Uuid;

use crate::helpers::{create_admin, login, spawn_app};
use crate::partners_records::{approved, partner_token};

const ZONE: chrono_tz::Tz = chrono_tz::Asia::Kolkata;

async fn expires_on(t: &TestInfra, id: Uuid) -> NaiveDate {
    let row = partners::entity::partner::Entity::find_by_id(id)
        .one(t.db())
        .await
        .unwrap();
    row.unwrap().kyc_expires_on.unwrap()
}

/// Moves `clocks` to `hour`:05 of the business day `left` days before `expires`.
fn move_to(clocks: &[&Clock], expires: NaiveDate, left: i64, hour: u32) {
    let day = expires - chrono::Duration::days(left);
    let at = ZONE
        .from_local_datetime(&day.and_hms_opt(hour, 5, 0).unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    for clock in clocks {
        clock.advance(at - clock.now());
    }
}

async fn state(t: &TestInfra, config: Config) -> AppState {
    let areas = server::modules::areas(server::modules::MODULES);
    AppState::new(config, t.infra().clone(), areas).await.unwrap()
}

async fn events(t: &TestInfra, kind: &str) -> Vec<Value> {
    let rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.into_iter()
        .filter(|e| e.event_type == kind)
        .map(|e| e.payload)
        .collect()
}

async fn expiring_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let expires = expires_on(&t, one).await;
    move_to(&[t.clock()], expires, 80, 10);
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;

    let list = app
        .get_with("/api/v1/partners/kyc/expiring?days=90", &admin)
        .await;
    assert_eq!(list.status(), 200);
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["days_left"], 80);
    assert_eq!(list["items"][0]["kyc_expires_on"], expires.to_string());
    assert!(
        list["items"][0]["code"]
            .as_str()
            .unwrap()
            .starts_with("BP-IND-SEL-")
    );
    let default: Value = app
        .get_with("/api/v1/partners/kyc/expiring", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        default["items"].as_array().unwrap().len(),
        2,
        "90 days by default"
    );
    let soon: Value = app
        .get_with("/api/v1/partners/kyc/expiring?days=30", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(soon["items"], json!([]));
    for days in ["0", "366"] {
        let bad = app
            .get_with(&format!("/api/v1/partners/kyc/expiring?days={days}"), &admin)
            .await;
        assert_eq!(bad.status(), 422);
        let bad: Value = bad.json().await.unwrap();
        assert_eq!(bad["errors"][0]["field"], "days");
    }
    let own = partner_token(&t, two).await;
    let mine: Value = app
        .get_with("/api/v1/partners/kyc/expiring", &own)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["id"], two.to_string());
    assert_eq!(app.get("/api/v1/partners/kyc/expiring").await.status(), 401);
}

async fn the_daily_jobs_run_once(t: TestInfra) {
    let one = approved(&t, 1).await;
    let expires = expires_on(&t, one).await;
    let config = Config {
        kyc_suspend_on_expiry: true,
        ..Config::default()
    };
    let state = state(&t, config).await;
    let jobs = || server::modules::jobs(server::modules::MODULES, &state);
    let (mut a, mut b) = (Runner::new(jobs(), ZONE), Runner::new(jobs(), ZONE));

    move_to(&[t.clock()], expires, 90, 8);
    let ran = a.tick(&t).await;
    assert!(!ran.contains(&"partners.kyc_reminders"), "not before 09:00");
    move_to(&[t.clock()], expires, 90, 9);
    assert!(a.tick(&t).await.contains(&"partners.kyc_reminders"));
    let ran = b.tick(&t).await;
    assert!(
        !ran.iter().any(|j| j.starts_with("partners.kyc")),
        "the other runner finds the day taken"
    );
    assert_eq!(kyc::remind(&state).await.unwrap(), 0, "run twice");
    move_to(&[t.clock()], expires, 7, 9);
    assert!(b.tick(&t).await.contains(&"partners.kyc_reminders"));
    let due: Vec<i64> = events(&t, "KycReminderDue")
        .await
        .iter()
        .map(|p| p["days_before"].as_i64().unwrap())
        .collect();
    assert_eq!(due.len(), 2);
    assert!(due.contains(&90) && due.contains(&7));

    move_to(&[t.clock()], expires, -1, 0);
    let app = spawn_app(t.infra().clone()).await;
    let own = partner_token(&t, one).await;
    let path = format!("/api/v1/partners/{one}/reactivate");
    let before: Value = app
        .post(&path, Some(&own), &json!({"reason": "renewed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(before["code"], "partner_suspended");
    assert!(a.tick(&t).await.contains(&"partners.kyc_expiry"));
    assert_eq!(kyc::expire(&state).await.unwrap(), 0, "run twice");
    assert_eq!(events(&t, "KycExpired").await.len(), 1);
    assert_eq!(events(&t, "PartnerSuspended").await.len(), 1);
    let got: Value = app
        .get_with(&format!("/api/v1/partners/{one}"), &own)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (got["kyc_status"].as_str(), got["status"].as_str()),
        (Some("expired"), Some("suspended"))
    );
    let after = app.post(&path, Some(&own), &json!({"reason": "renewed"})).await;
    assert_eq!(after.status(), 403);
    let after: Value = after.json().await.unwrap();
    assert_eq!(after["code"], "partner_suspended", "the cached principal dropped");
}

async fn renewals_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let own = partner_token(&t, one).await;
    let path = format!("/api/v1/partners/{one}/kyc/renewals");
    assert_eq!(app.post(&path, Some(&own), &json!({})).await.status(), 403);
    let started = app.post(&path, Some(&admin), &json!({})).await;
    assert_eq!(started.status(), 201);
    let started: Value = started.json().await.unwrap();
    assert_eq!(started["kyc_status"], "renewal_required");
    let again = app.post(&path, Some(&admin), &json!({})).await;
    assert_eq!(again.status(), 409);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["code"], "kyc_renewal_open");
    let complete = format!("{path}/{}/complete", started["id"].as_str().unwrap());
    let bad = app
        .post(&complete, Some(&admin), &json!({"result": "fail"}))
        .await;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["errors"][0]["field"], "reason");
    let body = json!({"result": "fail", "reason": "documents forged"});
    let failed = app.post(&complete, Some(&admin), &body).await;
    assert_eq!(failed.status(), 200);
    let failed: Value = failed.json().await.unwrap();
    assert_eq!(
        (failed["kyc_status"].as_str(), failed["suspended"].as_bool()),
        (Some("expired"), Some(true))
    );
    let refused = app.post(&path, Some(&own), &json!({})).await;
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(
        refused["code"], "partner_suspended",
        "the cached principal dropped"
    );
    let closed = app.post(&complete, Some(&admin), &body).await;
    assert_eq!(closed.status(), 409);
}

/// Renewal documents over HTTP: staff and the partner's own admin file them
/// (multipart, 201 with ETag), another partner's user gets 404, a text file
/// is 422 on `file`; a pass verifies them; a closed renewal is 409. The
/// expiring list pages with `limit` and `cursor`.
async fn renewal_documents_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    t.clock().advance(chrono::Duration::days(30)); // both KYCs within the next 365 days
    let served = crate::partners::serve(&t).await;
    let (app, admin) = (&served.app, served.admin.as_str());
    let own = partner_token(&t, one).await;
    let theirs = partner_token(&t, two).await;
    let expiring = "/api/v1/partners/kyc/expiring?days=365&limit=1";
    let first: Value = app.get_with(expiring, admin).await.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 1, "{first}");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second: Value = app
        .get_with(&format!("{expiring}&cursor={cursor}"), admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1, "{second}");
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    let bad = app.get_with("/api/v1/partners/kyc/expiring?limit=0", admin).await;
    assert_eq!(bad.status(), 422);
    let started = app
        .post(
            &format!("/api/v1/partners/{one}/kyc/renewals"),
            Some(admin),
            &json!({}),
        )
        .await;
    let renewal: Value = started.json().await.unwrap();
    let path = format!(
        "/api/v1/partners/{one}/kyc/renewals/{}/documents",
        renewal["id"].as_str().unwrap()
    );
    let pdf = b"%PDF-1.4 iec".as_slice();
    let filed = served.upload_to(admin, &path, "iec", pdf, None).await;
    assert_eq!(filed.status(), 201);
    assert!(filed.headers().contains_key("etag"));
    let filed: Value = filed.json().await.unwrap();
    assert_eq!(
        (filed["renewal_id"].clone(), filed["verified"].clone()),
        (renewal["id"].clone(), json!(false))
    );
    assert_eq!(
        served
            .upload_to(&own, &path, "pan_card", pdf, None)
            .await
            .status(),
        201
    );
    assert_eq!(
        served.upload_to(&theirs, &path, "iec", pdf, None).await.status(),
        404
    );
    let text = served.upload_to(admin, &path, "iec", b"plain words", None).await;
    assert_eq!(text.status(), 422);
    let text: Value = text.json().await.unwrap();
    assert_eq!(text["errors"][0]["field"], "file");
    let listed: Value = app.get_with(&path, &own).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.get_with(&path, &theirs).await.status(), 404);

    let complete = format!(
        "/api/v1/partners/{one}/kyc/renewals/{}/complete",
        renewal["id"].as_str().unwrap()
    );
    let passed = app.post(&complete, Some(admin), &json!({"result": "pass"})).await;
    assert_eq!(passed.status(), 200);
    let listed: Value = app.get_with(&path, admin).await.json().await.unwrap();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["verified"] == true)
    );
    let caps: Value = app
        .get_with(&format!("/api/v1/partners/{one}/capabilities"), admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(caps["capabilities"]["import_allowed"], true, "{caps}");
    let closed = served.upload_to(admin, &path, "iec", pdf, None).await;
    assert_eq!(closed.status(), 409);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["code"], "kyc_renewal_closed");
}

infra::backend_tests!(
    expiring_over_http,
    the_daily_jobs_run_once,
    renewals_over_http,
    renewal_documents_over_http,
);
