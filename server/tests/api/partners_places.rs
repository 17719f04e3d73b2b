//! A partner's places over HTTP: the GSTIN of a branch checked against its
//! state, ship_to refused for a seller, If-Match on updates, another
//! partner's user answered 404, deactivation, and the events recorded.

use infra::Infra;
use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{create_admin, login, spawn_app};
use crate::partners_records::{approved, partner_token};

/// The GSTIN of GST state `state` for the PAN the `approved` partner `n` holds.
fn gstin(state: &str, n: u32) -> String {
    let first14 = format!("{state}AAPFU{n:04}F1Z");
    format!(
        "{first14}{}",
        settings::tax_ids::gstin_check_char(&first14).unwrap()
    )
}

fn branch(state: &str, gstin: Option<String>) -> Value {
    json!({
        "name": format!("Branch {state}"),
        "location_type": "branch",
        "address": {"line1": "Plot 4", "city": "Nagpur", "state_code": state, "pincode": "440001",
            "latitude": 21.1, "longitude": 79.1},
        "gstin": gstin,
    })
}

async fn first_field(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["errors"][0]["field"].clone())
}

async fn places_over_http(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let mine = partner_token(&t, one).await;
    let theirs = partner_token(&t, two).await;
    let path = format!("/api/v1/partners/{one}/locations");

    let wrong = app
        .post(&path, Some(&admin), &branch("MH", Some(gstin("24", 1))))
        .await;
    assert_eq!(
        first_field(wrong).await,
        (422, json!("gstin")),
        "a Gujarat GSTIN for a Maharashtra branch"
    );
    let mut ship_to = branch("MH", None);
    ship_to["location_type"] = json!("ship_to");
    let refused = app.post(&path, Some(&mine), &ship_to).await;
    assert_eq!(first_field(refused).await, (422, json!("location_type")));
    let foreign = app.post(&path, Some(&theirs), &branch("MH", None)).await;
    assert_eq!(foreign.status(), 404);
    assert_eq!(app.get_with(&path, &theirs).await.status(), 404);

    let added = app
        .post(&path, Some(&mine), &branch("GJ", Some(gstin("24", 1))))
        .await;
    assert_eq!(added.status(), 201);
    assert_eq!(added.headers()["etag"], "\"1\"");
    let added: Value = added.json().await.unwrap();
    assert_eq!(
        (added["state_code"].clone(), added["is_active"].clone()),
        (json!("GJ"), json!(true))
    );
    let place = format!("{path}/{}", added["id"].as_str().unwrap());

    let renamed = app
        .patch(&place, &mine, Some("\"1\""), &json!({"name": "Rajkot branch"}))
        .await;
    assert_eq!(
        (
            renamed.status().as_u16(),
            renamed.headers()["etag"].to_str().unwrap()
        ),
        (200, "\"2\"")
    );
    let stale = app
        .patch(&place, &mine, Some("\"1\""), &json!({"name": "Other"}))
        .await;
    assert_eq!(stale.status(), 412);
    assert_eq!(app.get_with(&place, &theirs).await.status(), 404);

    let gone = app
        .client
        .post(format!("{}{place}/deactivate", app.address))
        .bearer_auth(&admin)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    assert_eq!(gone.json::<Value>().await.unwrap()["is_active"], false);
    let list: Value = app.get_with(&path, &mine).await.json().await.unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "the principal and the branch"
    );

    let mut events: Vec<_> = infra::outbox::entity::Entity::find()
        .all(t.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.aggregate_id == one.to_string() && e.event_type.starts_with("PartnerLocation"))
        .collect();
    events.sort_by_key(|e| e.id);
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "PartnerLocationAdded",
            "PartnerLocationUpdated",
            "PartnerLocationUpdated"
        ]
    );
    let _: Uuid = serde_json::from_value(events[0].payload["child_id"].clone()).unwrap();

    let yard = json!({"name": "Jalgaon APMC", "place_id": "place-jalgaon", "state_code": "MH",
        "city": "Jalgaon", "pincode": "425001", "latitude": 21.0, "longitude": 75.56});
    let yard: Value = app
        .post("/api/v1/settings/locations", Some(&admin), &yard)
        .await
        .json()
        .await
        .unwrap();
    let godown = json!({"name": "Jalgaon godown", "location_type": "warehouse", "location_id": yard["id"]});
    let godown = app.post(&path, Some(&admin), &godown).await;
    assert_eq!(godown.status(), 201);
    assert_eq!(godown.json::<Value>().await.unwrap()["state_code"], "MH");
    let delete = app
        .client
        .delete(format!(
            "{}/api/v1/settings/locations/{}",
            app.address,
            yard["id"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        delete.status(),
        409,
        "a settings location named by a partner place stays"
    );
}

infra::backend_tests!(places_over_http);

/// An approved transporter numbered `n` (auto-approved).
async fn transporter(t: &TestInfra, n: u32) -> Uuid {
    use partners::{ApplicationService, Caller};
    let apps =
        ApplicationService::new(t.infra().clone()).with_documents(partners::files::DocumentStore::memory());
    let system = infra::Actor::system();
    let staff = Caller::staff(&system);
    let input = partners::input::StartApplication {
        legal_name: format!("Fast Roadways {n} Pvt Ltd"),
        partner_type: "transporter".into(),
        entity_type: "private_limited".into(),
        address: partners::input::Address {
            line1: "7 Transport Nagar".into(),
            city: "Ahmedabad".into(),
            state_code: Some("GJ".into()),
            pincode: "380001".into(),
            ..Default::default()
        },
        contact: partners::input::Contact {
            full_name: "Kiran Desai".into(),
            email: None,
            mobile: format!("97{n:08}"),
        },
        annual_turnover: Some("20000000".parse().unwrap()),
        ..Default::default()
    };
    let app = apps.start(&staff, input).await.unwrap().value;
    let doc = partners::document_service::NewDocument {
        document_type: "bank_proof".into(),
        document_number: Some("X1234".into()),
        ..Default::default()
    };
    let file = partners::files::Upload {
        file_name: Some("bank.pdf".into()),
        bytes: b"%PDF-1.4 bank".to_vec().into(),
    };
    let doc = apps.add_document(&staff, app.id, doc, file).await.unwrap().value;
    let review = partners::document_review::Verification::verify();
    apps.verify_document(&staff, app.id, doc.id, review)
        .await
        .unwrap();
    let decided = apps.submit(&staff, app.id).await.unwrap().value;
    decided.application.partner_id.expect("auto-approved")
}

async fn vehicles_over_http(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let carrier = transporter(&t, 2).await;
    create_admin(&t, "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let mine = partner_token(&t, carrier).await;
    let truck = json!({"registration_number": "gj 01 ab 1234", "vehicle_type": "truck",
        "capacity": "25", "capacity_unit": "MT", "rc_expires_on": "2030-03-31"});

    let refused = app
        .post(
            &format!("/api/v1/partners/{seller}/vehicles"),
            Some(&admin),
            &truck,
        )
        .await;
    assert_eq!(refused.status(), 403, "vehicles are for transporters only");
    let path = format!("/api/v1/partners/{carrier}/vehicles");
    let mut bad = truck.clone();
    bad["registration_number"] = json!("12-34");
    assert_eq!(
        first_field(app.post(&path, Some(&mine), &bad).await).await,
        (422, json!("registration_number"))
    );
    let added = app.post(&path, Some(&mine), &truck).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["registration_number"], "GJ01AB1234");
    let vehicle = format!("{path}/{}", added["id"].as_str().unwrap());
    let bigger = app
        .patch(&vehicle, &mine, Some("\"1\""), &json!({"capacity": "30"}))
        .await;
    assert_eq!(bigger.status(), 200);
    let stale = app
        .patch(&vehicle, &mine, Some("\"1\""), &json!({"capacity": "31"}))
        .await;
    assert_eq!(stale.status(), 412);
    let list: Value = app.get_with(&path, &mine).await.json().await.unwrap();
    assert_eq!(list["items"][0]["capacity"], "30");
}

infra::backend_tests!(vehicles_over_http);
