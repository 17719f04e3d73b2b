//! A requirement as callers see it, and the negotiation defaults its
//! urgency sets (DOMAIN.md, "Trade desk").

use chrono::{DateTime, NaiveDate, Utc};
use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::entity::requirement;
use super::precheck::Precheck;

/// The negotiation defaults stored on a requirement by its urgency: rounds
/// 3 / 5 / 7, price tolerance 5 / 3 / 2 %, quantity tolerance 15 / 10 / 5 %,
/// auto-accept score 0.85 / 0.90 / 0.95, escalation below 0.60 / 0.65 / 0.70
/// (URGENT / NORMAL / PLANNING).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Negotiation {
    /// Rounds of offers.
    pub rounds: u32,
    /// Price tolerance, percent.
    pub price_tolerance_percent: u32,
    /// Quantity tolerance, percent.
    pub quantity_tolerance_percent: u32,
    /// A match at or above this score is accepted at once (decimal string).
    pub auto_accept_score: String,
    /// Below this score a negotiation goes to staff (decimal string).
    pub escalate_below: String,
}

impl Negotiation {
    /// The defaults of `urgency` (URGENT, NORMAL or PLANNING).
    pub fn of(urgency: &str) -> Self {
        let (rounds, price, quantity, accept, escalate) = match urgency {
            "URGENT" => (3, 5, 15, "0.85", "0.60"),
            "PLANNING" => (7, 2, 5, "0.95", "0.70"),
            _ => (5, 3, 10, "0.90", "0.65"),
        };
        Self {
            rounds,
            price_tolerance_percent: price,
            quantity_tolerance_percent: quantity,
            auto_accept_score: accept.into(),
            escalate_below: escalate.into(),
        }
    }
}

/// A buyer requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requirement {
    /// Id.
    pub id: Uuid,
    /// `REQ-2026-000001`: gap-free per calendar year of business time.
    pub number: String,
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// The variety.
    pub variety_id: Option<Uuid>,
    /// The unit of the quantities (a unit of the commodity's base).
    pub unit: String,
    /// Least quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub min_quantity: Quantity,
    /// Preferred quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub preferred_quantity: Quantity,
    /// Most quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub max_quantity: Quantity,
    /// Least quantity in the commodity's base unit (half-up to 4 places).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub base_min_quantity: Quantity,
    /// Most quantity in the base unit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub base_max_quantity: Quantity,
    /// `{code: {min, max, preferred}}`, numbers as decimal strings.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub quality: Value,
    /// The unit the prices are per.
    pub price_unit: Option<String>,
    /// Highest price per `price_unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_price: Option<Money>,
    /// Preferred price per `price_unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub preferred_price: Option<Money>,
    /// Total budget, INR.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub total_budget: Option<Money>,
    /// Settings locations to deliver to.
    pub delivery_location_ids: Vec<Uuid>,
    /// Sellers of other states than the delivery locations' too.
    pub allow_cross_state: bool,
    /// First delivery date.
    pub delivery_from: Option<NaiveDate>,
    /// Last delivery date.
    pub delivery_to: Option<NaiveDate>,
    /// Payment term.
    pub payment_term_id: Option<Uuid>,
    /// Delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// PUBLIC, PRIVATE or RESTRICTED.
    pub visibility: String,
    /// The sellers a RESTRICTED requirement is shown to.
    pub invited_seller_ids: Vec<Uuid>,
    /// URGENT, NORMAL or PLANNING.
    pub urgency: String,
    /// DIRECT_BUY, NEGOTIATION, AUCTION_REQUEST or PRICE_DISCOVERY_ONLY.
    pub intent: String,
    /// The negotiation defaults of its urgency.
    pub negotiation: Negotiation,
    /// Valid from.
    pub valid_from: DateTime<Utc>,
    /// Valid until.
    pub valid_until: DateTime<Utc>,
    /// DRAFT, ACTIVE, PARTIALLY_FULFILLED, FULFILLED, EXPIRED or CANCELLED.
    pub status: String,
    /// Bought so far, in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub purchased_quantity: Quantity,
    /// Spent so far, INR.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub spent_amount: Money,
    /// The buyer precheck, made at create and again when the quantities,
    /// prices or budget change (stored, not enforced).
    pub precheck: Option<Precheck>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Version (ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Requirement {
    /// The view of `row` with its delivery locations and invited sellers.
    pub fn of(row: requirement::Model, locations: Vec<Uuid>, sellers: Vec<Uuid>) -> Self {
        let negotiation =
            serde_json::from_value(row.negotiation.clone()).unwrap_or_else(|_| Negotiation::of(&row.urgency));
        let precheck = Precheck::of(&row);
        Self {
            id: row.id,
            number: row.number,
            buyer_partner_id: row.buyer_partner_id,
            commodity_id: row.commodity_id,
            variety_id: row.variety_id,
            unit: row.unit,
            min_quantity: Quantity::from_scaled(row.min_quantity),
            preferred_quantity: Quantity::from_scaled(row.preferred_quantity),
            max_quantity: Quantity::from_scaled(row.max_quantity),
            base_min_quantity: Quantity::from_scaled(row.base_min_quantity),
            base_max_quantity: Quantity::from_scaled(row.base_max_quantity),
            quality: row.quality,
            price_unit: row.price_unit,
            max_price: row.max_price.map(Money::from_scaled),
            preferred_price: row.preferred_price.map(Money::from_scaled),
            total_budget: row.total_budget.map(Money::from_scaled),
            delivery_location_ids: locations,
            allow_cross_state: row.allow_cross_state,
            delivery_from: row.delivery_from,
            delivery_to: row.delivery_to,
            payment_term_id: row.payment_term_id,
            delivery_term_id: row.delivery_term_id,
            visibility: row.visibility,
            invited_seller_ids: sellers,
            urgency: row.urgency,
            intent: row.intent,
            negotiation,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            status: row.status,
            purchased_quantity: Quantity::from_scaled(row.purchased_quantity),
            spent_amount: Money::from_scaled(row.spent_amount),
            precheck,
            cancel_reason: row.cancel_reason,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
