//! Matching: a requirement's run finds the fitting availability and leaves
//! out (with the reason, when explained) the party-linked, over-budget,
//! out-of-area and risk-failing sellers; the matches are stored per pair,
//! re-runs change nothing that did not change, the reverse run finds the
//! same pair, dismissals stick, a reservation naming the requirement marks
//! its match RESERVED and a cancelled availability's match expires; who
//! may run what. The weights are in `matching_weights`.

use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, ErrorKind};
use serde_json::json;
use trade_desk::matching::MatchingService;
use trade_desk::requirements::{CancelRequirement, NewRequirement, RequirementService};
use trade_desk::reservations::NewReservation;
use uuid::Uuid;

use crate::availabilities::{DESK, SELL, offer, reason, service as offers};
use crate::reservations::reservations;
use crate::support::{cotton, events, place, seasoned, set, staff, trader, user_of};

const BUY: &[&str] = &["REQUIREMENT_CREATE", "REQUIREMENT_READ", "AVAILABILITY_RESERVE"];
pub(crate) const DESK_MATCHING: &[&str] = &["MATCHING_EXECUTE"];

pub(crate) fn matching(t: &TestInfra) -> MatchingService<AppInfra> {
    MatchingService::new(t.infra().clone())
}

/// The market of the cases: a seasoned buyer's published requirement for
/// 100 to 300 CANDY of cotton at Rajkot (GJ), staple 28 to 31 (29.5
/// preferred), 60500 preferred and 62000 at most per CANDY.
pub(crate) struct Market {
    pub(crate) buyer: Uuid,
    pub(crate) cotton: Uuid,
    pub(crate) rajkot: Uuid,
    pub(crate) requirement: Uuid,
}

pub(crate) async fn market(t: &TestInfra) -> Market {
    let buyer = trader(t).await;
    seasoned(t, buyer).await;
    let cotton = cotton(t, "Shankar-6").await.id;
    let rajkot = place(t, "Rajkot", "GJ").await;
    let input = NewRequirement {
        commodity_id: cotton,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![rajkot],
        quality: json!({"staple_length": {"min": 28, "preferred": "29.5", "max": 31}})
            .as_object()
            .cloned(),
        max_price: Some("62000".parse().unwrap()),
        preferred_price: Some("60500".parse().unwrap()),
        ..NewRequirement::default()
    };
    let requirements = RequirementService::new(t.infra().clone());
    let me = user_of(buyer, &["REQUIREMENT_CREATE", "REQUIREMENT_READ"]);
    let draft = requirements.create(&me, input).await.unwrap().value;
    requirements.publish(&me, draft.id).await.unwrap();
    Market {
        buyer,
        cotton,
        rajkot,
        requirement: draft.id,
    }
}

/// A seller (seasoned unless `neutral`) offering 100 CANDY at `price` at `location`.
pub(crate) async fn seller(
    t: &TestInfra,
    m: &Market,
    location: Uuid,
    price: &str,
    neutral: bool,
) -> (Uuid, Uuid) {
    let seller = trader(t).await;
    if !neutral {
        seasoned(t, seller).await;
    }
    let mut input = offer(m.cotton, location);
    input.price = Some(price.parse().unwrap());
    let made = offers(t)
        .create(&user_of(seller, SELL), input)
        .await
        .unwrap()
        .value;
    if made.status != "ACTIVE" {
        offers(t).approve(&staff(DESK), made.id).await.unwrap();
    }
    (seller, made.id)
}

