//! Trades and requirements: a confirmation records the purchase on the
//! requirement the reservation serves (PARTIALLY_FULFILLED at its minimum,
//! FULFILLED at its maximum, refused past it, and a closed one neither
//! reserved for nor confirmed against); a cancellation by staff
//! reverses quantity, exposures and fulfilment.

use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, Infra};
use trade_desk::requirements::entity::requirement;
use trade_desk::requirements::{NewRequirement, RequirementService};
use trade_desk::reservations::NewReservation;
use trade_desk::trades::{CancelTrade, Confirm};
use uuid::Uuid;

use crate::reservations::{BUY, market, reservations, row};
use crate::support::{events, place, staff, user_of};
use crate::trades::{CONFIRM, DESK, books, trades};

const NEED: &[&str] = &["REQUIREMENT_CREATE", "REQUIREMENT_READ"];

fn requirements(t: &TestInfra) -> RequirementService<AppInfra> {
    RequirementService::new(t.infra().clone())
}

/// A published requirement of `buyer` for the commodity of availability `id`, `min` to `max` CANDY.
async fn wanting(t: &TestInfra, buyer: Uuid, id: Uuid, min: &str, max: &str) -> Uuid {
    let commodity = row(t, id).await.commodity_id;
    let yard = place(t, "Rajkot-yard", "GJ").await;
    let input = NewRequirement {
        commodity_id: commodity,
        unit: Some("CANDY".into()),
        min_quantity: min.parse().unwrap(),
        max_quantity: max.parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    let me = user_of(buyer, NEED);
    let draft = requirements(t).create(&me, input).await.unwrap().value;
    requirements(t).publish(&me, draft.id).await.unwrap().value.id
}

async fn reserve_for(t: &TestInfra, buyer: Uuid, id: Uuid, quantity: &str, need: Uuid) -> Uuid {
    let input = NewReservation {
        quantity: quantity.parse().unwrap(),
        requirement_id: Some(need),
        ..NewReservation::default()
    };
    reservations(t)
        .reserve(&user_of(buyer, BUY), id, input)
        .await
        .unwrap()
        .value
        .id
}

async fn need_row(t: &TestInfra, id: Uuid) -> requirement::Model {
    use infra::sea_orm::EntityTrait;
    requirement::Entity::find_by_id(id)
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
}

async fn purchases_fulfil_the_requirement_and_a_cancel_reverses_everything(t: TestInfra) {
    let (seller, buyer, id) = market(&t, "100").await;
    let need = wanting(&t, buyer, id, "5", "12").await;
    let first = reserve_for(&t, buyer, id, "6", need).await;
    let seller_user = user_of(seller, CONFIRM);
    trades(&t)
        .confirm(&seller_user, first, Confirm::default())
        .await
        .unwrap();
    let after = need_row(&t, need).await;
    assert_eq!(
        (after.status.as_str(), after.purchased_quantity),
        ("PARTIALLY_FULFILLED", 6 * 10_000)
    );
    assert_eq!(after.spent_amount, 366_000 * 10_000, "the amount, 6 at 61000");
    let second = reserve_for(&t, buyer, id, "6", need).await;
    let made = trades(&t)
        .confirm(&seller_user, second, Confirm::default())
        .await
        .unwrap()
        .value;
    assert_eq!(need_row(&t, need).await.status, "FULFILLED", "12 of 12");
    assert_eq!(events(&t, "RequirementFulfilled").await.len(), 1);
    assert_eq!(events(&t, "RequirementFulfilmentRecorded").await.len(), 2);

    let reason = CancelTrade {
        reason: "quality dispute at the gin".into(),
    };
    let by_partner = trades(&t)
        .cancel(&user_of(seller, DESK), made.id, reason.clone())
        .await
        .unwrap_err();
    assert_eq!(by_partner.code(), "out_of_scope", "staff cancel");
    let short = trades(&t)
        .cancel(&staff(DESK), made.id, CancelTrade { reason: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(crate::support::fields(&short), ["reason"]);
    let cancelled = trades(&t)
        .cancel(&staff(DESK), made.id, reason.clone())
        .await
        .unwrap()
        .value;
    assert_eq!(cancelled.status, "CANCELLED");
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("quality dispute at the gin")
    );
    let after = need_row(&t, need).await;
    assert_eq!(
        (after.status.as_str(), after.purchased_quantity),
        ("PARTIALLY_FULFILLED", 6 * 10_000)
    );
    assert_eq!(after.spent_amount, 366_000 * 10_000);
    let offer = row(&t, id).await;
    assert_eq!(
        (offer.available_quantity, offer.sold_quantity),
        (94 * 10_000, 6 * 10_000),
        "the 6 came back"
    );
    let ((on_buyer, _), (ledger, _)) = books(&t, buyer).await;
    assert_eq!(
        (on_buyer, ledger),
        (384_300 * 10_000, 384_300 * 10_000),
        "only the first trade's total stays"
    );
    let ((_, on_seller), (_, seller_ledger)) = books(&t, seller).await;
    assert_eq!((on_seller, seller_ledger), (366_000 * 10_000, 366_000 * 10_000));
    let again = trades(&t)
        .cancel(&staff(DESK), made.id, reason)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "trade_not_confirmed");
    assert_eq!(
        trades(&t).settle(&staff(DESK), made.id).await.unwrap_err().code(),
        "trade_not_confirmed"
    );
    assert_eq!(events(&t, "AvailabilitySaleReversed").await.len(), 1);
    assert_eq!(events(&t, "RequirementFulfilmentReversed").await.len(), 1);
}

async fn a_confirm_past_the_maximum_or_on_a_closed_requirement_is_refused(t: TestInfra) {
    let (seller, buyer, id) = market(&t, "100").await;
    let need = wanting(&t, buyer, id, "2", "5").await;
    let over = reserve_for(&t, buyer, id, "6", need).await;
    let seller_user = user_of(seller, CONFIRM);
    let refused = trades(&t)
        .confirm(&seller_user, over, Confirm::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "requirement_quantity_exceeded");
    assert!(refused.to_string().contains("at most 5"), "{refused}");
    let early = reserve_for(&t, buyer, id, "1", need).await;
    let fits = reserve_for(&t, buyer, id, "5", need).await;
    trades(&t)
        .confirm(&seller_user, fits, Confirm::default())
        .await
        .unwrap();
    let refused = trades(&t)
        .confirm(&seller_user, early, Confirm::default())
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        "requirement_not_active",
        "FULFILLED takes no more"
    );
    let input = NewReservation {
        quantity: "1".parse().unwrap(),
        requirement_id: Some(need),
        ..NewReservation::default()
    };
    let refused = reservations(&t)
        .reserve(&user_of(buyer, BUY), id, input)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "requirement_not_active", "nor is reserved for");
    let offer = row(&t, id).await;
    assert_eq!(offer.sold_quantity, 5 * 10_000, "only the fitting trade sold");
}

infra::backend_tests!(
    purchases_fulfil_the_requirement_and_a_cancel_reverses_everything,
    a_confirm_past_the_maximum_or_on_a_closed_requirement_is_refused,
);
