//! The availability search over HTTP: a RESTRICTED availability is found by
//! its listed buyer and by nobody else; a seller party-linked to the buyer
//! never appears in its search; ranking with its parts, the cursor, and
//! every bad filter named.

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::trade_desk_availabilities::trader;

const PATH: &str = "/api/v1/trade-desk/availabilities";
const SEARCH: &str = "/api/v1/trade-desk/availabilities/search";

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Puts `partners` in one corporate group.
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

/// Creates `body` as the seller of `token` and has staff approve it; its id.
async fn offered(app: &TestApp, token: &str, admin: &str, body: Value) -> String {
    let (status, created) = json_of(app.post(PATH, Some(token), &body).await).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    if created["status"] != "ACTIVE" {
        let approve = format!("{PATH}/{id}/approve");
        let (status, approved) = json_of(app.post(&approve, Some(admin), &json!({})).await).await;
        assert_eq!((status, approved["status"].as_str()), (200, Some("ACTIVE")));
    }
    id
}

/// The ids a search of `body` finds, best first.
async fn found(app: &TestApp, token: &str, body: &Value) -> Vec<String> {
    let (status, page) = json_of(app.post(SEARCH, Some(token), body).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["availability"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_search_over_http_keeps_restricted_and_linked_out_of_sight(t: TestInfra) {
    let (_, seller) = trader(&t, 11).await;
    let (buyer, buyer_token) = trader(&t, 12).await;
    let (_, stranger) = trader(&t, 13).await;
    let (linked, linked_token) = trader(&t, 14).await;
    link(&t, &[buyer, linked]).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
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
    let offer = |quantity: &str, price: &str| {
        json!({"commodity_id": commodity, "location_id": yard["id"], "quantity": quantity,
            "price": price, "quality": {"staple_length": 29, "micronaire": "4.1"}})
    };
    let public = offered(&app, &seller, &admin, offer("100", "60000")).await;
    let mut only_buyer = offer("101", "61000");
    only_buyer["visibility"] = json!("RESTRICTED");
    only_buyer["allowed_buyer_ids"] = json!([buyer]);
    let restricted = offered(&app, &seller, &admin, only_buyer).await;
    let related = offered(&app, &linked_token, &admin, offer("102", "60500")).await;

    let all = json!({"commodity_id": commodity});
    assert_eq!(
        found(&app, &buyer_token, &all).await,
        [restricted.clone(), public.clone()],
        "listed on the RESTRICTED one; the linked seller left out; equal scores newest first"
    );
    let mut theirs = found(&app, &stranger, &all).await;
    theirs.sort();
    let mut expected = vec![public.clone(), related.clone()];
    expected.sort();
    assert_eq!(theirs, expected, "not listed");
    let staff = found(&app, &admin, &all).await;
    assert_eq!(staff.len(), 3, "staff see all three");

    let ranked = json!({"commodity_id": commodity, "preferred_price": "60000", "max_price": "62000",
        "lat": 22.3, "lng": 70.8, "radius_km": 10, "limit": 1});
    let (status, first) = json_of(app.post(SEARCH, Some(&buyer_token), &ranked).await).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["items"][0]["availability"]["id"], json!(public));
    assert_eq!(first["items"][0]["score"], 1.0, "{first}");
    assert_eq!(
        first["items"][0]["parts"],
        json!({"quality": 1.0, "price": 1.0, "proximity": 1.0})
    );
    assert_eq!(first["items"][0]["distance_km"], 0.0);
    assert!(first["next_cursor"].is_string(), "{first}");
    let mut next = ranked.clone();
    next["cursor"] = first["next_cursor"].clone();
    let (_, rest) = json_of(app.post(SEARCH, Some(&buyer_token), &next).await).await;
    assert_eq!(
        rest["items"][0]["availability"]["id"],
        json!(restricted),
        "{rest}"
    );
    assert!(
        (rest["items"][0]["parts"]["price"].as_f64().unwrap() - 0.5).abs() < 0.001,
        "{rest}"
    );
    assert_eq!(rest["next_cursor"], Value::Null, "the last page");

    let bad = json!({"commodity_id": commodity, "quality": {"colour": {"min": 1}},
        "price_type": "CHEAP", "region": "MARS", "price_unit": "METRE"});
    let (status, refused) = json_of(app.post(SEARCH, Some(&buyer_token), &bad).await).await;
    assert_eq!(status, 422, "{refused}");
    let named: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["quality.colour", "price_unit", "price_type", "region"]);
    let (status, refused) = json_of(
        app.post(
            SEARCH,
            Some(&buyer_token),
            &json!({"commodity_id": commodity, "lat": 22.3, "lng": 70.8, "radius_km": 5000}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, refused["errors"][0]["field"].as_str()),
        (422, Some("radius_km"))
    );
    let (status, _) = json_of(app.post(SEARCH, None, &all).await).await;
    assert_eq!(status, 401);
}

infra::backend_tests!(the_search_over_http_keeps_restricted_and_linked_out_of_sight);