async fn a_run_finds_the_fitting_seller_and_explains_the_others(t: TestInfra) {
    let m = market(&t).await;
    let (_, good) = seller(&t, &m, m.rajkot, "61000", false).await;
    let (linked_seller, linked) = seller(&t, &m, m.rajkot, "60000", false).await;
    set(&t, linked_seller, "corporate_group_key", "GROUP-ONE").await;
    set(&t, m.buyer, "corporate_group_key", "GROUP-ONE").await;
    let (_, dear) = seller(&t, &m, m.rajkot, "63000", false).await;
    let mumbai = place(&t, "Mumbai", "MH").await;
    let (_, far) = seller(&t, &m, mumbai, "61000", false).await;
    let (_, risky) = seller(&t, &m, m.rajkot, "61000", true).await;

    let me = user_of(m.buyer, BUY);
    let run = matching(&t)
        .run_requirement(&me, m.requirement, true)
        .await
        .unwrap()
        .value;
    let found: Vec<Uuid> = run.items.iter().map(|i| i.availability_id).collect();
    assert_eq!(found, vec![good], "{run:?}");
    let hit = &run.items[0];
    assert_eq!((hit.status.as_str(), hit.label.as_str()), ("NEW", "good"));
    assert_eq!(
        (hit.parts.delivery, hit.parts.risk),
        (1.0, 1.0),
        "at the place, PASS"
    );
    assert!((hit.parts.quality - 0.8333).abs() < 1e-4, "{:?}", hit.parts);
    assert!((hit.parts.price - 0.6667).abs() < 1e-3, "{:?}", hit.parts);
    assert!((hit.score - 0.8333).abs() < 1e-3, "{}", hit.score);
    let dropped = run.dropped.clone().unwrap();
    let reason_of = |id: Uuid| {
        dropped
            .iter()
            .find(|d| d.availability_id == id)
            .map(|d| d.reason.clone())
    };
    assert_eq!(reason_of(linked).as_deref(), Some("party_linked"));
    assert_eq!(reason_of(dear).as_deref(), Some("over_budget"));
    assert_eq!(reason_of(far).as_deref(), Some("outside_delivery_area"));
    assert_eq!(reason_of(risky).as_deref(), Some("risk_fail"));

    // Without explaining, the SQL cut leaves the over-budget and far ones out already.
    let plain = matching(&t)
        .run_requirement(&me, m.requirement, false)
        .await
        .unwrap()
        .value;
    assert_eq!(plain.items, run.items, "nothing changed: the same stored match");
    assert!(plain.dropped.is_none());
    assert_eq!(events(&t, "MatchFound").await.len(), 1, "found once");
    let stored = matching(&t)
        .requirement_matches(&me, m.requirement, None, None, None)
        .await
        .unwrap();
    assert_eq!(stored.items, run.items);

    // The reverse finds the same pair.
    let seller_of_good = hit.seller_partner_id;
    let reverse = matching(&t)
        .run_availability(&user_of(seller_of_good, SELL), good, false)
        .await
        .unwrap()
        .value;
    assert_eq!(reverse.items.len(), 1);
    assert_eq!(reverse.items[0].id, hit.id);
    assert_eq!(reverse.items[0].requirement_id, m.requirement);

    // Dismissed stays dismissed.
    let dismissed = matching(&t).dismiss(&me, hit.id).await.unwrap().value;
    assert_eq!((dismissed.status.as_str(), dismissed.version), ("DISMISSED", 2));
    let again = matching(&t)
        .run_requirement(&me, m.requirement, false)
        .await
        .unwrap()
        .value;
    assert_eq!(again.items[0].status, "DISMISSED");
    assert_eq!(events(&t, "MatchDismissed").await.len(), 1);
    let e = matching(&t)
        .dismiss(&user_of(trader(&t).await, BUY), hit.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "a stranger");
}

async fn a_reservation_marks_its_match_and_a_cancelled_offer_expires_its_own(t: TestInfra) {
    let m = market(&t).await;
    let (seller_a, a) = seller(&t, &m, m.rajkot, "61000", false).await;
    let (_, b) = seller(&t, &m, m.rajkot, "60500", false).await;
    let me = user_of(m.buyer, BUY);
    let run = matching(&t)
        .run_requirement(&me, m.requirement, false)
        .await
        .unwrap()
        .value;
    assert_eq!(run.items.len(), 2);
    assert_eq!(run.items[0].availability_id, b, "the cheaper first");
    assert!(run.items[0].score > run.items[1].score);

    let hold = NewReservation {
        quantity: "10".parse().unwrap(),
        requirement_id: Some(m.requirement),
        ..NewReservation::default()
    };
    reservations(&t).reserve(&me, b, hold).await.unwrap();
    offers(&t)
        .cancel(&user_of(seller_a, SELL), a, reason("sold elsewhere"))
        .await
        .unwrap();
    let after = matching(&t)
        .run_requirement(&me, m.requirement, false)
        .await
        .unwrap()
        .value;
    let statuses: Vec<(Uuid, String)> = after
        .items
        .iter()
        .map(|i| (i.availability_id, i.status.clone()))
        .collect();
    assert_eq!(
        statuses,
        vec![(b, "RESERVED".to_owned())],
        "the cancelled one is no longer found"
    );
    let all = matching(&t)
        .requirement_matches(&me, m.requirement, Some("expired".into()), None, None)
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1);
    assert_eq!(all.items[0].availability_id, a);
    assert_eq!(events(&t, "MatchReserved").await.len(), 1);
    let expired = events(&t, "MatchExpired").await;
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["reason"], "no_longer_fits");
    let page = matching(&t)
        .requirement_matches(&me, m.requirement, None, Some(1), None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let next = matching(&t)
        .requirement_matches(&me, m.requirement, None, Some(1), page.next_cursor)
        .await
        .unwrap();
    assert_eq!(next.items.len(), 1);
    assert_ne!(next.items[0].id, page.items[0].id, "the second page goes on");
    assert!(next.next_cursor.is_none());
}

