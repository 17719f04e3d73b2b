//! Reservations over HTTP: a buyer's admin reserves (201, Location, ETag;
//! the availability's ETag bumps), refusals with their codes, reads by
//! the buyer, the seller and staff (others 404), a side's page, partial and
//! whole releases; the events reach the buyer on `availability:{id}` and
//! not a stranger.

use std::time::Duration;

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{create_admin, login, spawn_app};
use crate::trade_desk_availabilities::{Socket, json_of, trader};

const OFFERS: &str = "/api/v1/trade-desk/availabilities";
const PATH: &str = "/api/v1/trade-desk/reservations";

/// Gives partner `id` a credit limit of 10 crore.
async fn credit(t: &TestInfra, id: Uuid) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

async fn reservations_over_http(t: TestInfra) {
    let (_, seller) = trader(&t, 11).await;
    let (buyer_id, buyer) = trader(&t, 12).await;
    let (_, stranger) = trader(&t, 13).await;
    credit(&t, buyer_id).await;
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
    let offer = json!({"commodity_id": cotton["id"], "location_id": yard["id"], "quantity": "100",
        "price": "61000", "quality": {"staple_length": 29, "micronaire": "4.1"}});
    let (status, made) = json_of(app.post(OFFERS, Some(&seller), &offer).await).await;
    assert_eq!(status, 201, "{made}");
    let offer_at = format!("{OFFERS}/{}", made["id"].as_str().unwrap());
    let (status, _) = json_of(
        app.post(&format!("{offer_at}/approve"), Some(&admin), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let reserve_at = format!("{offer_at}/reservations");

    let channel = format!("availability:{}", made["id"].as_str().unwrap());
    let mut buyer_socket = Socket::follow(&app, &buyer, &channel).await;
    let mut stranger_socket = Socket::follow(&app, &stranger, &channel).await;

    for (body, status, code) in [
        (json!({"quantity": "1", "hours": 0}), 422, "validation_failed"),
        (json!({"quantity": "101"}), 409, "insufficient_quantity"),
        (json!({"quantity": "100", "unit": "KG"}), 422, "validation_failed"),
    ] {
        let (got, problem) = json_of(app.post(&reserve_at, Some(&buyer), &body).await).await;
        assert_eq!(
            (got, problem["code"].as_str()),
            (status, Some(code)),
            "{body}: {problem}"
        );
    }
    let (status, problem) = json_of(
        app.post(&reserve_at, Some(&admin), &json!({"quantity": "1"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (422, Some("buyer_partner_id"))
    );

    let created = app
        .post(&reserve_at, Some(&buyer), &json!({"quantity": "10", "hours": 12}))
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(created.headers()["etag"].to_str().unwrap(), "\"1\"");
    let (_, held) = json_of(created).await;
    assert_eq!(location, format!("{PATH}/{}", held["id"].as_str().unwrap()));
    assert_eq!(
        (held["status"].as_str(), held["value"].as_str()),
        (Some("ACTIVE"), Some("610000"))
    );
    let read = app.get_with(&offer_at, &buyer).await;
    assert_eq!(
        read.headers()["etag"].to_str().unwrap(),
        "\"3\"",
        "the availability's version bumped"
    );
    let (_, now) = json_of(read).await;
    assert_eq!(
        (
            now["available_quantity"].as_str(),
            now["reserved_quantity"].as_str()
        ),
        (Some("90"), Some("10"))
    );
    assert_eq!(buyer_socket.next_reservation().await, "QuantityReserved");

    for (token, status) in [(&buyer, 200), (&seller, 200), (&admin, 200), (&stranger, 404)] {
        assert_eq!(app.get_with(&location, token).await.status(), status);
    }
    let (status, page) = json_of(
        app.get_with(&format!("{PATH}?side=seller&status=ACTIVE"), &seller)
            .await,
    )
    .await;
    assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 1));
    let (status, page) = json_of(app.get_with(&format!("{PATH}?side=seller"), &buyer).await).await;
    assert_eq!(
        (status, page["items"].as_array().unwrap().len()),
        (200, 0),
        "the buyer sells none"
    );
    let (status, _) = json_of(app.get_with(&format!("{PATH}?side=any"), &buyer).await).await;
    assert_eq!(status, 422);

    let release = format!("{location}/release");
    let (status, part) = json_of(app.post(&release, Some(&buyer), &json!({"quantity": "4"})).await).await;
    assert_eq!(
        (status, part["active_quantity"].as_str()),
        (200, Some("6")),
        "{part}"
    );
    assert_eq!(part["released_value"], "244000");
    let (status, problem) = json_of(app.post(&release, Some(&seller), &json!({})).await).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("out_of_scope")));
    let (status, done) = json_of(app.post(&release, Some(&buyer), &json!({})).await).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("RELEASED")));
    let (status, problem) = json_of(app.post(&release, Some(&buyer), &json!({})).await).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("reservation_not_active"))
    );
    assert_eq!(buyer_socket.next_reservation().await, "QuantityReleased");
    assert_eq!(buyer_socket.next_reservation().await, "QuantityReleased");
    let quiet = tokio::time::timeout(Duration::from_millis(1500), stranger_socket.next_reservation()).await;
    assert!(
        quiet.is_err(),
        "a stranger does not see another's reservations: {quiet:?}"
    );
    let (utilised, _) = risk::exposure::view::totals(t.db(), buyer_id).await.unwrap();
    assert_eq!(utilised, 0, "the whole value came back");
}

infra::backend_tests!(reservations_over_http);
