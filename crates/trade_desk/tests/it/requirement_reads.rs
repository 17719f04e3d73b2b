//! Requirement reads: the buyer precheck stored and made again when the
//! prices change; the search (filters, ranking with its parts, the cursor,
//! visibility, party-linked buyers left out); the demand statistics; the
//! history from the audit log and the events; the events' audiences.

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, AppInfra, DomainError, Infra};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use settings::locations::{CreateLocation, LocationService};
use trade_desk::requirements::{
    CancelRequirement, NewRequirement, Requirement, RequirementChanges, RequirementSearch, RequirementService,
};
use uuid::Uuid;

use crate::support::{cotton, fields, place, set, staff, trader, user_of};

const BUY: &[&str] = &["REQUIREMENT_CREATE", "REQUIREMENT_READ"];

fn service(t: &TestInfra) -> RequirementService<AppInfra> {
    RequirementService::new(t.infra().clone())
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn spot(t: &TestInfra, name: &str, state: &str, lat: f64, lng: f64) -> Uuid {
    let input = CreateLocation {
        name: name.into(),
        place_id: format!("place-{name}"),
        state_code: Some(state.into()),
        city: Some(name.into()),
        pincode: Some("360001".into()),
        latitude: Some(lat),
        longitude: Some(lng),
        ..Default::default()
    };
    let service = LocationService::new(t.infra().clone());
    service
        .create(&Actor::system(), input)
        .await
        .unwrap()
        .value
        .location
        .id
}

struct Ask {
    location: Uuid,
    quality: Value,
    max_price: Option<&'static str>,
    urgency: &'static str,
    visibility: &'static str,
    invited: Vec<Uuid>,
}

fn ask(location: Uuid) -> Ask {
    Ask {
        location,
        quality: json!({}),
        max_price: None,
        urgency: "NORMAL",
        visibility: "PUBLIC",
        invited: vec![],
    }
}

/// A requirement of `buyer` for `commodity` as `a` says, published.
async fn posted(t: &TestInfra, buyer: Uuid, commodity: Uuid, a: Ask) -> Requirement {
    let requirements = service(t);
    let me = user_of(buyer, BUY);
    let input = NewRequirement {
        commodity_id: commodity,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![a.location],
        quality: a.quality.as_object().cloned(),
        max_price: a.max_price.map(|p| p.parse().unwrap()),
        urgency: Some(a.urgency.into()),
        visibility: Some(a.visibility.into()),
        invited_seller_ids: (!a.invited.is_empty()).then_some(a.invited),
        ..NewRequirement::default()
    };
    let created = requirements.create(&me, input).await.unwrap().value;
    requirements.publish(&me, created.id).await.unwrap().value
}

fn search(commodity: Uuid, body: Value) -> RequirementSearch {
    let mut body = body;
    body["commodity_id"] = json!(commodity);
    serde_json::from_value(body).unwrap()
}

async fn ids(t: &TestInfra, actor: &Actor, body: RequirementSearch) -> Vec<Uuid> {
    let found = service(t).search(actor, body).await.unwrap();
    found.items.iter().map(|h| h.requirement.id).collect()
}

async fn the_precheck_is_stored_and_made_again_when_prices_change(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let mut input = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    let unpriced = requirements.create(&me, input.clone()).await.unwrap().value;
    let p = unpriced.precheck.unwrap();
    assert_eq!(
        (p.value.as_str(), p.score, p.status.as_str()),
        ("0", 100, "PASS"),
        "standing alone"
    );
    input.max_price = Some("62000".parse().unwrap());
    let priced = requirements.create(&me, input).await.unwrap().value;
    let p = priced.precheck.clone().unwrap();
    // 300 candy = 106686.66 kg at 62000 / 355.6222 = 174.3423 per kg.
    let value = (dec("106686.66") * dec("174.3423")).round_dp(4);
    assert_eq!(p.value, value.normalize().to_string());
    let facts = risk::facts::load(t.db(), &[buyer]).await.unwrap();
    let expected = risk::precheck::buyer(&facts[&buyer].standing(risk::Side::Buyer), value);
    assert_eq!(
        (p.score, p.status.as_str()),
        (expected.score, expected.status.as_str())
    );
    assert_eq!(p.factors, expected.factors);
    assert_eq!(p.factors[0].factor, "insufficient_limit", "a credit limit of 0");
    assert_eq!(p.status, "WARN", "stored, not refused");

    let visibility = RequirementChanges {
        visibility: Some("PRIVATE".into()),
        ..RequirementChanges::default()
    };
    let same = requirements
        .update(&me, priced.id, visibility, None)
        .await
        .unwrap()
        .value;
    assert_eq!(same.precheck, priced.precheck, "no price or quantity changed");
    let cheaper = RequirementChanges {
        max_price: Some("31000".parse().unwrap()),
        ..RequirementChanges::default()
    };
    let cheaper = requirements
        .update(&me, priced.id, cheaper, None)
        .await
        .unwrap()
        .value;
    let value = (dec("106686.66") * dec("87.1712")).round_dp(4);
    assert_eq!(cheaper.precheck.unwrap().value, value.normalize().to_string());
}

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

async fn demand_statistics_count_published_requirements_by_urgency(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            max_price: Some("62000"),
            ..ask(yard)
        },
    )
    .await;
    posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            urgency: "URGENT",
            ..ask(yard)
        },
    )
    .await;
    let gone = posted(&t, buyer, cotton.id, ask(yard)).await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let reason = CancelRequirement {
        reason: "bought elsewhere".into(),
    };
    requirements.cancel(&me, gone.id, reason).await.unwrap();
    let draft = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "1".parse().unwrap(),
        max_quantity: "2".parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    requirements.create(&me, draft).await.unwrap();
    let stats = requirements.demand(&me, cotton.id, None).await.unwrap();
    assert_eq!((stats.days, stats.unit.as_str()), (30, "KG"));
    assert_eq!(stats.total.count, 2, "drafts and cancelled ones are no demand");
    assert_eq!(stats.total.total_quantity, "213373.32", "2 x 300 candy");
    assert_eq!(stats.total.average_quantity.as_deref(), Some("106686.66"));
    assert_eq!(
        stats.total.average_max_price.as_deref(),
        Some("174.3423"),
        "per kg, the priced one"
    );
    assert_eq!(stats.by_urgency["URGENT"].count, 1);
    assert_eq!(stats.by_urgency["URGENT"].average_max_price, None);
    assert_eq!(stats.by_urgency["NORMAL"].count, 1);
    assert_eq!(stats.by_urgency["PLANNING"].count, 0);
    assert_eq!(stats.by_urgency["PLANNING"].total_quantity, "0");
    let e = requirements.demand(&me, cotton.id, Some(0)).await.unwrap_err();
    assert_eq!(fields(&e), ["days"]);
    let e = requirements
        .demand(&me, Uuid::now_v7(), Some(7))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::NotFound);
}

