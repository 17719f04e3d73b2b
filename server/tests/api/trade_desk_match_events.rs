//! Matching on events over HTTP: a buyer follows its published
//! requirement on one instance; a seller's availability approved
//! afterwards on another instance reaches the buyer as one MatchFound on
//! `requirement:{id}`, found by the `matching` consumer group and pushed by
//! `matching-pushes`, with no poll and no run; and not again. The seller
//! hears of it on `availability:{id}`. Embedded, both ends are the one
//! process.

use std::time::Duration;

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::{Backend, TestInfra};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{create_admin, login, spawn_app};
use crate::trade_desk_availabilities::{Socket, json_of, trader};

async fn credit(t: &TestInfra, id: Uuid) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

/// The next event of `topic` on `socket`, or none within `wait`.
async fn next_of(socket: &mut Socket, topic: &str, wait: Duration) -> Option<Value> {
    tokio::time::timeout(wait, async {
        loop {
            let m = socket.next().await;
            if m["data"]["topic"] == topic {
                return m;
            }
        }
    })
    .await
    .ok()
}

async fn a_buyer_hears_of_a_match_found_on_another_instance_once(t: TestInfra) {
    let (buyer_id, buyer) = trader(&t, 41).await;
    let (seller_id, seller) = trader(&t, 42).await;
    credit(&t, buyer_id).await;
    credit(&t, seller_id).await;
    create_admin(t.infra(), "root@example.com").await;
    let here = spawn_app(t.infra().clone()).await;
    let there = match t.backend() {
        Backend::Postgres => spawn_app(t.another_instance().await).await,
        Backend::Embedded => spawn_app(t.infra().clone()).await,
    };
    tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_millis(100)));
    let admin = login(&here, "root@example.com").await;
    let commodity = json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
        "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"});
    let (_, cotton) = json_of(
        here.post("/api/v1/settings/commodities", Some(&admin), &commodity)
            .await,
    )
    .await;
    let yard = json!({"name": "Rajkot yard", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot",
        "pincode": "360001", "latitude": 22.3, "longitude": 70.8});
    let (_, yard) = json_of(here.post("/api/v1/settings/locations", Some(&admin), &yard).await).await;
    let need = json!({"commodity_id": cotton["id"], "min_quantity": "50", "max_quantity": "300",
        "delivery_location_ids": [yard["id"]], "max_price": "62000", "preferred_price": "60500",
        "quality": {"staple_length": {"min": 28, "preferred": "29.5", "max": 31}}});
    let needs = "/api/v1/trade-desk/requirements";
    let (status, draft) = json_of(there.post(needs, Some(&buyer), &need).await).await;
    assert_eq!(status, 201, "{draft}");
    let requirement = draft["id"].as_str().unwrap().to_owned();
    let publish = format!("{needs}/{requirement}/publish");
    assert_eq!(there.post(&publish, Some(&buyer), &json!({})).await.status(), 200);
    let mut buyer_socket = Socket::follow(&there, &buyer, &format!("requirement:{requirement}")).await;

    let offer = json!({"commodity_id": cotton["id"], "location_id": yard["id"], "quantity": "100",
        "price": "60500", "quality": {"staple_length": "29.5", "micronaire": "4.1"}});
    let offers = "/api/v1/trade-desk/availabilities";
    let (status, made) = json_of(here.post(offers, Some(&seller), &offer).await).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let mut seller_socket = Socket::follow(&here, &seller, &format!("availability:{id}")).await;
    if made["status"] != "ACTIVE" {
        let approve = format!("{offers}/{id}/approve");
        assert_eq!(here.post(&approve, Some(&admin), &json!({})).await.status(), 200);
    }

    let wait = Duration::from_secs(20);
    let found = loop {
        let m = next_of(&mut buyer_socket, "requirement-events", wait)
            .await
            .expect("a push in time");
        if m["event"] == "MatchFound" {
            break m;
        }
    };
    let matches = found["data"]["payload"]["matches"].as_array().unwrap().clone();
    assert_eq!(matches.len(), 1, "{found}");
    assert_eq!(matches[0]["availability_id"].as_str(), Some(id.as_str()));
    let told = loop {
        let m = next_of(&mut seller_socket, "availability-events", wait)
            .await
            .expect("the seller told");
        if m["event"] == "MatchFound" {
            break m;
        }
    };
    assert_eq!(
        told["data"]["payload"]["match"]["requirement_id"].as_str(),
        Some(requirement.as_str())
    );

    let quiet = async {
        loop {
            let m = next_of(&mut buyer_socket, "requirement-events", Duration::from_secs(3)).await?;
            if m["event"] == "MatchFound" {
                return Some(m);
            }
        }
    };
    let again: Option<Value> = quiet.await;
    assert!(again.is_none(), "told once: {again:?}");
    let (status, page) = json_of(
        there
            .get_with(
                &format!("/api/v1/trade-desk/matching/requirements/{requirement}/matches"),
                &buyer,
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, page["items"][0]["status"].as_str()),
        (200, Some("NOTIFIED")),
        "{page}"
    );
}

infra::backend_tests!(a_buyer_hears_of_a_match_found_on_another_instance_once);
