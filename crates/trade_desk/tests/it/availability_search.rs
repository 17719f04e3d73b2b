//! The availability search: filters, ranking with its parts, the cursor,
//! visibility, party-linked sellers left out, the stored price per base
//! unit, bad filters named.

use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::sea_orm::{ConnectionTrait, EntityTrait};
use infra::testing::TestInfra;
use infra::{DomainError, Infra};
use serde_json::{Value, json};
use trade_desk::availabilities::entity::availability;
use trade_desk::availabilities::{AvailabilityChanges, AvailabilitySearch, Reason};
use uuid::Uuid;

use crate::availabilities::{DESK, SELL, offer, service};
use crate::reads_support::spot;
use crate::support::{cotton, fields, hold, set, staff, trader, user_of};

/// How one availability of a case differs from [`offer`].
struct Listing {
    location: Uuid,
    quantity: u32,
    price: Option<&'static str>,
    price_type: &'static str,
    staple: &'static str,
    visibility: &'static str,
    buyers: Vec<Uuid>,
}

fn at(location: Uuid, quantity: u32) -> Listing {
    Listing {
        location,
        quantity,
        price: Some("61000"),
        price_type: "FIXED",
        staple: "29",
        visibility: "PUBLIC",
        buyers: vec![],
    }
}

/// An availability of `seller` as `l` says, approved unless `approve` is false.
async fn listed(t: &TestInfra, seller: Uuid, commodity: Uuid, l: Listing, approve: bool) -> Uuid {
    let availabilities = service(t);
    let mut input = offer(commodity, l.location);
    input.quantity = l.quantity.to_string().parse().unwrap();
    input.price = l.price.map(|p| p.parse().unwrap());
    input.price_type = Some(l.price_type.into());
    input.quality = json!({"staple_length": l.staple, "micronaire": 4.2})
        .as_object()
        .cloned();
    input.visibility = Some(l.visibility.into());
    input.allowed_buyer_ids = (!l.buyers.is_empty()).then_some(l.buyers);
    let created = availabilities
        .create(&user_of(seller, SELL), input)
        .await
        .unwrap()
        .value;
    if approve && created.status != "ACTIVE" {
        availabilities.approve(&staff(DESK), created.id).await.unwrap();
    }
    created.id
}

fn search(commodity: Uuid, body: Value) -> AvailabilitySearch {
    let mut body = body;
    body["commodity_id"] = json!(commodity);
    serde_json::from_value(body).unwrap()
}

async fn ids(t: &TestInfra, actor: &infra::Actor, body: AvailabilitySearch) -> Vec<Uuid> {
    let found = service(t).search(actor, body).await.unwrap();
    found.items.iter().map(|h| h.availability.id).collect()
}

async fn base_price(t: &TestInfra, id: Uuid) -> Option<i64> {
    availability::Entity::find_by_id(id)
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
        .base_price
}