async fn only_the_owner_or_staff_with_matching_execute_run_a_side(t: TestInfra) {
    let m = market(&t).await;
    let (seller, good) = seller(&t, &m, m.rajkot, "61000", false).await;
    let service = matching(&t);
    let stranger = user_of(trader(&t).await, BUY);
    let e = service
        .run_requirement(&stranger, m.requirement, false)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "out_of_scope",
        "a PUBLIC requirement of another partner"
    );
    let e = service
        .run_requirement(&user_of(m.buyer, &["REQUIREMENT_CREATE"]), m.requirement, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_missing");
    let e = service
        .run_requirement(&staff(&["REQUIREMENT_READ"]), m.requirement, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_missing", "staff need MATCHING_EXECUTE");
    let e = service
        .run_availability(&user_of(m.buyer, BUY), good, false)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "capability_missing",
        "the buyer lacks AVAILABILITY_READ"
    );
    let e = service
        .run_availability(&user_of(m.buyer, SELL), good, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope", "the buyer sees the PUBLIC availability");
    let e = service
        .run_requirement(&stranger, Uuid::now_v7(), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let run = service
        .run_requirement(&staff(DESK_MATCHING), m.requirement, false)
        .await
        .unwrap()
        .value;
    assert_eq!(run.items.len(), 1);
    let theirs = service
        .availability_matches(&user_of(seller, SELL), good, None, None, None)
        .await
        .unwrap();
    assert_eq!(theirs.items.len(), 1);
}

async fn a_cancelled_requirement_finds_nothing_and_its_open_matches_expire(t: TestInfra) {
    let m = market(&t).await;
    let (seller, good) = seller(&t, &m, m.rajkot, "61000", false).await;
    let me = user_of(m.buyer, BUY);
    let first = matching(&t)
        .run_availability(&user_of(seller, SELL), good, false)
        .await
        .unwrap()
        .value;
    assert_eq!(first.items.len(), 1, "the reverse run stores the pair");
    RequirementService::new(t.infra().clone())
        .cancel(
            &me,
            m.requirement,
            CancelRequirement {
                reason: "bought elsewhere".into(),
            },
        )
        .await
        .unwrap();
    let run = matching(&t)
        .run_requirement(&me, m.requirement, true)
        .await
        .unwrap()
        .value;
    assert!(run.items.is_empty());
    assert_eq!(run.dropped, Some(Vec::new()), "no candidate weighed");
    let expired = events(&t, "MatchExpired").await;
    assert_eq!(expired.len(), 1);
    assert_eq!(
        (expired[0]["reason"].as_str(), expired[0]["status"].as_str()),
        (Some("requirement_not_active"), Some("EXPIRED"))
    );
    assert_eq!(expired[0]["version"], 2);
    let again = matching(&t)
        .run_requirement(&me, m.requirement, false)
        .await
        .unwrap()
        .value;
    assert!(again.items.is_empty());
    assert_eq!(events(&t, "MatchExpired").await.len(), 1, "expired once");
    let reverse = matching(&t)
        .run_availability(&user_of(seller, SELL), good, false)
        .await
        .unwrap()
        .value;
    assert!(
        reverse.items.is_empty(),
        "the cancelled requirement is not found from the other side"
    );
}

infra::backend_tests!(
    a_run_finds_the_fitting_seller_and_explains_the_others,
    a_cancelled_requirement_finds_nothing_and_its_open_matches_expire,
    a_reservation_marks_its_match_and_a_cancelled_offer_expires_its_own,
    only_the_owner_or_staff_with_matching_execute_run_a_side,
);
