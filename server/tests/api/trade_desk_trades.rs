//! Trades over HTTP: the seller's admin confirms a reservation (201,
//! Location, ETag; replayed under its `Idempotency-Key`), intra-state GST
//! between two Gujarat GSTINs and the commodity's commission, reads by the
//! buyer, the seller and staff (others 404), the contract PDF with its
//! text, settlement by staff; TradeConfirmed and TradeSettled reach both
//! parties on `trade:{id}` and never a stranger.

use std::time::Duration;

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::trade_desk_availabilities::{Socket, json_of, trader};

const PATH: &str = "/api/v1/trade-desk/trades";

/// Gives partner `id` a credit limit of 10 crore and `gstin`.
async fn registered(t: &TestInfra, id: Uuid, gstin: &str) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .value(Alias::new("gstin"), gstin)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

/// A cotton commodity with a 0.5 % brokerage both sides pay, a yard, and
/// an approved availability of 100 CANDY at 61000 by `seller`: its id.
async fn listed(app: &TestApp, admin: &str, seller: &str) -> String {
    let commodity = json!({"name": "Shankar-6", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5",
        "base_unit": "KG", "trade_unit": "CANDY", "rate_unit": "CANDY"});
    let (_, cotton) = json_of(
        app.post("/api/v1/settings/commodities", Some(admin), &commodity)
            .await,
    )
    .await;
    let brokerage =
        json!({"name": "Brokerage", "commission_type": "PERCENTAGE", "rate": "0.5", "applies_to": "BOTH"});
    let at = format!(
        "/api/v1/settings/commodities/{}/commission-structures",
        cotton["id"].as_str().unwrap()
    );
    let (status, made) = json_of(app.post(&at, Some(admin), &brokerage).await).await;
    assert_eq!(status, 201, "{made}");
    let yard = json!({"name": "Rajkot yard", "place_id": "place-rajkot", "state_code": "GJ", "city": "Rajkot",
        "pincode": "360001", "latitude": 22.3, "longitude": 70.8});
    let (_, yard) = json_of(app.post("/api/v1/settings/locations", Some(admin), &yard).await).await;
    let offer = json!({"commodity_id": cotton["id"], "location_id": yard["id"], "quantity": "100",
        "price": "61000", "quality": {"staple_length": 29, "micronaire": "4.1"}});
    let (status, made) = json_of(
        app.post("/api/v1/trade-desk/availabilities", Some(seller), &offer)
            .await,
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let approve = format!("/api/v1/trade-desk/availabilities/{id}/approve");
    assert_eq!(app.post(&approve, Some(admin), &json!({})).await.status(), 200);
    id
}

/// The next trade event on `socket`: its type.
async fn next_trade(socket: &mut Socket) -> String {
    loop {
        let m = socket.next().await;
        if m["data"]["topic"] == "trade-events" {
            return m["event"].as_str().unwrap().to_owned();
        }
    }
}

fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

async fn confirm_with_key(app: &TestApp, at: &str, token: &str, key: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{at}", app.address))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    json_of(response).await
}

async fn trades_over_http(t: TestInfra) {
    let (seller_id, seller) = trader(&t, 21).await;
    let (buyer_id, buyer) = trader(&t, 22).await;
    let (_, stranger) = trader(&t, 23).await;
    registered(&t, seller_id, "24AAACR5055K1Z5").await;
    registered(&t, buyer_id, "24AAGCB7383J1Z4").await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_millis(200)));
    let admin = login(&app, "root@example.com").await;
    let offer = listed(&app, &admin, &seller).await;
    let reserve = format!("/api/v1/trade-desk/availabilities/{offer}/reservations");
    let (status, held) = json_of(app.post(&reserve, Some(&buyer), &json!({"quantity": "10"})).await).await;
    assert_eq!(status, 201, "{held}");
    let confirm = format!(
        "/api/v1/trade-desk/reservations/{}/confirm",
        held["id"].as_str().unwrap()
    );

    let (status, problem) = json_of(app.post(&confirm, Some(&buyer), &json!({})).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("out_of_scope")),
        "the buyer does not confirm"
    );
    let (status, problem) = json_of(app.post(&confirm, Some(&seller), &json!({"price": "1"})).await).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (422, Some("price")),
        "{problem}"
    );

    let (status, made) = confirm_with_key(&app, &confirm, &seller, "confirm-1").await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let (status, replayed) = confirm_with_key(&app, &confirm, &seller, "confirm-1").await;
    assert_eq!(
        (status, replayed["id"].as_str()),
        (201, Some(id.as_str())),
        "replayed, not confirmed twice"
    );
    assert!(made["number"].as_str().unwrap().ends_with("-000001"));
    assert_eq!(
        (made["status"].as_str(), made["amount"].as_str()),
        (Some("CONFIRMED"), Some("610000.00"))
    );
    let gst = &made["gst"];
    assert_eq!(
        (
            gst["supply"].as_str(),
            gst["cgst"].as_str(),
            gst["sgst"].as_str(),
            gst["igst"].as_str()
        ),
        (
            Some("INTRA_STATE"),
            Some("15250.00"),
            Some("15250.00"),
            Some("0.00")
        )
    );
    assert_eq!(made["total"], "640500.00");
    assert_eq!(made["commission"]["total"], "6100.00", "3050 from each side");
    assert_eq!(made["commission"]["lines"].as_array().unwrap().len(), 2);

    let at = format!("{PATH}/{id}");
    let mut buyer_socket = Socket::follow(&app, &buyer, &format!("trade:{id}")).await;
    let mut seller_socket = Socket::follow(&app, &seller, &format!("trade:{id}")).await;
    let stranger_follows = Socket::follow(&app, &stranger, &format!("trade:{id}")).await;
    for (token, status) in [(&buyer, 200), (&seller, 200), (&admin, 200), (&stranger, 404)] {
        assert_eq!(app.get_with(&at, token).await.status(), status);
    }
    let (status, page) = json_of(
        app.get_with(&format!("{PATH}?side=buyer&status=CONFIRMED"), &buyer)
            .await,
    )
    .await;
    assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 1));
    let (status, page) = json_of(app.get_with(&format!("{PATH}?side=buyer"), &seller).await).await;
    assert_eq!(
        (status, page["items"].as_array().unwrap().len()),
        (200, 0),
        "the seller buys none"
    );
    let (status, _) = json_of(app.get_with(&format!("{PATH}?status=OPEN"), &buyer).await).await;
    assert_eq!(status, 422);

    let contract = app.get_with(&format!("{at}/contract"), &buyer).await;
    assert_eq!(contract.status(), 200);
    assert_eq!(contract.headers()["content-type"], "application/pdf");
    let pdf = contract.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    for expected in [
        made["number"].as_str().unwrap(),
        "24AAACR5055K1Z5",
        "Shankar-6",
        "6,40,500.00",
        "Lakh",
    ] {
        assert!(text.contains(expected), "the contract names {expected}: {text}");
    }
    assert_eq!(
        app.get_with(&format!("{at}/contract"), &stranger).await.status(),
        404
    );

    let (status, problem) = json_of(app.post(&format!("{at}/settle"), Some(&seller), &json!({})).await).await;
    assert_eq!(status, 403, "a partner admin does not settle: {problem}");
    let (status, settled) = json_of(app.post(&format!("{at}/settle"), Some(&admin), &json!({})).await).await;
    assert_eq!(
        (status, settled["status"].as_str()),
        (200, Some("SETTLED")),
        "{settled}"
    );
    let (status, problem) = json_of(
        app.post(
            &format!("{at}/cancel"),
            Some(&admin),
            &json!({"reason": "too late"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("trade_not_confirmed"))
    );
    let (utilised, _) = risk::exposure::view::totals(t.db(), buyer_id).await.unwrap();
    assert_eq!(utilised, 0, "settled: the buyer's credit is back");

    for socket in [&mut buyer_socket, &mut seller_socket] {
        assert_eq!(next_trade(socket).await, "TradeSettled");
    }
    let mut stranger_socket = stranger_follows;
    let quiet = tokio::time::timeout(Duration::from_millis(1500), next_trade(&mut stranger_socket)).await;
    assert!(
        quiet.is_err(),
        "a stranger does not see another's trades: {quiet:?}"
    );
}

infra::backend_tests!(trades_over_http);
