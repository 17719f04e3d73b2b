//! Matching over HTTP: a buyer's run finds the fitting seller and never the
//! party-linked or over-budget ones (with `explain=true` they are listed
//! with the reason), the stored matches list the same, the reverse run of
//! a linked or over-budget seller finds nothing, a repeated run with the
//! same Idempotency-Key replays, a stranger is out of scope, the buyer
//! dismisses (ETag), and only staff set the weights.

use infra::Infra;
use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_admin, login, spawn_app};
use crate::trade_desk_availabilities::{json_of, trader};

const OFFERS: &str = "/api/v1/trade-desk/availabilities";
const NEEDS: &str = "/api/v1/trade-desk/requirements";
const MATCHING: &str = "/api/v1/trade-desk/matching";

/// Sets partner `id`'s credit limit to 10 crore and `column` to `value` when given.
async fn partner_facts(t: &TestInfra, id: Uuid, group: Option<&str>) {
    let mut update = Query::update();
    update
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .and_where(Expr::col(Alias::new("id")).eq(id));
    if let Some(g) = group {
        update.value(Alias::new("corporate_group_key"), g);
    }
    t.db().execute(&update).await.unwrap();
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token);
    if let Some(b) = body {
        request = request.json(&b);
    }
    if let Some(k) = key {
        request = request.header("Idempotency-Key", k);
    }
    let response = request.send().await.unwrap();
    let headers = response.headers().clone();
    let (status, body) = json_of(response).await;
    (status, body, headers)
}

