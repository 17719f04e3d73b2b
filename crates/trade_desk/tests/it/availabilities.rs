//! Availabilities: defaults, base quantities and the stored precheck;
//! approval (automatic and by staff); versions; the quantity rule; cancel
//! and reservations; every broken field named; who sells for whom.

use chrono::Duration;
use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, ErrorKind, Infra};
use serde_json::json;
use trade_desk::availabilities::{
    AdHocAddress, AvailabilityChanges, AvailabilityService, NewAvailability, Reason,
};
use uuid::Uuid;

use crate::support::{cotton, events, fields, hold, partner, place, seasoned, set, staff, trader, user_of};

/// What a seller's user holds.
pub const SELL: &[&str] = &["AVAILABILITY_CREATE", "AVAILABILITY_READ"];
/// What staff deciding approvals hold.
pub const DESK: &[&str] = &["AVAILABILITY_APPROVE", "AVAILABILITY_READ", "AVAILABILITY_CREATE"];

/// The service over `t`.
pub fn service(t: &TestInfra) -> AvailabilityService<AppInfra> {
    AvailabilityService::new(t.infra().clone())
}

/// 100 (trade units) of `commodity` at `location`, priced 61000, staple 29.
pub fn offer(commodity: Uuid, location: Uuid) -> NewAvailability {
    NewAvailability {
        commodity_id: commodity,
        location_id: Some(location),
        quantity: "100".parse().unwrap(),
        price: Some("61000".parse().unwrap()),
        quality: json!({"staple_length": "29", "micronaire": 4.2})
            .as_object()
            .cloned(),
        ..NewAvailability::default()
    }
}

/// A cancel or reject reason.
pub fn reason(text: &str) -> Reason {
    Reason { reason: text.into() }
}

