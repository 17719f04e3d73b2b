//! The requirement state machine over HTTP, every operation from every
//! status: publish only from DRAFT; PATCH only in DRAFT or ACTIVE; cancel
//! from DRAFT, ACTIVE or PARTIALLY_FULFILLED (never from FULFILLED, EXPIRED
//! or CANCELLED); each illegal one 409 `invalid_transition` naming the
//! current status, and nothing changed by it.

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::trade_desk_requirements::buyer;

const PATH: &str = "/api/v1/trade-desk/requirements";
const STATUSES: [&str; 6] = [
    "DRAFT",
    "ACTIVE",
    "PARTIALLY_FULFILLED",
    "FULFILLED",
    "EXPIRED",
    "CANCELLED",
];

/// The operations tried, and the statuses each is legal from with the status it leads to.
fn legal(operation: &str, from: &str) -> Option<&'static str> {
    match (operation, from) {
        ("publish", "DRAFT") => Some("ACTIVE"),
        ("patch", "DRAFT") => Some("DRAFT"),
        ("patch", "ACTIVE") => Some("ACTIVE"),
        ("cancel", "DRAFT" | "ACTIVE" | "PARTIALLY_FULFILLED") => Some("CANCELLED"),
        _ => None,
    }
}

async fn force_status(t: &TestInfra, id: &str, status: &str) {
    let update = Query::update()
        .table(Alias::new("requirements"))
        .value(Alias::new("status"), status)
        .and_where(Expr::col(Alias::new("id")).eq(Uuid::parse_str(id).unwrap()))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

async fn attempt(app: &TestApp, token: &str, operation: &str, id: &str) -> reqwest::Response {
    let (method, path, body) = match operation {
        "publish" => (reqwest::Method::POST, format!("{PATH}/{id}/publish"), json!({})),
        "cancel" => (
            reqwest::Method::POST,
            format!("{PATH}/{id}/cancel"),
            json!({"reason": "bought elsewhere"}),
        ),
        _ => (
            reqwest::Method::PATCH,
            format!("{PATH}/{id}"),
            json!({"max_quantity": "350"}),
        ),
    };
    app.client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn every_transition_from_every_status(t: TestInfra) {
    let (_, token) = buyer(&t, 41).await;
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
    });
    for from in STATUSES {
        for operation in ["publish", "patch", "cancel"] {
            let created = app.post(PATH, Some(&token), &need).await;
            assert_eq!(created.status(), 201, "{:?}", created.text().await);
            let created: Value = created.json().await.unwrap();
            let id = created["id"].as_str().unwrap().to_owned();
            if from != "DRAFT" {
                force_status(&t, &id, from).await;
            }
            let answer = attempt(&app, &token, operation, &id).await;
            let status = answer.status();
            let body: Value = answer.json().await.unwrap();
            match legal(operation, from) {
                Some(to) => {
                    assert_eq!(status, 200, "{operation} from {from}: {body}");
                    assert_eq!(body["status"], to, "{operation} from {from}");
                }
                None => {
                    assert_eq!(status, 409, "{operation} from {from}: {body}");
                    assert_eq!(body["code"], "invalid_transition", "{operation} from {from}");
                    assert!(
                        body["detail"].as_str().unwrap().contains(from),
                        "{operation} from {from} names the status: {body}"
                    );
                    let now: Value = app
                        .get_with(&format!("{PATH}/{id}"), &token)
                        .await
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(now["status"], from, "{operation} from {from} changed nothing");
                    assert_eq!(now["max_quantity"], "300", "{operation} from {from}");
                }
            }
        }
    }
}

infra::backend_tests!(every_transition_from_every_status);