fn ids(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

async fn linked_and_over_budget_sellers_never_appear(t: TestInfra) {
    let (buyer_id, buyer) = trader(&t, 31).await;
    let (good_id, good_seller) = trader(&t, 32).await;
    let (linked_id, linked_seller) = trader(&t, 33).await;
    let (dear_id, dear_seller) = trader(&t, 34).await;
    let (_, stranger) = trader(&t, 35).await;
    partner_facts(&t, buyer_id, Some("GROUP-31")).await;
    partner_facts(&t, good_id, None).await;
    partner_facts(&t, linked_id, Some("GROUP-31")).await;
    partner_facts(&t, dear_id, None).await;
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
    let mut offered = Vec::new();
    for (token, price) in [
        (&good_seller, "60500"),
        (&linked_seller, "60000"),
        (&dear_seller, "63000"),
    ] {
        let body = json!({"commodity_id": cotton["id"], "location_id": yard["id"], "quantity": "100",
            "price": price, "quality": {"staple_length": "29.5", "micronaire": "4.1"}});
        let (status, made) = json_of(app.post(OFFERS, Some(token), &body).await).await;
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_str().unwrap().to_owned();
        if made["status"] != "ACTIVE" {
            let (status, _) = json_of(
                app.post(&format!("{OFFERS}/{id}/approve"), Some(&admin), &json!({}))
                    .await,
            )
            .await;
            assert_eq!(status, 200);
        }
        offered.push(id);
    }
    let (good, linked, dear) = (offered[0].clone(), offered[1].clone(), offered[2].clone());
    let need = json!({"commodity_id": cotton["id"], "min_quantity": "50", "max_quantity": "300",
        "delivery_location_ids": [yard["id"]], "max_price": "62000", "preferred_price": "60500",
        "quality": {"staple_length": {"min": 28, "preferred": "29.5", "max": 31}}});
    let (status, draft) = json_of(app.post(NEEDS, Some(&buyer), &need).await).await;
    assert_eq!(status, 201, "{draft}");
    let requirement = draft["id"].as_str().unwrap().to_owned();
    let (status, _) = json_of(
        app.post(
            &format!("{NEEDS}/{requirement}/publish"),
            Some(&buyer),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);

    let run = format!("{MATCHING}/requirements/{requirement}/run");
    let (status, found, _) = send(&app, reqwest::Method::POST, &run, &buyer, None, Some("run-1")).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        ids(&found["items"], "availability_id"),
        vec![good.clone()],
        "{found}"
    );
    assert!(found.get("dropped").is_none());
    let hit = &found["items"][0];
    assert_eq!(
        (hit["status"].as_str(), hit["label"].as_str()),
        (Some("NEW"), Some("good"))
    );
    assert_eq!(
        hit["parts"],
        json!({"quality": 1.0, "price": 1.0, "delivery": 1.0, "risk": 0.5}),
        "a neutral seller WARNs"
    );
    assert_eq!(
        hit["score"],
        json!(0.8325),
        "(0.40 + 0.30 + 0.15 + 0.15 x 0.5) x 0.9"
    );
    let (status, replayed, headers) =
        send(&app, reqwest::Method::POST, &run, &buyer, None, Some("run-1")).await;
    assert_eq!((status, &replayed), (200, &found));
    assert_eq!(headers["idempotent-replayed"], "true");

    let (status, explained, _) = send(
        &app,
        reqwest::Method::POST,
        &format!("{run}?explain=true"),
        &buyer,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&explained["items"], "availability_id"), vec![good.clone()]);
    let dropped: Vec<(String, String)> = explained["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["availability_id"].as_str().unwrap().to_owned(),
                d["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        dropped.contains(&(linked.clone(), "party_linked".into())),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&(dear.clone(), "over_budget".into())),
        "{dropped:?}"
    );

    let listed = format!("{MATCHING}/requirements/{requirement}/matches");
    let (status, page, _) = send(&app, reqwest::Method::GET, &listed, &buyer, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page["items"], "availability_id"), vec![good.clone()]);
    assert_eq!(page["next_cursor"], Value::Null);
    for (token, offer) in [(&linked_seller, &linked), (&dear_seller, &dear)] {
        let path = format!("{MATCHING}/availabilities/{offer}/run");
        let (status, reverse, _) = send(&app, reqwest::Method::POST, &path, token, None, None).await;
        assert_eq!(status, 200);
        assert_eq!(reverse["items"], json!([]), "{offer}: {reverse}");
    }
    let path = format!("{MATCHING}/availabilities/{good}/run");
    let (_, reverse, _) = send(&app, reqwest::Method::POST, &path, &good_seller, None, None).await;
    assert_eq!(
        ids(&reverse["items"], "requirement_id"),
        vec![requirement.clone()]
    );

    let (status, problem, _) = send(&app, reqwest::Method::GET, &listed, &stranger, None, None).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("out_of_scope")));
    let (status, problem, _) = send(
        &app,
        reqwest::Method::GET,
        &format!("{MATCHING}/requirements/{}/matches", Uuid::now_v7()),
        &buyer,
        None,
        None,
    )
    .await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));

    let id = hit["id"].as_str().unwrap();
    let (status, dismissed, headers) = send(
        &app,
        reqwest::Method::POST,
        &format!("{MATCHING}/matches/{id}/dismiss"),
        &buyer,
        None,
        None,
    )
    .await;
    assert_eq!((status, dismissed["status"].as_str()), (200, Some("DISMISSED")));
    assert_eq!(headers["etag"], "\"2\"");

    let weights = format!("{MATCHING}/weights");
    let body = json!({"category": "COTTON", "quality": 0.5, "price": 0.2, "delivery": 0.15, "risk": 0.15, "min_score": 0.6});
    let (status, problem, _) = send(
        &app,
        reqwest::Method::PUT,
        &weights,
        &buyer,
        Some(body.clone()),
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("capability_missing"))
    );
    let (status, set, _) = send(&app, reqwest::Method::PUT, &weights, &admin, Some(body), None).await;
    assert_eq!(
        (status, set["quality"].as_f64(), set["version"].as_i64()),
        (200, Some(0.5), Some(2)),
        "{set}"
    );
    let bad = json!({"category": "COTTON", "quality": 0.5, "price": 0.5, "delivery": 0.15, "risk": 0.15, "min_score": 0.6});
    let (status, problem, _) = send(&app, reqwest::Method::PUT, &weights, &admin, Some(bad), None).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (422, Some("risk"))
    );
    let (status, list, _) = send(&app, reqwest::Method::GET, &weights, &admin, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 6);
}

infra::backend_tests!(linked_and_over_budget_sellers_never_appear);
