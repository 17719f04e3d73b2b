//! Requirement reads over HTTP and real time: a RESTRICTED requirement is
//! found and pushed to its invited seller and to nobody else; a buyer
//! party-linked to the searching partner never appears; bad filters named;
//! the demand statistics and the history.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::trade_desk_requirements::buyer;

const WAIT: Duration = Duration::from_secs(10);

struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    async fn open(app: &TestApp, token: &str, channel: &str) -> Self {
        let url = format!(
            "{}/api/v1/ws?access_token={token}",
            app.address.replacen("http", "ws", 1)
        );
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("a WebSocket");
        let mut socket = Self(ws);
        assert_eq!(socket.next().await["event"], "connected");
        let ask = json!({"action": "subscribe", "channel": channel});
        socket.0.send(Message::text(ask.to_string())).await.unwrap();
        loop {
            let reply = socket.next().await;
            if reply["event"] == "subscribed" && reply["channel"] == channel {
                break;
            }
            assert_ne!(reply["event"], "error", "{reply}");
        }
        socket
    }

    async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(WAIT, self.0.next())
                .await
                .expect("a message in time")
                .expect("an open socket")
                .unwrap();
            if let Message::Text(text) = frame {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    /// Subscribes to `channel` as well.
    async fn also(&mut self, channel: &str) {
        let ask = json!({"action": "subscribe", "channel": channel});
        self.0.send(Message::text(ask.to_string())).await.unwrap();
        loop {
            let reply = self.next().await;
            if reply["event"] == "subscribed" && reply["channel"] == channel {
                return;
            }
            assert_ne!(reply["event"], "error", "{reply}");
        }
    }

    /// The requirement events of the socket's channels until `id`'s `kind`
    /// (on any channel), as `(aggregate id, type, channel)`.
    async fn until(&mut self, id: &str, kind: &str) -> Vec<(String, String, String)> {
        let mut seen = Vec::new();
        loop {
            let message = self.next().await;
            if message["data"]["topic"] != "requirement-events" {
                continue;
            }
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            let got = (
                text(&message["data"]["aggregate_id"]),
                text(&message["event"]),
                text(&message["channel"]),
            );
            let done = got.0 == id && got.1 == kind;
            seen.push(got);
            if done {
                return seen;
            }
        }
    }
}

