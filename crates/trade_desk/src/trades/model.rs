//! A trade as callers see it, and what they send.

use chrono::{DateTime, Utc};
use infra::{Money, Quantity};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commission::CommissionLine;
use super::entity::trade;
use super::pricing::money;

/// The GST of a trade: CGST + SGST within one state, IGST across states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeGst {
    /// Rate in percent (`5` for 5 %).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "5"))]
    pub rate: Decimal,
    /// INTRA_STATE (CGST + SGST) or INTER_STATE (IGST).
    pub supply: String,
    /// Central GST, 2 places.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "29750.00"))]
    pub cgst: Decimal,
    /// State GST, 2 places.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "29750.00"))]
    pub sgst: Decimal,
    /// Integrated GST, 2 places.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub igst: Decimal,
}

/// The commission of a trade: its lines (who pays what) and their sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeCommission {
    /// The sum of the lines, 2 places.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "5950.00"))]
    pub total: Decimal,
    /// One line per commission structure and paying party.
    pub lines: Vec<CommissionLine>,
}

/// A trade: a confirmed reservation, CONFIRMED, then SETTLED or CANCELLED.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trade {
    /// Id.
    pub id: Uuid,
    /// `TRD-2026-000001`, gap-free per business year.
    pub number: String,
    /// CONFIRMED, SETTLED or CANCELLED.
    pub status: String,
    /// The reservation confirmed.
    pub reservation_id: Uuid,
    /// The availability sold from.
    pub availability_id: Uuid,
    /// The requirement it fulfils, if one.
    pub requirement_id: Option<Uuid>,
    /// The seller.
    pub seller_partner_id: Uuid,
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// The availability's variety.
    pub variety_id: Option<Uuid>,
    /// Quantity traded, in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100"))]
    pub quantity: Quantity,
    /// The availability's unit.
    pub unit: String,
    /// Agreed price per one `price_unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "7000"))]
    pub price: Money,
    /// The unit the price is per.
    pub price_unit: String,
    /// Quantity × price by the unit conversion, 2 places: the taxable value.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1190000.00"))]
    pub amount: Decimal,
    /// GST lines.
    pub gst: TradeGst,
    /// Commission lines (not part of the total).
    pub commission: TradeCommission,
    /// Amount + GST: what the buyer owes the seller, 2 places.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1249500.00"))]
    pub total: Decimal,
    /// Payment term.
    pub payment_term_id: Option<Uuid>,
    /// Delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// When it was confirmed.
    pub confirmed_at: DateTime<Utc>,
    /// When it was settled.
    pub settled_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Version (the ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// `scaled` (10^4) money shown to 2 places.
pub(crate) fn shown(scaled: i64) -> Decimal {
    money(infra::money::from_scaled(scaled))
}

impl Trade {
    /// The view of `row`.
    pub fn of(row: trade::Model) -> Self {
        let lines: Vec<CommissionLine> = serde_json::from_value(row.commissions).unwrap_or_default();
        Self {
            id: row.id,
            number: row.number,
            status: row.status,
            reservation_id: row.reservation_id,
            availability_id: row.availability_id,
            requirement_id: row.requirement_id,
            seller_partner_id: row.seller_partner_id,
            buyer_partner_id: row.buyer_partner_id,
            commodity_id: row.commodity_id,
            variety_id: row.variety_id,
            quantity: Quantity::from_scaled(row.quantity),
            unit: row.unit,
            price: Money::from_scaled(row.price),
            price_unit: row.price_unit,
            amount: shown(row.amount),
            gst: TradeGst {
                rate: infra::money::from_scaled(row.gst_rate),
                supply: row.supply,
                cgst: shown(row.cgst),
                sgst: shown(row.sgst),
                igst: shown(row.igst),
            },
            commission: TradeCommission {
                total: shown(row.commission),
                lines,
            },
            total: shown(row.total),
            payment_term_id: row.payment_term_id,
            delivery_term_id: row.delivery_term_id,
            confirmed_at: row.confirmed_at,
            settled_at: row.settled_at,
            cancelled_at: row.cancelled_at,
            cancel_reason: row.cancel_reason,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A confirmation of a reservation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// The agreed price per the availability's price unit (default: the
    /// availability's price; required when it has none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub price: Option<Money>,
    /// An active PAYMENT trade term (default: the availability's, else the requirement's).
    pub payment_term_id: Option<Uuid>,
    /// An active DELIVERY trade term (default: the availability's, else the requirement's).
    pub delivery_term_id: Option<Uuid>,
}

/// A cancellation of a trade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelTrade {
    /// Why, 3 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
}

/// The filters of a list of trades.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TradeFilter {
    /// `buyer`, `seller` or none (both sides of the caller's partner).
    pub side: Option<String>,
    /// Staff: one partner's trades (either side).
    pub partner_id: Option<Uuid>,
    /// One commodity.
    pub commodity_id: Option<Uuid>,
    /// CONFIRMED, SETTLED or CANCELLED.
    pub status: Option<String>,
    /// Confirmed on or after this date (business time).
    pub from: Option<chrono::NaiveDate>,
    /// Confirmed on or before this date (business time).
    pub to: Option<chrono::NaiveDate>,
}
