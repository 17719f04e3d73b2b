//! Table tests of the pair rules.

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use settings::commodities::units::{Unit, Units};
use uuid::Uuid;

use super::*;
use crate::availabilities::entity::availability;
use crate::matching::sides::{Need, Offer, Place};
use crate::requirements::entity::requirement;
use crate::search::geo::Point;

const COMMODITY: Uuid = Uuid::from_u128(1);
const BUYER: Uuid = Uuid::from_u128(2);
const SELLER: Uuid = Uuid::from_u128(3);
const RAJKOT: Uuid = Uuid::from_u128(4);
const SURAT: Uuid = Uuid::from_u128(5);

fn units() -> Units {
    Units(vec![Unit {
        code: "KG".into(),
        base_unit: "KG".into(),
        factor: Decimal::ONE,
        category: "WEIGHT".into(),
    }])
}

fn s(n: i64) -> i64 {
    n * 10_000
}

/// 100 to 300 KG (preferred 200) delivered to Rajkot (GJ), at most 100 a KG (90 preferred).
fn need() -> requirement::Model {
    let now = Utc::now();
    requirement::Model {
        id: Uuid::from_u128(10),
        number: "REQ-2026-000001".into(),
        buyer_partner_id: BUYER,
        commodity_id: COMMODITY,
        variety_id: None,
        unit: "KG".into(),
        min_quantity: s(100),
        preferred_quantity: s(200),
        max_quantity: s(300),
        base_min_quantity: s(100),
        base_max_quantity: s(300),
        quality: json!({}),
        price_unit: Some("KG".into()),
        max_price: Some(s(100)),
        preferred_price: Some(s(90)),
        total_budget: None,
        allow_cross_state: false,
        delivery_from: None,
        delivery_to: None,
        payment_term_id: None,
        delivery_term_id: None,
        visibility: "PUBLIC".into(),
        urgency: "NORMAL".into(),
        intent: "DIRECT_BUY".into(),
        negotiation: json!({}),
        valid_from: now - Duration::days(1),
        valid_until: now + Duration::days(30),
        status: "ACTIVE".into(),
        purchased_quantity: 0,
        spent_amount: 0,
        precheck_score: None,
        precheck_status: None,
        precheck_factors: None,
        precheck_value: None,
        base_max_price: Some(s(100)),
        cancel_reason: None,
        business_date: now.date_naive(),
        created_by: None,
        version: 2,
        created_at: now,
        updated_at: now,
    }
}

/// 150 KG at Rajkot (GJ) at 95 a KG, PUBLIC, approved, sold in part.
fn offer() -> availability::Model {
    let now = Utc::now();
    availability::Model {
        id: Uuid::from_u128(20),
        seller_partner_id: SELLER,
        commodity_id: COMMODITY,
        variety_id: None,
        location_id: Some(RAJKOT),
        partner_location_id: None,
        address: None,
        location_key: "x".into(),
        state_code: Some("GJ".into()),
        latitude: Some(22.3),
        longitude: Some(70.8),
        unit: "KG".into(),
        total_quantity: s(150),
        available_quantity: s(150),
        reserved_quantity: 0,
        sold_quantity: 0,
        base_quantity: s(150),
        min_order_quantity: None,
        allow_partial: true,
        price_type: "FIXED".into(),
        price: Some(s(95)),
        price_unit: Some("KG".into()),
        base_price: Some(s(95)),
        price_matrix: None,
        quality: json!({}),
        delivery_term_id: None,
        payment_term_id: None,
        delivery_from: None,
        delivery_to: None,
        visibility: "PUBLIC".into(),
        test_report_document_id: None,
        expires_at: now + Duration::days(30),
        status: "ACTIVE".into(),
        approval_status: "APPROVED".into(),
        precheck_score: None,
        precheck_status: None,
        precheck_factors: None,
        decided_by: None,
        decided_at: None,
        rejection_reason: None,
        cancel_reason: None,
        business_date: now.date_naive(),
        created_by: None,
        version: 2,
        created_at: now,
        updated_at: now,
    }
}

fn pair(
    r: requirement::Model,
    a: availability::Model,
    invited: Vec<Uuid>,
    listed: Vec<Uuid>,
) -> Result<Fit, Refusal> {
    let place = Place {
        id: RAJKOT,
        state_code: Some("GJ".into()),
        point: Some(Point { lat: 22.3, lng: 70.8 }),
    };
    let units = units();
    let need = Need::of(r, vec![place], invited, &units);
    let offer = Offer::of(a, listed, &units);
    check(&need, &offer, Utc::now())
}

type Change = fn(&mut requirement::Model, &mut availability::Model);