async fn link(t: &TestInfra, partners: &[Uuid]) {
    for p in partners {
        let update = Query::update()
            .table(Alias::new("partners"))
            .value(Alias::new("corporate_group_key"), "group-shree")
            .and_where(Expr::col(Alias::new("id")).eq(*p))
            .to_owned();
        t.db().execute(&update).await.unwrap();
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

async fn drafted(app: &TestApp, token: &str, body: &Value) -> String {
    let created = app
        .post("/api/v1/trade-desk/requirements", Some(token), body)
        .await;
    assert_eq!(created.status(), 201);
    json_of(created).await["id"].as_str().unwrap().to_owned()
}

async fn publish(app: &TestApp, token: &str, id: &str) {
    let publish = format!("/api/v1/trade-desk/requirements/{id}/publish");
    assert_eq!(app.post(&publish, Some(token), &json!({})).await.status(), 200);
}

async fn posted(app: &TestApp, token: &str, body: Value) -> String {
    let id = drafted(app, token, &body).await;
    publish(app, token, &id).await;
    id
}

async fn found(app: &TestApp, token: &str, body: Value) -> Vec<String> {
    let response = app
        .post("/api/v1/trade-desk/requirements/search", Some(token), &body)
        .await;
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["requirement"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn restricted_and_linked_requirements_stay_out_of_sight(t: TestInfra) {
    let (_, buyer_token) = buyer(&t, 11).await;
    let (seller, seller_token) = buyer(&t, 12).await;
    let (_, stranger_token) = buyer(&t, 13).await;
    let (linked, linked_token) = buyer(&t, 14).await;
    link(&t, &[seller, linked]).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_millis(200)));
    let admin = login(&app, "root@example.com").await;
    let cotton = json_of(
        app.post(
            "/api/v1/settings/commodities",
            Some(&admin),
            &json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
                    "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"}),
        )
        .await,
    )
    .await;
    let yard = json_of(
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
    let stream = format!("commodity:{commodity}:requirements");
    let mut invited_socket = Socket::open(&app, &seller_token, &stream).await;
    let mut stranger_socket = Socket::open(&app, &stranger_token, &stream).await;

    let need = |visibility: &str, invited: Vec<Uuid>| {
        let mut body = json!({"commodity_id": commodity, "min_quantity": "100", "max_quantity": "300",
            "delivery_location_ids": [yard["id"]], "visibility": visibility, "max_price": "62000"});
        if !invited.is_empty() {
            body["invited_seller_ids"] = json!(invited);
        }
        body
    };
    let restricted = drafted(&app, &buyer_token, &need("RESTRICTED", vec![seller])).await;
    let entity = format!("requirement:{restricted}");
    invited_socket.also(&entity).await;
    stranger_socket.also(&entity).await;
    publish(&app, &buyer_token, &restricted).await;
    let open = posted(&app, &buyer_token, need("PUBLIC", vec![])).await;
    let theirs = posted(&app, &linked_token, need("PUBLIC", vec![])).await;

    let invited_saw = invited_socket.until(&open, "RequirementPublished").await;
    let published = "RequirementPublished".to_owned();
    let mut expected = vec![
        (restricted.clone(), published.clone(), stream.clone()),
        (restricted.clone(), published.clone(), entity.clone()),
    ];
    expected.sort();
    let (mut first, rest) = (invited_saw[..2].to_vec(), &invited_saw[2..]);
    first.sort();
    assert_eq!(first, expected, "on both channels; drafts reach their buyer only");
    assert_eq!(rest, [(open.clone(), published, stream.clone())]);
    let stranger_saw = stranger_socket.until(&theirs, "RequirementPublished").await;
    assert!(
        stranger_saw.iter().all(|(id, ..)| *id != restricted),
        "RESTRICTED, not invited: {stranger_saw:?}"
    );
    assert_eq!(stranger_saw.len(), 2, "{stranger_saw:?}");

    let body = json!({"commodity_id": commodity});
    let mut seller_found = found(&app, &seller_token, body.clone()).await;
    seller_found.sort();
    let mut expected = vec![restricted.clone(), open.clone()];
    expected.sort();
    assert_eq!(seller_found, expected, "invited; the linked buyer's left out");
    let mut stranger_found = found(&app, &stranger_token, body.clone()).await;
    stranger_found.sort();
    let mut expected = vec![open.clone(), theirs.clone()];
    expected.sort();
    assert_eq!(stranger_found, expected, "not invited");
    let item = format!("/api/v1/trade-desk/requirements/{restricted}");
    assert_eq!(app.get_with(&item, &stranger_token).await.status(), 404);

    let search = "/api/v1/trade-desk/requirements/search";
    let bad = app
        .post(
            search,
            Some(&seller_token),
            &json!({"commodity_id": commodity, "lat": 22.3, "radius_km": 10, "limit": 500}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let bad = json_of(bad).await;
    assert_eq!(bad["errors"][0]["field"], "limit", "{bad}");
    let ranked = json_of(
        app.post(
            search,
            Some(&seller_token),
            &json!({"commodity_id": commodity, "preferred_price": "62000",
            "lat": 22.3, "lng": 70.8, "radius_km": 10, "limit": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(ranked["items"][0]["score"], 1.0, "{ranked}");
    assert_eq!(
        ranked["items"][0]["parts"],
        json!({"quality": 1.0, "price": 1.0, "proximity": 1.0})
    );
    assert!(ranked["next_cursor"].is_string(), "{ranked}");
    let rest = json_of(
        app.post(
            search,
            Some(&seller_token),
            &json!({"commodity_id": commodity, "preferred_price": "62000",
            "lat": 22.3, "lng": 70.8, "radius_km": 10, "cursor": ranked["next_cursor"]}),
        )
        .await,
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1, "{rest}");
    assert_ne!(
        rest["items"][0]["requirement"]["id"],
        ranked["items"][0]["requirement"]["id"]
    );

    let demand = format!("/api/v1/trade-desk/requirements/statistics/demand/{commodity}");
    let stats = json_of(app.get_with(&format!("{demand}?days=7"), &stranger_token).await).await;
    assert_eq!(stats["total"]["count"], 3, "{stats}");
    assert_eq!(stats["by_urgency"]["NORMAL"]["average_max_price"], "174.3423");
    let bad = app.get_with(&format!("{demand}?days=0"), &stranger_token).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(json_of(bad).await["errors"][0]["field"], "days");

    let history = json_of(app.get_with(&format!("{item}/history"), &buyer_token).await).await;
    let kinds: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["RequirementCreated", "RequirementPublished"]);
    let hidden = app.get_with(&format!("{item}/history"), &stranger_token).await;
    assert_eq!(hidden.status(), 404);
    let staff = app.get_with(&format!("{item}/history"), &admin).await;
    assert_eq!(staff.status(), 200);
}

/// Concurrent creates over HTTP from two buyers: 50 on PostgreSQL (20
/// embedded, whose writes queue on one file), numbered without a gap.
async fn concurrent_creates_are_numbered_without_gaps(t: TestInfra) {
    let n = if t.backend() == infra::testing::Backend::Postgres {
        50
    } else {
        20
    };
    let buyers = [buyer(&t, 21).await.1, buyer(&t, 22).await.1];
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let admin = login(&app, "root@example.com").await;
    let cotton = json_of(
        app.post(
            "/api/v1/settings/commodities",
            Some(&admin),
            &json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
                    "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"}),
        )
        .await,
    )
    .await;
    let yard = json_of(
        app.post(
            "/api/v1/settings/locations",
            Some(&admin),
            &json!({"name": "Rajkot yard", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot",
                    "pincode": "360001", "latitude": 22.3, "longitude": 70.8}),
        )
        .await,
    )
    .await;
    let body = json!({"commodity_id": cotton["id"], "min_quantity": "100", "max_quantity": "300",
        "delivery_location_ids": [yard["id"]]});
    let creates = (0..n).map(|i| {
        let (app, body, token) = (&app, &body, &buyers[i % 2]);
        async move {
            let created = app
                .post("/api/v1/trade-desk/requirements", Some(token), body)
                .await;
            assert_eq!(created.status(), 201);
            json_of(created).await["number"].as_str().unwrap().to_owned()
        }
    });
    let mut numbers: Vec<u32> = futures::future::join_all(creates)
        .await
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort_unstable();
    let expected: Vec<u32> = (1..=n as u32).collect();
    assert_eq!(numbers, expected, "distinct and gap-free");
}

infra::backend_tests!(
    restricted_and_linked_requirements_stay_out_of_sight,
    concurrent_creates_are_numbered_without_gaps,
);
