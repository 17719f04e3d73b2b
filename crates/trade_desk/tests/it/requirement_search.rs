//! The requirement search: filters, ranking with its parts, the cursor,
//! visibility, party-linked buyers left out, bad filters named.

use infra::DomainError;
use infra::testing::TestInfra;
use serde_json::{Value, json};
use trade_desk::requirements::{CancelRequirement, NewRequirement};
use uuid::Uuid;

use crate::reads_support::{Ask, BUY, ask, ids, posted, search, service, spot};
use crate::support::{cotton, fields, set, staff, trader, user_of};

async fn the_search_filters_ranks_pages_and_hides(t: TestInfra) {
    let (seller, a, b, linked, stranger) = (
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
        trader(&t).await,
    );
    set(&t, seller, "corporate_group_key", "group-shree").await;
    set(&t, linked, "corporate_group_key", "group-shree").await;
    let cotton = cotton(&t, "Shankar-6").await;
    let rajkot = spot(&t, "Rajkot", "GJ", 22.3039, 70.8022).await;
    let ahmedabad = spot(&t, "Ahmedabad", "GJ", 23.0225, 72.5714).await;
    let mumbai = spot(&t, "Mumbai", "MH", 19.0760, 72.8777).await;
    let staple = |v: Value| json!({ "staple_length": v });
    let r1 = posted(
        &t,
        a,
        cotton.id,
        Ask {
            quality: staple(json!({"min": 28, "max": 32, "preferred": 30})),
            max_price: Some("60000"),
            ..ask(rajkot)
        },
    )
    .await;
    let r2 = posted(
        &t,
        b,
        cotton.id,
        Ask {
            quality: staple(json!({"min": 28, "max": 30})),
            max_price: Some("62000"),
            urgency: "URGENT",
            ..ask(ahmedabad)
        },
    )
    .await;
    let r3 = posted(
        &t,
        b,
        cotton.id,
        Ask {
            urgency: "PLANNING",
            ..ask(mumbai)
        },
    )
    .await;
    let r4 = posted(
        &t,
        a,
        cotton.id,
        Ask {
            quality: staple(json!({"preferred": 31})),
            visibility: "RESTRICTED",
            invited: vec![seller],
            ..ask(rajkot)
        },
    )
    .await;
    let r5 = posted(
        &t,
        b,
        cotton.id,
        Ask {
            visibility: "RESTRICTED",
            invited: vec![a],
            ..ask(rajkot)
        },
    )
    .await;
    let r6 = posted(&t, linked, cotton.id, ask(rajkot)).await;
    let r7 = posted(
        &t,
        b,
        cotton.id,
        Ask {
            visibility: "PRIVATE",
            ..ask(rajkot)
        },
    )
    .await;
    let requirements = service(&t);
    let draft = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "1".parse().unwrap(),
        max_quantity: "2".parse().unwrap(),
        delivery_location_ids: vec![rajkot],
        ..NewRequirement::default()
    };
    requirements.create(&user_of(a, BUY), draft).await.unwrap();
    let gone = posted(&t, a, cotton.id, ask(rajkot)).await;
    let reason = CancelRequirement {
        reason: "bought elsewhere".into(),
    };
    requirements
        .cancel(&user_of(a, BUY), gone.id, reason)
        .await
        .unwrap();

    let me = user_of(seller, &["REQUIREMENT_READ"]);
    let sorted = |mut v: Vec<Uuid>| {
        v.sort();
        v
    };
    let all = ids(&t, &me, search(cotton.id, json!({}))).await;
    assert_eq!(
        sorted(all.clone()),
        sorted(vec![r1.id, r2.id, r3.id, r4.id]),
        "invited to r4 only; r6 linked"
    );
    assert_eq!(all[0], r4.id, "equal scores: newest first");
    let theirs = ids(
        &t,
        &user_of(stranger, &["REQUIREMENT_READ"]),
        search(cotton.id, json!({})),
    )
    .await;
    assert_eq!(
        sorted(theirs),
        sorted(vec![r1.id, r2.id, r3.id, r6.id]),
        "not invited to r4, not linked to r6"
    );
    let everything = ids(&t, &staff(&["REQUIREMENT_READ"]), search(cotton.id, json!({}))).await;
    assert_eq!(everything.len(), 7, "staff: r1 to r7");
    assert!(everything.contains(&r5.id) && everything.contains(&r7.id));

    let only = |body: Value| ids(&t, &me, search(cotton.id, body));
    assert_eq!(only(json!({"state": "MH"})).await, [r3.id]);
    assert_eq!(only(json!({"state": "gj", "urgency": "urgent"})).await, [r2.id]);
    assert_eq!(only(json!({"region": "WEST"})).await.len(), 4);
    assert!(only(json!({"region": "SOUTH"})).await.is_empty());
    let near = only(json!({"lat": 22.30, "lng": 70.80, "radius_km": 50})).await;
    assert_eq!(sorted(near), sorted(vec![r1.id, r4.id]));
    assert!(only(json!({"min_quantity": "301"})).await.is_empty());
    assert_eq!(only(json!({"min_quantity": "300"})).await.len(), 4);
    let capped = only(json!({"max_price": "61000"})).await;
    assert_eq!(
        sorted(capped),
        sorted(vec![r1.id, r3.id, r4.id]),
        "r2 asks 62000; no price stays"
    );

    let ranked = json!({
        "quality": {"staple_length": {"min": 28, "max": 32, "preferred": 30}},
        "preferred_price": "55000", "max_price": "65000",
        "lat": 22.3039, "lng": 70.8022, "radius_km": 300,
    });
    let found = requirements
        .search(&me, search(cotton.id, ranked.clone()))
        .await
        .unwrap();
    let order: Vec<Uuid> = found.items.iter().map(|h| h.requirement.id).collect();
    assert_eq!(order, [r1.id, r4.id, r2.id], "Mumbai is beyond 300 km");
    let top = &found.items[0];
    assert_eq!((top.parts.quality, top.parts.proximity), (1.0, 1.0));
    assert!((top.parts.price - 0.5).abs() < 0.001, "{:?}", top.parts);
    assert_eq!(top.distance_km, Some(0.0));
    let second = &found.items[1];
    assert_eq!(
        (second.parts.quality, second.parts.price),
        (0.75, 0.0),
        "31 of 28..32 around 30; no price"
    );
    assert_eq!(second.score, 0.575);
    let third = &found.items[2];
    assert_eq!(third.parts.quality, 0.75, "the middle of 28..30");
    let as_json = serde_json::to_value(&found.items[0]).unwrap();
    assert!(
        as_json["parts"]["quality"].is_number() && as_json["score"].is_number(),
        "{as_json}"
    );

    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut body = ranked.clone();
        body["limit"] = json!(1);
        body["cursor"] = json!(cursor);
        let page = requirements.search(&me, search(cotton.id, body)).await.unwrap();
        paged.extend(page.items.iter().map(|h| h.requirement.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, order, "the cursor pages the same ranking");

    let bad = json!({"quality": {"colour": {"min": 1}, "staple_length": {"min": "x"}},
        "lat": 22.0, "radius_km": 5, "cursor": "zz", "urgency": "SOON", "price_unit": "METRE"});
    let e = requirements
        .search(&me, search(cotton.id, bad))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed", "{e}");
    let e = requirements
        .search(&me, search(cotton.id, json!({"lat": 22.0, "radius_km": 5})))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["lng"]);
    let e = requirements
        .search(&me, search(cotton.id, json!({"cursor": "zz"})))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["cursor"]);
    let e = requirements
        .search(
            &me,
            search(
                cotton.id,
                json!({"quality": {"colour": {"min": 1}}, "urgency": "SOON", "price_unit": "METRE"}),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["quality.colour", "price_unit", "urgency"]);
    let e = requirements
        .search(&user_of(seller, &[]), search(cotton.id, json!({})))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::Forbidden);
}

infra::backend_tests!(the_search_filters_ranks_pages_and_hides);