#[test]
fn each_rule_leaves_out_its_pairs() {
    let cases: [(&str, Change, &str); 23] = [
        ("the base case", |_, _| {}, "fits"),
        (
            "requirement cancelled",
            |r, _| r.status = "CANCELLED".into(),
            "not_active",
        ),
        (
            "partly fulfilled",
            |r, _| r.status = "PARTIALLY_FULFILLED".into(),
            "fits",
        ),
        (
            "availability reserved",
            |_, a| a.status = "RESERVED".into(),
            "not_active",
        ),
        (
            "availability expired",
            |_, a| a.expires_at = Utc::now() - Duration::hours(1),
            "not_active",
        ),
        (
            "availability pending",
            |_, a| a.approval_status = "PENDING".into(),
            "not_active",
        ),
        (
            "another commodity",
            |_, a| a.commodity_id = Uuid::from_u128(99),
            "other_commodity",
        ),
        (
            "the buyer's own",
            |_, a| a.seller_partner_id = BUYER,
            "not_visible",
        ),
        ("private", |_, a| a.visibility = "PRIVATE".into(), "not_visible"),
        (
            "restricted, not listed",
            |_, a| a.visibility = "RESTRICTED".into(),
            "not_visible",
        ),
        (
            "restricted requirement",
            |r, _| r.visibility = "RESTRICTED".into(),
            "not_invited",
        ),
        (
            "same state, another place",
            |_, a| a.location_id = Some(SURAT),
            "fits",
        ),
        (
            "another state",
            |_, a| {
                a.location_id = None;
                a.state_code = Some("MH".into());
            },
            "outside_delivery_area",
        ),
        (
            "another state, cross-state",
            |r, a| {
                r.allow_cross_state = true;
                a.location_id = None;
                a.state_code = Some("MH".into());
            },
            "fits",
        ),
        (
            "under the minimum, sold whole",
            |_, a| {
                a.available_quantity = s(99);
                a.allow_partial = false;
            },
            "insufficient_quantity",
        ),
        (
            "10 % of the preferred, in part",
            |_, a| a.available_quantity = s(20),
            "fits",
        ),
        (
            "under 10 % of the preferred",
            |_, a| a.available_quantity = s(19),
            "insufficient_quantity",
        ),
        ("at the max price", |_, a| a.base_price = Some(s(100)), "fits"),
        (
            "above the max price",
            |_, a| a.base_price = Some(s(101)),
            "over_budget",
        ),
        ("no price", |_, a| a.base_price = None, "fits"),
        (
            "least order within budget",
            |r, _| r.total_budget = Some(s(9500)),
            "fits",
        ),
        (
            "least order over budget",
            |r, _| r.total_budget = Some(s(9499)),
            "over_total_budget",
        ),
        (
            "budget mostly spent",
            |r, _| {
                r.total_budget = Some(s(20000));
                r.spent_amount = s(12000);
            },
            "over_total_budget",
        ),
    ];
    for (case, change, want) in cases {
        let (mut r, mut a) = (need(), offer());
        change(&mut r, &mut a);
        let got = match pair(r, a, Vec::new(), Vec::new()) {
            Ok(_) => "fits",
            Err(refusal) => refusal.reason,
        };
        assert_eq!(got, want, "{case}");
    }
    let mut listed = offer();
    listed.visibility = "RESTRICTED".into();
    assert!(
        pair(need(), listed, Vec::new(), vec![BUYER]).is_ok(),
        "restricted, listing the buyer"
    );
    let mut invited = need();
    invited.visibility = "RESTRICTED".into();
    assert!(
        pair(invited, offer(), vec![SELLER], Vec::new()).is_ok(),
        "restricted, inviting the seller"
    );
}

#[test]
fn the_parts_and_the_trade_value_of_a_fitting_pair() {
    let fit = pair(need(), offer(), Vec::new(), Vec::new()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(
        fit.value,
        Decimal::from(150 * 95),
        "the smaller of available (150) and preferred (200)"
    );
    assert_eq!(fit.price, 0.5, "95 halfway from 90 to 100");
    assert_eq!(
        (fit.quality, fit.delivery),
        (1.0, 1.0),
        "nothing asked, at the place, no window"
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d);
    let r = requirement::Model {
        delivery_from: day(1),
        delivery_to: day(10),
        ..need()
    };
    let a = availability::Model {
        location_id: None,
        latitude: Some(22.3),
        longitude: Some(79.8),
        delivery_from: day(6),
        delivery_to: day(20),
        ..offer()
    };
    let fit = pair(r, a, Vec::new(), Vec::new()).unwrap_or_else(|r| panic!("{r:?}"));
    // Half the window; about 925 km east at latitude 22.3: a distance fit near 0.07.
    assert!(
        (fit.delivery - (0.5 + 0.0745) / 2.0).abs() < 0.01,
        "{}",
        fit.delivery
    );
    let more = pair(
        need(),
        availability::Model {
            available_quantity: s(500),
            ..offer()
        },
        Vec::new(),
        Vec::new(),
    )
    .unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(
        more.value,
        Decimal::from(200 * 95),
        "the preferred caps the matchable quantity"
    );
}
