//! Availabilities over HTTP: a seller's admin creates one (201, ETag,
//! Location), every broken field named in the 422, staff approve and
//! reject, `If-Match` on PATCH (412 when stale), duplicates and circular
//! trading refused with their codes, the circular trading validation,
//! readiness and similar; and a RESTRICTED availability kept from an
//! unlisted partner in reads (404) and in real time.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use infra::{Actor, Infra};
use serde_json::{Value, json};
use settings::users::{CreateUser, UserService};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};

const PATH: &str = "/api/v1/trade-desk/availabilities";

/// An approved trader able to buy and sell in India (ENTERPRISE tier), and its admin's access token.
pub(crate) async fn trader(t: &TestInfra, n: u32) -> (Uuid, String) {
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
    let user = CreateUser {
        kind: "EXTERNAL".into(),
        email: None,
        mobile: Some(format!("95{n:08}")),
        password: None,
        full_name: format!("Seller Admin {n}"),
        organization_id: None,
        partner_id: Some(id),
        roles: vec!["PARTNER_ADMIN".into()],
    };
    UserService::new(t.infra().clone())
        .create(&Actor::system(), user, None)
        .await
        .unwrap();
    (id, crate::partners_records::partner_token(t, id).await)
}

pub(crate) async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A WebSocket following `channel`.
pub(crate) struct Socket(
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
);

impl Socket {
    pub(crate) async fn follow(app: &TestApp, token: &str, channel: &str) -> Self {
        let url = format!(
            "{}/api/v1/ws?access_token={token}",
            app.address.replacen("http", "ws", 1)
        );
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("a WebSocket");
        let mut socket = Self(ws);
        let subscribe = json!({"action": "subscribe", "channel": channel}).to_string();
        socket.0.send(Message::text(subscribe)).await.unwrap();
        loop {
            let message = socket.next().await;
            if message["event"] == "subscribed" {
                return socket;
            }
            assert_ne!(message["event"], "error", "{message}");
        }
    }

    pub(crate) async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), self.0.next())
                .await
                .expect("a message in time")
                .expect("an open socket")
                .unwrap();
            if let Message::Text(text) = frame {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    /// The next reservation event (QuantityReserved, QuantityReleased or
    /// ReservationExpired), past the listing's other events (its approval
    /// may arrive after a subscription made just after it).
    pub(crate) async fn next_reservation(&mut self) -> String {
        loop {
            let (kind, _) = self.next_availability().await;
            if ["QuantityReserved", "QuantityReleased", "ReservationExpired"].contains(&kind.as_str()) {
                return kind;
            }
        }
    }

    /// The next availability event: `(event type, availability id)`.
    pub(crate) async fn next_availability(&mut self) -> (String, String) {
        loop {
            let m = self.next().await;
            if m["data"]["topic"] == "availability-events" {
                let id = m["data"]["aggregate_id"].as_str().unwrap().to_owned();
                return (m["event"].as_str().unwrap().to_owned(), id);
            }
        }
    }
}