async fn the_search_filters_ranks_pages_and_hides(t: TestInfra) {
    let (buyer, s1, s2, linked, stranger) = (
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
    );
    set(&t, buyer, "corporate_group_key", "group-shree").await;
    set(&t, linked, "corporate_group_key", "group-shree").await;
    let cotton = cotton(&t, "Shankar-6").await;
    let rajkot = spot(&t, "Rajkot", "GJ", 22.3039, 70.8022).await;
    let ahmedabad = spot(&t, "Ahmedabad", "GJ", 23.0225, 72.5714).await;
    let mumbai = spot(&t, "Mumbai", "MH", 19.0760, 72.8777).await;
    let c = cotton.id;
    let a1 = listed(
        &t,
        s1,
        c,
        Listing {
            price: Some("60000"),
            staple: "30",
            ..at(rajkot, 100)
        },
        true,
    )
    .await;
    let a2 = listed(
        &t,
        s2,
        c,
        Listing {
            price: Some("62000"),
            ..at(ahmedabad, 101)
        },
        true,
    )
    .await;
    let a3 = listed(
        &t,
        s2,
        c,
        Listing {
            price: None,
            price_type: "NEGOTIABLE",
            ..at(mumbai, 102)
        },
        true,
    )
    .await;
    let a4 = listed(
        &t,
        s1,
        c,
        Listing {
            staple: "31",
            visibility: "RESTRICTED",
            buyers: vec![buyer],
            ..at(rajkot, 103)
        },
        true,
    )
    .await;
    let a5 = listed(
        &t,
        s2,
        c,
        Listing {
            visibility: "RESTRICTED",
            buyers: vec![stranger],
            ..at(rajkot, 104)
        },
        true,
    )
    .await;
    let a6 = listed(&t, linked, c, at(rajkot, 105), true).await;
    let a7 = listed(
        &t,
        s2,
        c,
        Listing {
            visibility: "PRIVATE",
            ..at(rajkot, 106)
        },
        true,
    )
    .await;
    let _pending = listed(&t, s1, c, at(rajkot, 107), false).await;
    let gone = listed(&t, s1, c, at(rajkot, 108), true).await;
    let reason = Reason {
        reason: "sold elsewhere".into(),
    };
    service(&t)
        .cancel(&user_of(s1, SELL), gone, reason)
        .await
        .unwrap();
    let lapsed = listed(&t, s2, c, at(rajkot, 109), true).await;
    let past = Query::update()
        .table(Alias::new("availabilities"))
        .value(
            Alias::new("expires_at"),
            chrono::Utc::now() - chrono::Duration::hours(1),
        )
        .and_where(Expr::col(Alias::new("id")).eq(lapsed))
        .to_owned();
    t.db().execute(&past).await.unwrap();

    assert_eq!(
        base_price(&t, a4).await,
        Some(1_715_303),
        "61000 a candy of 355.6222 kg"
    );
    assert_eq!(base_price(&t, a3).await, None, "no price");

    let me = user_of(buyer, &["AVAILABILITY_READ"]);
    let sorted = |mut v: Vec<Uuid>| {
        v.sort();
        v
    };
    let all = ids(&t, &me, search(c, json!({}))).await;
    assert_eq!(
        sorted(all.clone()),
        sorted(vec![a1, a2, a3, a4]),
        "listed on a4 only; a6 linked; a7 private; pending, cancelled and expired left out"
    );
    assert_eq!(all[0], a4, "equal scores: newest first");
    let theirs = ids(
        &t,
        &user_of(stranger, &["AVAILABILITY_READ"]),
        search(c, json!({})),
    )
    .await;
    assert_eq!(
        sorted(theirs),
        sorted(vec![a1, a2, a3, a5, a6]),
        "not listed on a4, not linked to a6"
    );
    let everything = ids(&t, &staff(&["AVAILABILITY_READ"]), search(c, json!({}))).await;
    assert_eq!(
        sorted(everything),
        sorted(vec![a1, a2, a3, a4, a5, a6, a7]),
        "staff: every visibility"
    );
    let own = ids(&t, &user_of(s1, &["AVAILABILITY_READ"]), search(c, json!({}))).await;
    assert!(
        !own.contains(&a1) && !own.contains(&a4),
        "a seller does not find its own"
    );

    let only = |body: Value| ids(&t, &me, search(c, body));
    assert_eq!(only(json!({"state": "MH"})).await, [a3]);
    assert_eq!(only(json!({"state": "gj", "price_type": "fixed"})).await.len(), 3);
    assert_eq!(only(json!({"price_type": "NEGOTIABLE"})).await, [a3]);
    assert_eq!(only(json!({"region": "WEST"})).await.len(), 4);
    assert!(only(json!({"region": "SOUTH"})).await.is_empty());
    let near = only(json!({"lat": 22.30, "lng": 70.80, "radius_km": 50})).await;
    assert_eq!(sorted(near), sorted(vec![a1, a4]));
    assert_eq!(only(json!({"min_quantity": "103"})).await, [a4]);
    assert!(only(json!({"min_quantity": "104"})).await.is_empty());
    let capped = only(json!({"max_price": "61000"})).await;
    assert_eq!(
        sorted(capped),
        sorted(vec![a1, a3, a4]),
        "a2 asks 62000; no price stays"
    );
    let per_kg = only(json!({"max_price": "172", "price_unit": "kg"})).await;
    assert_eq!(
        sorted(per_kg),
        sorted(vec![a1, a3, a4]),
        "171.53 a kg is 61000 a candy"
    );

    let ranked = json!({
        "quality": {"staple_length": {"min": 28, "max": 32, "preferred": 30}},
        "preferred_price": "55000", "max_price": "65000",
        "lat": 22.3039, "lng": 70.8022, "radius_km": 300,
    });
    let availabilities = service(&t);
    let found = availabilities
        .search(&me, search(c, ranked.clone()))
        .await
        .unwrap();
    let order: Vec<Uuid> = found.items.iter().map(|h| h.availability.id).collect();
    assert_eq!(order, [a1, a4, a2], "Mumbai is beyond 300 km");
    let top = &found.items[0];
    assert_eq!((top.parts.quality, top.parts.proximity), (1.0, 1.0));
    assert!((top.parts.price - 0.5).abs() < 0.001, "{:?}", top.parts);
    assert_eq!(top.distance_km, Some(0.0));
    let second = &found.items[1];
    assert_eq!(second.parts.quality, 0.75, "31 of 28..32 around 30");
    assert!((second.parts.price - 0.4).abs() < 0.001, "{:?}", second.parts);
    let third = &found.items[2];
    assert!(
        third.parts.proximity > 0.3 && third.parts.proximity < 0.4,
        "{:?}",
        third.parts
    );
    let as_json = serde_json::to_value(&found.items[0]).unwrap();
    assert!(
        as_json["parts"]["price"].is_number() && as_json["score"].is_number(),
        "{as_json}"
    );

    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut body = ranked.clone();
        body["limit"] = json!(1);
        body["cursor"] = json!(cursor);
        let page = availabilities.search(&me, search(c, body)).await.unwrap();
        paged.extend(page.items.iter().map(|h| h.availability.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, order, "the cursor pages the same ranking");

    // What is available counts: a4 with 1 candy reserved has 102 left.
    hold(&t, a4, 10_000).await;
    assert!(only(json!({"min_quantity": "103"})).await.is_empty());
    // A new price is stored per base unit too.
    let changes = AvailabilityChanges {
        price: Some("71124.44".parse().unwrap()),
        ..AvailabilityChanges::default()
    };
    availabilities
        .update(&user_of(s1, SELL), a1, changes, None)
        .await
        .unwrap();
    assert_eq!(
        base_price(&t, a1).await,
        Some(2_000_000),
        "71124.44 / 355.6222 = 200"
    );
    assert!(!only(json!({"max_price": "65000"})).await.contains(&a1));

    let e = availabilities
        .search(
            &me,
            search(
                c,
                json!({"quality": {"colour": {"min": 1}}, "price_type": "CHEAP", "price_unit": "METRE",
                    "region": "MARS"}),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed", "{e}");
    assert_eq!(
        fields(&e),
        ["quality.colour", "price_unit", "price_type", "region"]
    );
    let e = availabilities
        .search(&me, search(c, json!({"lat": 22.0, "radius_km": 5})))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["lng"]);
    let e = availabilities
        .search(&me, search(c, json!({"cursor": "zz", "limit": 0})))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["limit"]);
    let e = availabilities
        .search(
            &me,
            search(c, json!({"preferred_price": "70000", "max_price": "60000"})),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["preferred_price"]);
    let e = availabilities
        .search(&me, search(Uuid::now_v7(), json!({})))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["commodity_id"]);
    let e = availabilities
        .search(&user_of(buyer, &[]), search(c, json!({})))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::Forbidden);
}

infra::backend_tests!(the_search_filters_ranks_pages_and_hides);