async fn the_history_joins_the_audit_log_and_the_events(t: TestInfra) {
    let buyer = trader(&t).await;
    let other = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let r = posted(&t, buyer, cotton.id, ask(yard)).await;
    requirements
        .update(&me, r.id, RequirementChanges::default(), None)
        .await
        .unwrap();
    let change = RequirementChanges {
        max_quantity: Some("400".parse().unwrap()),
        ..RequirementChanges::default()
    };
    requirements.update(&me, r.id, change, None).await.unwrap();
    let reason = CancelRequirement {
        reason: "bought elsewhere".into(),
    };
    requirements.cancel(&me, r.id, reason).await.unwrap();
    let history = requirements.history(&me, r.id).await.unwrap();
    let seen: Vec<(Option<&str>, Option<&str>, Option<i64>)> = history
        .items
        .iter()
        .map(|e| (e.action.as_deref(), e.event_type.as_deref(), e.version))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("requirement.create"), Some("RequirementCreated"), Some(1)),
            (Some("requirement.publish"), Some("RequirementPublished"), Some(2)),
            (Some("requirement.update"), None, None),
            (Some("requirement.update"), Some("RequirementUpdated"), Some(3)),
            (Some("requirement.cancel"), Some("RequirementCancelled"), Some(4)),
        ]
    );
    assert_eq!(
        history.items[4].details.as_ref().unwrap()["reason"],
        "bought elsewhere"
    );
    assert_eq!(history.items[3].actor_id, me.user_id, "who changed it");
    let staff_view = requirements
        .history(&staff(&["REQUIREMENT_READ"]), r.id)
        .await
        .unwrap();
    assert_eq!(staff_view.items.len(), 5);
    let e = requirements
        .history(&user_of(other, BUY), r.id)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "out_of_scope",
        "a PUBLIC one seen, but its history is the buyer's"
    );
    let private = posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            visibility: "PRIVATE",
            ..ask(yard)
        },
    )
    .await;
    let e = requirements
        .history(&user_of(other, BUY), private.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::NotFound);
}

async fn events_name_their_commodity_and_audience(t: TestInfra) {
    let (buyer, seller) = (trader(&t).await, trader(&t).await);
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let open = posted(&t, buyer, cotton.id, ask(yard)).await;
    let restricted = posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            visibility: "RESTRICTED",
            invited: vec![seller],
            ..ask(yard)
        },
    )
    .await;
    let rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let audience = |id: Uuid, kind: &str| {
        let row = rows
            .iter()
            .find(|e| e.aggregate_id == id.to_string() && e.event_type == kind)
            .unwrap();
        assert_eq!(row.payload["commodity_id"], json!(cotton.id), "{}", row.payload);
        infra::outbox::Audience::from_metadata(&row.metadata).map(|mut a| {
            a.partners.sort();
            a.partners
        })
    };
    assert_eq!(
        audience(open.id, "RequirementCreated"),
        Some(vec![buyer]),
        "a draft: its buyer"
    );
    assert_eq!(
        audience(open.id, "RequirementPublished"),
        None,
        "PUBLIC: every partner"
    );
    let mut both = vec![buyer, seller];
    both.sort();
    assert_eq!(audience(restricted.id, "RequirementPublished"), Some(both));
}

infra::backend_tests!(
    the_precheck_is_stored_and_made_again_when_prices_change,
    the_search_filters_ranks_pages_and_hides,
    demand_statistics_count_published_requirements_by_urgency,
    the_history_joins_the_audit_log_and_the_events,
    events_name_their_commodity_and_audience,
);
