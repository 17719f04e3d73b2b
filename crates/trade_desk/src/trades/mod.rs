//! Trades: a confirmed reservation, numbered `TRD-{year}-{6 digits}`
//! gap-free per business year, CONFIRMED, then SETTLED or CANCELLED.
//!
//! Confirming ([`TradeService::confirm`]) does everything in one
//! transaction: the reservation becomes CONFIRMED (a conditional change, so
//! of two racing confirms one makes the trade and the other is 409
//! `reservation_not_active`), its quantity moves from reserved to sold
//! ([`stock`]), the buyer's exposure moves from the reservation's value to
//! the trade's total and the seller's delivery obligation (the amount) is
//! entered on its side (`risk::exposure::apply`), both partners' trade
//! counts grow, and the requirement it serves records the purchase
//! (`requirements::fulfilment`). Settling releases both exposures;
//! cancelling (staff, before settlement) reverses quantity, exposures and
//! fulfilment. Events TradeConfirmed, TradeSettled and TradeCancelled on
//! `trade-events` (aggregate `trade`, for both parties and staff).
//!
//! The pure parts: [`pricing`] computes a trade's money
//! ([`pricing::TradeMoney`]: amount by the unit conversion, GST split by the
//! parties' states, total), [`commission`] its commission lines, [`words`]
//! writes amounts in Indian words and figures, and [`contract`] renders the
//! trade note as a PDF with [`pdf`]'s page writer ([`note`] gathers it).

pub mod commission;
pub mod confirm;
pub mod contract;
pub mod entity;
pub mod model;
pub mod note;
pub mod pdf;
pub mod pricing;
pub mod reads;
pub mod settle;
pub mod stock;
pub mod words;

use infra::change::{Change, record_unchanged};
use infra::outbox::NewEvent;
use infra::write::WriteTx;
use infra::{Infra, ServiceError};
use serde_json::{Value, json};

pub use model::{CancelTrade, Confirm, Trade, TradeFilter};

use self::entity::trade;
use crate::TRADE_TOPIC;

/// Trades over any [`Infra`], business time in Asia/Kolkata.
#[derive(Clone)]
pub struct TradeService<I: Infra> {
    pub(crate) infra: I,
    pub(crate) time_zone: chrono_tz::Tz,
    pub(crate) fail_after_trade_row: bool,
}

impl<I: Infra> TradeService<I> {
    /// A service over `infra`, business time in Asia/Kolkata.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            time_zone: chrono_tz::Asia::Kolkata,
            fail_after_trade_row: false,
        }
    }

    /// The same service with business time (the number's year, the list's
    /// dates) in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// The same service failing every confirmation right after it wrote the
    /// trade row: the proof that a confirmation is one transaction (nothing
    /// it changed stays). For tests only.
    pub fn failing_after_trade_row(mut self) -> Self {
        self.fail_after_trade_row = true;
        self
    }
}

/// Records `event` about trade `row` (saved already): the outbox event on
/// `trade-events` at the trade's version, for the buyer and the seller
/// (staff pass the area's scope), with `extra` in the payload, and its
/// audit row `action`.
pub(crate) async fn record(
    tx: &WriteTx,
    event: &str,
    action: &str,
    row: &trade::Model,
    extra: Value,
) -> Result<(), ServiceError> {
    let mut payload = json!({
        "id": row.id, "number": row.number, "status": row.status,
        "buyer_partner_id": row.buyer_partner_id, "seller_partner_id": row.seller_partner_id,
        "commodity_id": row.commodity_id, "trade": Trade::of(row.clone()),
    });
    if let (Some(map), Value::Object(extra)) = (payload.as_object_mut(), extra) {
        map.extend(extra);
    }
    let new = NewEvent::new(TRADE_TOPIC, event, "trade", row.id, row.version, &payload)?
        .for_partners([row.buyer_partner_id, row.seller_partner_id]);
    tx.emit(new).await?;
    let change = Change::new(TRADE_TOPIC, event, action, "trade", row.id, row.version);
    record_unchanged(tx, change, payload).await
}
