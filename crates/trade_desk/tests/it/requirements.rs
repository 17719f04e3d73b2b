//! Requirements: numbers, defaults and base quantities; every broken field
//! named; who buys for whom; the state machine, each legal and illegal
//! transition; visibility; versions; expiry once from two instances; and
//! gap-free numbers under concurrent creates.

use chrono::{Datelike, Duration};
use infra::testing::{Backend, TestInfra};
use infra::{AppInfra, DomainError, ErrorKind, Infra, PageRequest};
use serde_json::json;
use trade_desk::requirements::{CancelRequirement, NewRequirement, RequirementChanges, RequirementService};
use uuid::Uuid;

use crate::support::{cotton, events, fields, partner, place, set, staff, trader, user_of};

const BUY: &[&str] = &["REQUIREMENT_CREATE", "REQUIREMENT_READ"];

fn service(t: &TestInfra) -> RequirementService<AppInfra> {
    RequirementService::new(t.infra().clone())
}

fn need(commodity: Uuid, location: Uuid) -> NewRequirement {
    NewRequirement {
        commodity_id: commodity,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![location],
        ..NewRequirement::default()
    }
}

fn map(value: serde_json::Value) -> Option<serde_json::Map<String, serde_json::Value>> {
    value.as_object().cloned()
}

async fn a_requirement_is_numbered_defaulted_and_moves_through_its_states(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let mut input = need(cotton.id, yard);
    input.quality = map(json!({"staple_length": {"min": 28, "preferred": "29.5", "max": 31}}));
    input.max_price = Some("62000".parse().unwrap());
    input.preferred_price = Some("60500".parse().unwrap());
    input.urgency = Some("urgent".into());
    let created = requirements.create(&me, input).await.unwrap().value;
    let year = requirements.today().year();
    assert_eq!(created.number, format!("REQ-{year}-000001"));
    assert_eq!(
        (created.status.as_str(), created.unit.as_str()),
        ("DRAFT", "CANDY")
    );
    assert_eq!(
        created.preferred_quantity, created.max_quantity,
        "preferred defaults to the max"
    );
    assert_eq!(
        created.base_min_quantity.to_string(),
        "35562.22",
        "100 candy of 355.6222 kg"
    );
    assert_eq!(created.negotiation.rounds, 3, "urgent");
    assert_eq!(created.negotiation.auto_accept_score, "0.85");
    assert_eq!(created.quality["staple_length"]["preferred"], "29.5");
    assert_eq!(created.price_unit.as_deref(), Some("CANDY"));
    assert_eq!(created.valid_until - created.valid_from, Duration::days(30));
    assert_eq!(events(&t, "RequirementCreated").await.len(), 1);

    let cancel = |reason: &str| CancelRequirement {
        reason: reason.into(),
    };
    let e = requirements
        .cancel(&me, created.id, cancel("no"))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    let published = requirements.publish(&me, created.id).await.unwrap().value;
    assert_eq!((published.status.as_str(), published.version), ("ACTIVE", 2));
    let again = requirements.publish(&me, created.id).await.unwrap_err();
    assert_eq!(again.code(), "invalid_transition");
    assert!(again.to_string().contains("ACTIVE"), "{again}");
    let stale = RequirementChanges {
        max_quantity: Some("400".parse().unwrap()),
        ..RequirementChanges::default()
    };
    let e = requirements
        .update(&me, created.id, stale.clone(), Some(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
    let changed = requirements
        .update(&me, created.id, stale, Some(2))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (changed.max_quantity.to_string().as_str(), changed.version),
        ("400", 3)
    );
    let updates = events(&t, "RequirementUpdated").await;
    assert_eq!(updates.len(), 1);
    assert!(updates[0]["changes"]["max_quantity"].is_object());
    let same = RequirementChanges::default();
    let unchanged = requirements
        .update(&me, created.id, same, None)
        .await
        .unwrap()
        .value;
    assert_eq!(
        unchanged.version, 3,
        "a change that changes nothing keeps the version"
    );
    assert_eq!(events(&t, "RequirementUpdated").await.len(), 1);

    let cancelled = requirements
        .cancel(&me, created.id, cancel("bought elsewhere"))
        .await
        .unwrap()
        .value;
    assert_eq!(cancelled.status, "CANCELLED");
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("bought elsewhere"));
    for e in [
        requirements
            .cancel(&me, created.id, cancel("again please"))
            .await
            .unwrap_err(),
        requirements.publish(&me, created.id).await.unwrap_err(),
        requirements
            .update(&me, created.id, RequirementChanges::default(), None)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.code(), "invalid_transition", "{e}");
    }
    let second = requirements
        .create(&me, need(cotton.id, yard))
        .await
        .unwrap()
        .value;
    assert_eq!(second.number, format!("REQ-{year}-000002"));
    let draft_cancelled = requirements.cancel(&me, second.id, cancel("changed plans")).await;
    assert_eq!(
        draft_cancelled.unwrap().value.status,
        "CANCELLED",
        "a draft may be cancelled"
    );
}