async fn an_availability_is_created_approved_changed_and_cancelled(t: TestInfra) {
    let seller = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(seller, SELL);
    let desk = staff(DESK);
    let availabilities = service(&t);
    let created = availabilities
        .create(&me, offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (created.status.as_str(), created.approval_status.as_str()),
        ("DRAFT", "PENDING"),
        "a neutral seller without credit does not pass the precheck"
    );
    assert_eq!(
        (created.unit.as_str(), created.price_unit.as_deref()),
        ("CANDY", Some("CANDY"))
    );
    assert_eq!(
        created.base_quantity.to_string(),
        "35562.22",
        "100 candy of 355.6222 kg"
    );
    assert_eq!(created.available_quantity, created.quantity);
    assert_eq!(
        created.quality["micronaire"], "4.2",
        "numbers kept as decimal strings"
    );
    assert_eq!(created.expires_at - created.created_at, Duration::days(30));
    let precheck = created.precheck.clone().expect("the seller precheck stored");
    assert_eq!(precheck.status, "FAIL", "{precheck:?}");
    assert_eq!(created.business_date, availabilities.today());
    assert_eq!(events(&t, "AvailabilityCreated").await.len(), 1);

    let e = availabilities.approve(&me, created.id).await.unwrap_err();
    assert_eq!(e.code(), "capability_missing", "sellers do not approve");
    let e = availabilities
        .update(&me, created.id, AvailabilityChanges::default(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_transition", "PENDING is not ACTIVE yet");
    let approved = availabilities.approve(&desk, created.id).await.unwrap().value;
    assert_eq!(
        (
            approved.status.as_str(),
            approved.approval_status.as_str(),
            approved.version
        ),
        ("ACTIVE", "APPROVED", 2)
    );
    let again = availabilities.approve(&desk, created.id).await.unwrap_err();
    assert_eq!(again.code(), "invalid_transition");
    assert!(again.to_string().contains("APPROVED"), "{again}");
    assert_eq!(events(&t, "AvailabilityApproved").await.len(), 1);

    let cheaper = AvailabilityChanges {
        price: Some("60000".parse().unwrap()),
        ..AvailabilityChanges::default()
    };
    let e = availabilities
        .update(&me, created.id, cheaper.clone(), Some(1))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
    let changed = availabilities
        .update(&me, created.id, cheaper, Some(2))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (changed.price.unwrap().to_string().as_str(), changed.version),
        ("60000", 3)
    );
    let updates = events(&t, "AvailabilityUpdated").await;
    assert_eq!(updates.len(), 1);
    assert!(updates[0]["changes"]["price"].is_object(), "{}", updates[0]);
    let same = availabilities
        .update(&me, created.id, AvailabilityChanges::default(), None)
        .await
        .unwrap()
        .value;
    assert_eq!(same.version, 3, "a change that changes nothing keeps the version");
    let more = AvailabilityChanges {
        quantity: Some("120".parse().unwrap()),
        ..AvailabilityChanges::default()
    };
    let private = AvailabilityChanges {
        visibility: Some("restricted".into()),
        ..AvailabilityChanges::default()
    };
    let e = availabilities
        .update(&me, created.id, private, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["allowed_buyer_ids"], "RESTRICTED names its buyers");
    let grown = availabilities
        .update(&me, created.id, more.clone(), None)
        .await
        .unwrap()
        .value;
    assert_eq!(
        (grown.quantity.to_string(), grown.available_quantity.to_string()),
        ("120".into(), "120".into())
    );

    // Reservations are not built yet: a row holding some, as they will leave it.
    let id = created.id;
    hold(&t, id, 100_000).await;
    let e = availabilities.update(&me, id, more, None).await.unwrap_err();
    assert_eq!(e.code(), "quantity_in_use");
    let e = availabilities
        .cancel(&me, id, reason("sold elsewhere"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "has_active_reservations");
    hold(&t, id, 0).await;
    let e = availabilities.cancel(&me, id, reason("no")).await.unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    let cancelled = availabilities
        .cancel(&me, id, reason("sold elsewhere"))
        .await
        .unwrap()
        .value;
    assert_eq!(cancelled.status, "CANCELLED");
    let e = availabilities
        .cancel(&me, id, reason("sold elsewhere"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    assert_eq!(events(&t, "AvailabilityCancelled").await.len(), 1);

    let pending = availabilities
        .create(&me, offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    let e = availabilities
        .reject(&desk, pending.id, reason("x"))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    let rejected = availabilities
        .reject(&desk, pending.id, reason("the test report is unreadable"))
        .await
        .unwrap()
        .value;
    assert_eq!(rejected.approval_status, "REJECTED");
    let e = availabilities.approve(&desk, pending.id).await.unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    assert_eq!(events(&t, "AvailabilityRejected").await.len(), 1);
}

async fn a_passing_precheck_with_verified_kyc_approves_at_once(t: TestInfra) {
    let (good, renewing) = (trader(&t).await, trader(&t).await);
    for id in [good, renewing] {
        seasoned(&t, id).await;
    }
    set(&t, renewing, "kyc_status", "renewal_required").await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let availabilities = service(&t);
    let made = availabilities
        .create(&user_of(good, SELL), offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (made.status.as_str(), made.approval_status.as_str()),
        ("ACTIVE", "AUTO_APPROVED")
    );
    assert_eq!(made.precheck.unwrap().status, "PASS");
    let approved = events(&t, "AvailabilityApproved").await;
    assert_eq!((approved.len(), approved[0]["auto"].as_bool()), (1, Some(true)));
    let waiting = availabilities
        .create(&user_of(renewing, SELL), offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (
            waiting.precheck.unwrap().status.as_str(),
            waiting.approval_status.as_str()
        ),
        ("PASS", "PENDING"),
        "KYC under renewal is not verified"
    );
}

async fn every_broken_field_is_named(t: TestInfra) {
    let seller = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(seller, SELL);
    let mut bad = offer(cotton.id, yard);
    bad.partner_location_id = Some(Uuid::now_v7());
    bad.quantity = "0".parse().unwrap();
    bad.unit = Some("LITER".into());
    bad.price_type = Some("MATRIX".into());
    bad.price = None;
    bad.quality = json!({"micronaire": "9", "colour": 1, "colour_grade": 3})
        .as_object()
        .cloned();
    bad.delivery_from = Some(chrono::NaiveDate::from_ymd_opt(2030, 5, 2).unwrap());
    bad.delivery_to = Some(chrono::NaiveDate::from_ymd_opt(2030, 5, 1).unwrap());
    bad.visibility = Some("RESTRICTED".into());
    bad.expires_at = Some(t.clock().now() + Duration::days(181));
    bad.test_report_document_id = Some(Uuid::now_v7());
    bad.payment_term_id = Some(Uuid::now_v7());
    let e = service(&t).create(&me, bad).await.unwrap_err();
    let mut named = fields(&e);
    named.sort();
    let mut expected = [
        "location_id",
        "quantity",
        "price",
        "unit",
        "quality.staple_length",
        "quality.micronaire",
        "quality.colour",
        "quality.colour_grade",
        "price_matrix",
        "payment_term_id",
        "delivery_to",
        "allowed_buyer_ids",
        "expires_at",
        "test_report_document_id",
    ];
    expected.sort();
    assert_eq!(named, expected);

    let mut adhoc = offer(cotton.id, Uuid::nil());
    adhoc.location_id = None;
    adhoc.address = Some(AdHocAddress {
        text: "Plot 4, GIDC".into(),
        latitude: 95.0,
        longitude: 70.0,
        state_code: "Gujarat".into(),
    });
    adhoc.price_type = Some("BARTER".into());
    adhoc.min_order_quantity = Some("500".parse().unwrap());
    let e = service(&t).create(&me, adhoc).await.unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "address.latitude",
            "address.state_code",
            "min_order_quantity",
            "price_type"
        ]
    );
    let mut fixed = offer(cotton.id, yard);
    fixed.price_matrix = Some(vec![]);
    fixed.visibility = Some("PUBLIC".into());
    fixed.allowed_buyer_ids = Some(vec![seller]);
    let e = service(&t).create(&me, fixed).await.unwrap_err();
    assert_eq!(fields(&e), ["price_matrix", "allowed_buyer_ids"]);
}

async fn only_able_sellers_sell_and_only_for_themselves(t: TestInfra) {
    let seller = trader(&t).await;
    let buyer_only = partner(&t, "buyer", &["domestic_buy_india"]).await;
    let bare = partner(&t, "seller", &[]).await;
    let suspended = trader(&t).await;
    set(&t, suspended, "status", "suspended").await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let availabilities = service(&t);
    let input = offer(cotton.id, yard);
    let e = availabilities
        .create(&staff(DESK), input.clone())
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["seller_partner_id"], "staff name the seller");
    let mut named = input.clone();
    named.seller_partner_id = Some(seller);
    let made = availabilities
        .create(&staff(DESK), named.clone())
        .await
        .unwrap()
        .value;
    assert_eq!(made.seller_partner_id, seller);
    let e = availabilities
        .create(&user_of(buyer_only, SELL), named)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope");
    for (who, code) in [
        (buyer_only, "side_not_allowed"),
        (bare, "capability_missing"),
        (suspended, "partner_suspended"),
    ] {
        let e = availabilities
            .create(&user_of(who, SELL), input.clone())
            .await
            .unwrap_err();
        assert_eq!(e.code(), code);
    }
    let e = availabilities
        .create(&user_of(seller, &["AVAILABILITY_READ"]), input)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_missing");
}

infra::backend_tests!(
    an_availability_is_created_approved_changed_and_cancelled,
    a_passing_precheck_with_verified_kyc_approves_at_once,
    every_broken_field_is_named,
    only_able_sellers_sell_and_only_for_themselves,
);
