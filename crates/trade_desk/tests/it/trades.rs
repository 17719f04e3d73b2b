//! Trades: a confirmation moves quantity, credit, counts and numbers at
//! once; settlement releases both exposures; two concurrent confirms make
//! one trade; a failure injected after the trade row leaves nothing
//! changed. Cancellations and requirements are in `trade_cancels`.

use std::sync::Arc;

use chrono::Datelike;
use infra::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, Infra};
use trade_desk::reservations::entity::reservation;
use trade_desk::trades::entity::trade;
use trade_desk::trades::{Confirm, TradeService};
use uuid::Uuid;

use crate::reservations::{BUY, ask, market, reservations, row};
use crate::support::{events, staff, user_of};

/// What a seller's administrator holds.
pub(crate) const CONFIRM: &[&str] = &["TRADE_CONFIRM", "TRADE_READ", "AVAILABILITY_READ"];
/// What a back office manager holds.
pub(crate) const DESK: &[&str] = &["TRADE_SETTLE", "TRADE_CONFIRM", "TRADE_READ"];

pub(crate) fn trades(t: &TestInfra) -> TradeService<AppInfra> {
    TradeService::new(t.infra().clone())
}

/// The partner's (buyer side, seller side) utilised totals and ledger sums (scaled).
pub(crate) async fn books(t: &TestInfra, partner: Uuid) -> ((i64, i64), (i64, i64)) {
    use risk::exposure::entity::entry;
    let totals = risk::exposure::view::totals(t.db(), partner).await.unwrap();
    let entries = entry::Entity::find()
        .filter(entry::Column::PartnerId.eq(partner))
        .all(t.db())
        .await
        .unwrap();
    let sum = |side: &str| entries.iter().filter(|e| e.side == side).map(|e| e.amount).sum();
    (totals, (sum("buyer"), sum("seller")))
}

/// A reservation of `quantity` CANDY by the buyer of a fresh market of 100: (seller, buyer, availability, reservation).
pub(crate) async fn reserved(t: &TestInfra, quantity: &str) -> (Uuid, Uuid, Uuid, Uuid) {
    let (seller, buyer, id) = market(t, "100").await;
    let held = reservations(t)
        .reserve(&user_of(buyer, BUY), id, ask(quantity))
        .await
        .unwrap()
        .value;
    (seller, buyer, id, held.id)
}

async fn trade_count(t: &TestInfra, partner: Uuid) -> i32 {
    risk::performance::view(t.db(), partner)
        .await
        .unwrap()
        .trade_count
}

async fn a_confirmation_moves_stock_credit_and_counts_and_settles(t: TestInfra) {
    let (seller, buyer, id, held) = reserved(&t, "10").await;
    let before = row(&t, id).await.version;
    let made = trades(&t)
        .confirm(&user_of(seller, CONFIRM), held, Confirm::default())
        .await
        .unwrap()
        .value;
    let year = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Kolkata).year();
    assert_eq!(made.number, format!("TRD-{year}-000001"));
    assert_eq!(
        (
            made.status.as_str(),
            made.quantity.to_string(),
            made.unit.as_str()
        ),
        ("CONFIRMED", "10".into(), "CANDY")
    );
    assert_eq!(made.amount.to_string(), "610000.00", "10 CANDY at 61000");
    assert_eq!(
        (made.gst.supply.as_str(), made.gst.igst.to_string()),
        ("INTER_STATE", "30500.00".into()),
        "no GSTINs: IGST"
    );
    assert_eq!(
        (made.gst.cgst.to_string(), made.total.to_string()),
        ("0.00".into(), "640500.00".into())
    );
    let offer = row(&t, id).await;
    assert_eq!(
        (
            offer.available_quantity,
            offer.reserved_quantity,
            offer.sold_quantity
        ),
        (90 * 10_000, 0, 10 * 10_000)
    );
    assert_eq!((offer.status.as_str(), offer.version), ("ACTIVE", before + 1));
    let status = reservation::Entity::find_by_id(held)
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status, "CONFIRMED");
    let ((on_buyer, _), (ledger, _)) = books(&t, buyer).await;
    assert_eq!(
        (on_buyer, ledger),
        (640_500 * 10_000, 640_500 * 10_000),
        "the reservation's value became the total"
    );
    let ((_, on_seller), (_, seller_ledger)) = books(&t, seller).await;
    assert_eq!(
        (on_seller, seller_ledger),
        (610_000 * 10_000, 610_000 * 10_000),
        "the delivery obligation"
    );
    assert_eq!(
        (trade_count(&t, seller).await, trade_count(&t, buyer).await),
        (1, 1)
    );
    assert_eq!(events(&t, "TradeConfirmed").await.len(), 1);
    let sold = events(&t, "AvailabilitySold").await;
    assert_eq!(sold.len(), 1);
    assert_eq!(sold[0]["trade_id"], serde_json::json!(made.id));

    let desk = staff(DESK);
    let settled = trades(&t).settle(&desk, made.id).await.unwrap().value;
    assert_eq!((settled.status.as_str(), settled.version), ("SETTLED", 2));
    assert!(settled.settled_at.is_some());
    let ((on_buyer, _), (buyer_ledger, _)) = books(&t, buyer).await;
    let ((_, on_seller), (_, seller_ledger)) = books(&t, seller).await;
    assert_eq!((on_buyer, on_seller), (0, 0), "both released");
    assert_eq!((buyer_ledger, seller_ledger), (0, 0), "and the ledgers agree");
    let again = trades(&t).settle(&desk, made.id).await.unwrap_err();
    assert_eq!(again.code(), "trade_not_confirmed");
    assert_eq!(events(&t, "TradeSettled").await.len(), 1);
}