async fn every_broken_field_is_named(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let me = user_of(buyer, BUY);
    let input = NewRequirement {
        commodity_id: cotton.id,
        unit: Some("METER".into()),
        min_quantity: "0".parse().unwrap(),
        preferred_quantity: Some("500".parse().unwrap()),
        max_quantity: "300".parse().unwrap(),
        quality: map(json!({"staple_length": {"min": 31, "max": 28}, "colour": {"min": 1}})),
        max_price: Some("100".parse().unwrap()),
        preferred_price: Some("120".parse().unwrap()),
        price_unit: Some("BALE".into()),
        delivery_location_ids: vec![Uuid::now_v7()],
        delivery_from: Some("2027-02-01".parse().unwrap()),
        delivery_to: Some("2027-01-01".parse().unwrap()),
        payment_term_id: Some(Uuid::now_v7()),
        visibility: Some("SECRET".into()),
        invited_seller_ids: Some(vec![Uuid::now_v7()]),
        urgency: Some("SOON".into()),
        intent: Some("BARTER".into()),
        valid_until: Some(t.clock().now() - Duration::days(1)),
        ..NewRequirement::default()
    };
    let e = service(&t).create(&me, input).await.unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "min_quantity",
            "preferred_quantity",
            "preferred_price",
            "unit",
            "quality.colour",
            "quality.staple_length.max",
            "delivery_location_ids[0]",
            "delivery_to",
            "payment_term_id",
            "visibility",
            "urgency",
            "intent",
            "invited_seller_ids",
            "valid_until",
            "valid_until",
        ]
    );
    let mut restricted = need(cotton.id, place(&t, "Rajkot", "GJ").await);
    restricted.visibility = Some("RESTRICTED".into());
    let e = service(&t).create(&me, restricted).await.unwrap_err();
    assert_eq!(fields(&e), ["invited_seller_ids"]);
    let mut unknown = need(Uuid::now_v7(), Uuid::now_v7());
    unknown.delivery_location_ids.clear();
    let e = service(&t).create(&me, unknown).await.unwrap_err();
    assert_eq!(fields(&e), ["commodity_id", "delivery_location_ids"]);
}