async fn availabilities_over_http(t: TestInfra) {
    let (seller, mine) = trader(&t, 1).await;
    let (listed, listed_token) = trader(&t, 2).await;
    let (_, stranger) = trader(&t, 3).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_millis(200)));
    let admin = login(&app, "root@example.com").await;
    let (_, cotton) = json_of(
        app.post(
            "/api/v1/settings/commodities",
            Some(&admin),
            &json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
                    "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"}),
        )
        .await,
    )
    .await;
    let (_, yard) = json_of(
        app.post(
            "/api/v1/settings/locations",
            Some(&admin),
            &json!({"name": "Rajkot yard", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot",
                    "pincode": "360001", "latitude": 22.3, "longitude": 70.8}),
        )
        .await,
    )
    .await;
    let commodity = cotton["id"].as_str().unwrap().to_owned();
    let offer = |quantity: &str, visibility: &str| {
        let mut body = json!({"commodity_id": commodity, "location_id": yard["id"], "quantity": quantity,
            "price": "61000", "quality": {"staple_length": 29, "micronaire": "4.1"}, "visibility": visibility});
        if visibility == "RESTRICTED" {
            body["allowed_buyer_ids"] = json!([listed]);
        }
        body
    };

    let bad = json!({"commodity_id": commodity, "location_id": yard["id"], "quantity": "0",
        "price_type": "MATRIX", "quality": {"staple_length": 50, "colour": 1}, "visibility": "SECRET",
        "delivery_from": "2030-05-02", "delivery_to": "2030-05-01"});
    let (status, refused) = json_of(app.post(PATH, Some(&mine), &bad).await).await;
    assert_eq!(status, 422, "{refused}");
    let mut named: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        [
            "delivery_to",
            "price",
            "price_matrix",
            "quality.colour",
            "quality.staple_length",
            "quantity",
            "visibility"
        ]
    );

    // Sockets of the listed buyer and of a stranger, on the commodity's stream.
    let stream = format!("commodity:{commodity}:availabilities");
    let mut listed_socket = Socket::follow(&app, &listed_token, &stream).await;
    let mut stranger_socket = Socket::follow(&app, &stranger, &stream).await;

    let created = app.post(PATH, Some(&mine), &offer("100", "RESTRICTED")).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(created.headers()["etag"].to_str().unwrap(), "\"1\"");
    let (_, restricted) = json_of(created).await;
    let restricted_id = restricted["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("{PATH}/{restricted_id}"));
    assert_eq!(
        (
            restricted["status"].as_str(),
            restricted["approval_status"].as_str()
        ),
        (Some("DRAFT"), Some("PENDING"))
    );
    assert_eq!(restricted["base_quantity"], "35562.22");
    let (status, duplicate) = json_of(app.post(PATH, Some(&mine), &offer("100", "RESTRICTED")).await).await;
    assert_eq!(
        (status, duplicate["code"].as_str()),
        (409, Some("duplicate_availability"))
    );

    let approve = format!("{location}/approve");
    let (status, _) = json_of(app.post(&approve, Some(&mine), &json!({})).await).await;
    assert_eq!(status, 403, "sellers do not approve");
    let (status, approved) = json_of(app.post(&approve, Some(&admin), &json!({})).await).await;
    assert_eq!((status, approved["status"].as_str()), (200, Some("ACTIVE")));
    let (status, again) = json_of(app.post(&approve, Some(&admin), &json!({})).await).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("invalid_transition"))
    );

    assert_eq!(
        app.get_with(&location, &stranger).await.status(),
        404,
        "not listed"
    );
    assert_eq!(
        app.get_with(&location, &listed_token).await.status(),
        200,
        "listed"
    );
    assert_eq!(app.get_with(&location, &admin).await.status(), 200, "staff");

    let (_, public) = json_of(app.post(PATH, Some(&mine), &offer("150", "PUBLIC")).await).await;
    let public_id = public["id"].as_str().unwrap().to_owned();
    let public_at = format!("{PATH}/{public_id}");
    assert_eq!(
        app.get_with(&public_at, &stranger).await.status(),
        404,
        "not approved yet"
    );
    let (status, _) = json_of(
        app.post(&format!("{public_at}/approve"), Some(&admin), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(app.get_with(&public_at, &stranger).await.status(), 200, "PUBLIC");

    let approved = "AvailabilityApproved".to_owned();
    assert_eq!(
        listed_socket.next_availability().await,
        (approved.clone(), restricted_id.clone())
    );
    assert_eq!(
        listed_socket.next_availability().await,
        (approved.clone(), public_id.clone())
    );
    assert_eq!(
        stranger_socket.next_availability().await,
        (approved, public_id.clone()),
        "the RESTRICTED one never reaches an unlisted partner"
    );

    // PATCH with If-Match.
    let stale = app
        .patch(&public_at, &mine, Some("\"1\""), &json!({"price": "60000"}))
        .await;
    assert_eq!(stale.status(), 412);
    let fresh = app.get_with(&public_at, &mine).await;
    let etag = fresh.headers()["etag"].to_str().unwrap().to_owned();
    let (status, changed) = json_of(
        app.patch(&public_at, &mine, Some(&etag), &json!({"price": "60000"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, changed["price"].as_str()),
        (200, Some("60000")),
        "{changed}"
    );
    let (status, theirs) = json_of(
        app.patch(&public_at, &stranger, None, &json!({"price": "1"}))
            .await,
    )
    .await;
    assert_eq!((status, theirs["code"].as_str()), (403, Some("out_of_scope")));

    // Circular trading: the seller's open availabilities keep it from buying cotton today.
    let need = json!({"commodity_id": commodity, "min_quantity": "10", "max_quantity": "20",
        "delivery_location_ids": [yard["id"]]});
    let (status, circular) = json_of(
        app.post("/api/v1/trade-desk/requirements", Some(&mine), &need)
            .await,
    )
    .await;
    assert_eq!(
        (status, circular["code"].as_str()),
        (409, Some("circular_trading")),
        "{circular}"
    );
    let ask = json!({"partner_id": seller, "commodity_id": commodity, "side": "buy"});
    let validations = "/api/v1/trade-desk/validations/circular-trading";
    let (status, answer) = json_of(app.post(validations, Some(&mine), &ask).await).await;
    assert_eq!(
        (status, answer["allowed"].as_bool()),
        (200, Some(false)),
        "{answer}"
    );
    assert_eq!(answer["conflicts"].as_array().unwrap().len(), 2);
    let (status, _) = json_of(app.post(validations, Some(&stranger), &ask).await).await;
    assert_eq!(status, 403, "another partner's question");
    let (status, created) = json_of(
        app.post("/api/v1/trade-desk/requirements", Some(&listed_token), &need)
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let (status, circular) = json_of(app.post(PATH, Some(&listed_token), &offer("10", "PUBLIC")).await).await;
    assert_eq!(
        (status, circular["code"].as_str()),
        (409, Some("circular_trading"))
    );
    let number = created["number"].as_str().unwrap();
    assert!(
        circular["detail"].as_str().unwrap().contains(number),
        "{circular}"
    );

    // Readiness and similar.
    let (status, ready) = json_of(
        app.get_with(&format!("{public_at}/negotiation-readiness"), &stranger)
            .await,
    )
    .await;
    assert_eq!((status, ready["score"].as_f64()), (200, Some(0.56)), "{ready}");
    let (status, similar) = json_of(app.get_with(&format!("{public_at}/similar"), &stranger).await).await;
    assert_eq!(status, 200);
    assert!(
        similar["items"].as_array().unwrap().is_empty(),
        "the RESTRICTED one is not the stranger's to see"
    );
    let (_, similar) = json_of(app.get_with(&format!("{public_at}/similar"), &listed_token).await).await;
    assert_eq!(similar["items"][0]["availability"]["id"], restricted_id.as_str());
    assert_eq!(similar["items"][0]["overlap"], 1.0);

    // Reject and cancel.
    let (_, pending) = json_of(app.post(PATH, Some(&mine), &offer("200", "PRIVATE")).await).await;
    let pending_at = format!("{PATH}/{}", pending["id"].as_str().unwrap());
    let (status, _) = json_of(
        app.post(
            &format!("{pending_at}/reject"),
            Some(&admin),
            &json!({"reason": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    let reason = json!({"reason": "the test report is missing"});
    let (status, rejected) = json_of(
        app.post(&format!("{pending_at}/reject"), Some(&admin), &reason)
            .await,
    )
    .await;
    assert_eq!(
        (status, rejected["approval_status"].as_str()),
        (200, Some("REJECTED"))
    );
    let (status, cancelled) = json_of(
        app.post(&format!("{public_at}/cancel"), Some(&mine), &reason)
            .await,
    )
    .await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("CANCELLED")));
    let (status, _) = json_of(
        app.post(&format!("{public_at}/cancel"), Some(&mine), &reason)
            .await,
    )
    .await;
    assert_eq!(status, 409);
    let (_, listed_mine) = json_of(
        app.get_with(&format!("{PATH}/mine?status=CANCELLED"), &mine)
            .await,
    )
    .await;
    assert_eq!(listed_mine["items"].as_array().unwrap().len(), 1, "{listed_mine}");
    assert_eq!(
        app.get_with(&format!("{PATH}/mine"), &admin).await.status(),
        422,
        "staff name the seller"
    );
}

infra::backend_tests!(availabilities_over_http);