async fn only_the_seller_side_or_staff_confirm(t: TestInfra) {
    let (_, buyer, _, held) = reserved(&t, "5").await;
    let by_buyer = trades(&t)
        .confirm(&user_of(buyer, CONFIRM), held, Confirm::default())
        .await
        .unwrap_err();
    assert_eq!(by_buyer.code(), "out_of_scope");
    let stranger = user_of(Uuid::now_v7(), CONFIRM);
    let hidden = trades(&t)
        .confirm(&stranger, held, Confirm::default())
        .await
        .unwrap_err();
    assert_eq!(hidden.code(), "not_found");
    let fixed = Confirm {
        price: Some("60000".parse().unwrap()),
        ..Confirm::default()
    };
    let refused = trades(&t).confirm(&staff(DESK), held, fixed).await.unwrap_err();
    assert_eq!(crate::support::fields(&refused), ["price"], "a FIXED price stays");
    let made = trades(&t)
        .confirm(&staff(DESK), held, Confirm::default())
        .await
        .unwrap()
        .value;
    assert_eq!(made.price.to_string(), "61000");
    let twice = trades(&t)
        .confirm(&staff(DESK), held, Confirm::default())
        .await
        .unwrap_err();
    assert_eq!(twice.code(), "reservation_not_active");
    let seen = trades(&t).get(&user_of(buyer, BUY), made.id).await.unwrap();
    assert_eq!(seen.id, made.id, "the buyer reads it");
    assert_eq!(
        trades(&t).get(&stranger, made.id).await.unwrap_err().code(),
        "not_found"
    );
}

async fn two_concurrent_confirms_make_one_trade(t: TestInfra) {
    let (seller, buyer, id, held) = reserved(&t, "10").await;
    let other = t.another_instance().await;
    let (a, b) = (Arc::new(trades(&t)), Arc::new(TradeService::new(other)));
    let me = user_of(seller, CONFIRM);
    let (first, second) = tokio::join!(
        a.confirm(&me, held, Confirm::default()),
        b.confirm(&me, held, Confirm::default())
    );
    let outcomes = [first, second];
    let made = outcomes.iter().filter(|r| r.is_ok()).count();
    assert_eq!(made, 1, "one trade");
    for refused in outcomes.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            ["reservation_not_active", "concurrent_change"].contains(&refused.code()),
            "{refused:?}"
        );
    }
    let count = trade::Entity::find()
        .filter(trade::Column::ReservationId.eq(held))
        .count(t.db())
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(row(&t, id).await.sold_quantity, 10 * 10_000, "sold once");
    let ((on_buyer, _), (ledger, _)) = books(&t, buyer).await;
    assert_eq!((on_buyer, ledger), (640_500 * 10_000, 640_500 * 10_000));
}

async fn a_failure_after_the_trade_row_leaves_nothing_changed(t: TestInfra) {
    let (seller, buyer, id, held) = reserved(&t, "10").await;
    let before = (row(&t, id).await, books(&t, buyer).await, books(&t, seller).await);
    let events_before = infra::outbox::entity::Entity::find().count(t.db()).await.unwrap();
    let failing = trades(&t).failing_after_trade_row();
    let me = user_of(seller, CONFIRM);
    assert!(failing.confirm(&me, held, Confirm::default()).await.is_err());
    assert_eq!(
        (row(&t, id).await, books(&t, buyer).await, books(&t, seller).await),
        before
    );
    assert_eq!(
        trade::Entity::find().count(t.db()).await.unwrap(),
        0,
        "no trade row"
    );
    let status = reservation::Entity::find_by_id(held)
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status, "ACTIVE");
    assert_eq!(
        infra::outbox::entity::Entity::find().count(t.db()).await.unwrap(),
        events_before,
        "no event"
    );
    assert_eq!(
        (trade_count(&t, seller).await, trade_count(&t, buyer).await),
        (0, 0)
    );
    let made = trades(&t)
        .confirm(&me, held, Confirm::default())
        .await
        .unwrap()
        .value;
    assert!(
        made.number.ends_with("-000001"),
        "the number came back: {}",
        made.number
    );
}

infra::backend_tests!(
    a_confirmation_moves_stock_credit_and_counts_and_settles,
    only_the_seller_side_or_staff_confirm,
    two_concurrent_confirms_make_one_trade,
    a_failure_after_the_trade_row_leaves_nothing_changed,
);