async fn only_able_buyers_buy_and_only_for_themselves(t: TestInfra) {
    let buyer = trader(&t).await;
    let seller = partner(&t, "seller", &["domestic_buy_india", "domestic_sell_india"]).await;
    let bare = partner(&t, "buyer", &[]).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let requirements = service(&t);
    let e = requirements
        .create(&staff(BUY), need(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["buyer_partner_id"], "staff name the buyer");
    let mut for_buyer = need(cotton.id, yard);
    for_buyer.buyer_partner_id = Some(buyer);
    let made = requirements
        .create(&staff(BUY), for_buyer.clone())
        .await
        .unwrap()
        .value;
    assert_eq!(made.buyer_partner_id, buyer);
    let e = requirements
        .create(&user_of(seller, BUY), for_buyer)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope");
    let e = requirements
        .create(&user_of(seller, BUY), need(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "side_not_allowed");
    let e = requirements
        .create(&user_of(bare, BUY), need(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().contains("domestic_buy_india")),
        (ErrorKind::Forbidden, true)
    );
    set(&t, buyer, "status", "suspended").await;
    let e = requirements
        .create(&user_of(buyer, BUY), need(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "partner_suspended");
    let e = requirements
        .create(&user_of(buyer, &["REQUIREMENT_READ"]), need(cotton.id, yard))
        .await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::Forbidden);
}

async fn reads_follow_visibility(t: TestInfra) {
    let buyer = trader(&t).await;
    let invited = trader(&t).await;
    let stranger = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let requirements = service(&t);
    let me = user_of(buyer, BUY);
    let read = |p: Uuid| user_of(p, &["REQUIREMENT_READ"]);
    let public = requirements
        .create(&me, need(cotton.id, yard))
        .await
        .unwrap()
        .value;
    let hidden = requirements.get(&read(stranger), public.id).await.unwrap_err();
    assert_eq!(hidden.kind(), ErrorKind::NotFound, "a draft is the buyer's");
    requirements.publish(&me, public.id).await.unwrap();
    assert!(
        requirements.get(&read(stranger), public.id).await.is_ok(),
        "PUBLIC once published"
    );
    let e = requirements
        .cancel(
            &user_of(stranger, BUY),
            public.id,
            CancelRequirement {
                reason: "not mine".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope", "seen, not owned");

    let mut private = need(cotton.id, yard);
    private.visibility = Some("PRIVATE".into());
    let private = requirements.create(&me, private).await.unwrap().value;
    requirements.publish(&me, private.id).await.unwrap();
    let mut restricted = need(cotton.id, yard);
    restricted.visibility = Some("RESTRICTED".into());
    restricted.invited_seller_ids = Some(vec![invited]);
    let restricted = requirements.create(&me, restricted).await.unwrap().value;
    requirements.publish(&me, restricted.id).await.unwrap();
    assert_eq!(restricted.invited_seller_ids, [invited]);
    for (who, id, seen) in [
        (stranger, private.id, false),
        (invited, private.id, false),
        (stranger, restricted.id, false),
        (invited, restricted.id, true),
        (buyer, private.id, true),
    ] {
        assert_eq!(requirements.get(&read(who), id).await.is_ok(), seen, "{who} {id}");
    }
    let outsider = user_of(stranger, BUY);
    let e = requirements.cancel(
        &outsider,
        private.id,
        CancelRequirement {
            reason: "not mine".into(),
        },
    );
    assert_eq!(e.await.unwrap_err().kind(), ErrorKind::NotFound);
    assert!(
        requirements
            .get(&staff(&["REQUIREMENT_READ"]), private.id)
            .await
            .is_ok()
    );

    let first = PageRequest::parse(Some(2), None).unwrap();
    let page = requirements.mine(&read(buyer), None, None, first).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let next = PageRequest::parse(Some(2), page.next_cursor.as_deref()).unwrap();
    let rest = requirements.mine(&read(buyer), None, None, next).await.unwrap();
    assert_eq!((rest.items.len(), rest.next_cursor), (1, None));
    let theirs = requirements
        .mine(&read(stranger), None, None, PageRequest::default())
        .await;
    assert!(theirs.unwrap().items.is_empty());
    let bad = requirements
        .mine(&read(buyer), None, Some("OPEN".into()), PageRequest::default())
        .await;
    assert_eq!(fields(&bad.unwrap_err()), ["status"]);
}

async fn expiry_changes_each_requirement_once(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let other = t.another_instance().await;
    let (a, b) = (service(&t), RequirementService::new(other.clone()));
    let me = user_of(buyer, BUY);
    let active = a.create(&me, need(cotton.id, yard)).await.unwrap().value;
    a.publish(&me, active.id).await.unwrap();
    let draft = a.create(&me, need(cotton.id, yard)).await.unwrap().value;
    let kept = a.create(&me, need(cotton.id, yard)).await.unwrap().value;
    a.cancel(
        &me,
        kept.id,
        CancelRequirement {
            reason: "not needed".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(a.expire().await.unwrap(), 0, "nothing has run out");
    for clock in [t.clock(), other.clock()] {
        clock.advance(Duration::days(31));
    }
    let (x, y) = tokio::join!(a.expire(), b.expire());
    assert_eq!(
        x.unwrap() + y.unwrap(),
        2,
        "the active and the draft, once, from two instances"
    );
    assert_eq!(a.expire().await.unwrap(), 0, "run again");
    let expired = events(&t, "RequirementExpired").await;
    assert_eq!(expired.len(), 2);
    let reader = staff(&["REQUIREMENT_READ"]);
    for (id, status) in [
        (active.id, "EXPIRED"),
        (draft.id, "EXPIRED"),
        (kept.id, "CANCELLED"),
    ] {
        assert_eq!(a.get(&reader, id).await.unwrap().status, status);
    }
}

async fn concurrent_creates_get_distinct_gap_free_numbers(t: TestInfra) {
    let n = if t.backend() == Backend::Postgres { 50 } else { 20 };
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let requirements = service(&t);
    let me = user_of(buyer, BUY);
    let creates = (0..n).map(|_| requirements.create(&me, need(cotton.id, yard)));
    let made = futures::future::join_all(creates).await;
    let mut numbers: Vec<String> = made.into_iter().map(|r| r.unwrap().value.number).collect();
    numbers.sort();
    let year = requirements.today().year();
    let expected: Vec<String> = (1..=n).map(|i| format!("REQ-{year}-{i:06}")).collect();
    assert_eq!(numbers, expected);
}

infra::backend_tests!(
    a_requirement_is_numbered_defaulted_and_moves_through_its_states,
    every_broken_field_is_named,
    only_able_buyers_buy_and_only_for_themselves,
    reads_follow_visibility,
    expiry_changes_each_requirement_once,
    concurrent_creates_get_distinct_gap_free_numbers,
);
