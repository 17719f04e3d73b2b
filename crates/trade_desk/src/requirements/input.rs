//! What callers send to create, change and cancel a requirement.

use chrono::{DateTime, NaiveDate, Utc};
use infra::{Money, Quantity};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// A new requirement (created as DRAFT; `POST /{id}/publish` makes it ACTIVE).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRequirement {
    /// The buyer: required for staff; a partner's user buys for its own partner (403 `out_of_scope` otherwise).
    pub buyer_partner_id: Option<Uuid>,
    /// An active commodity.
    pub commodity_id: Uuid,
    /// A variety of the commodity.
    pub variety_id: Option<Uuid>,
    /// The unit of the quantities: a unit of the commodity's base (default its trade unit).
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub unit: Option<String>,
    /// Least quantity, above 0.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_quantity: Quantity,
    /// Preferred quantity, between min and max (default the max).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub preferred_quantity: Option<Quantity>,
    /// Most quantity, at least the min.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_quantity: Quantity,
    /// `{code: {min, max, preferred}}` by the commodity's parameter codes (TEXT: `{preferred}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// Highest price per `price_unit`, not negative.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_price: Option<Money>,
    /// Preferred price per `price_unit`, at most the max.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub preferred_price: Option<Money>,
    /// The unit prices are per (default the commodity's rate unit).
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub price_unit: Option<String>,
    /// Total budget, INR, not negative.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub total_budget: Option<Money>,
    /// 1 to 20 active settings locations to deliver to.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub delivery_location_ids: Vec<Uuid>,
    /// Sellers of other states too (default false).
    pub allow_cross_state: Option<bool>,
    /// First delivery date, `YYYY-MM-DD`.
    pub delivery_from: Option<NaiveDate>,
    /// Last delivery date, not before the first.
    pub delivery_to: Option<NaiveDate>,
    /// A payment term master.
    pub payment_term_id: Option<Uuid>,
    /// A delivery term master.
    pub delivery_term_id: Option<Uuid>,
    /// PUBLIC (default), PRIVATE or RESTRICTED.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(PUBLIC|PRIVATE|RESTRICTED)$"))]
    pub visibility: Option<String>,
    /// The sellers a RESTRICTED requirement is shown to (required there, 1 to 50; not otherwise).
    pub invited_seller_ids: Option<Vec<Uuid>>,
    /// URGENT, NORMAL (default) or PLANNING.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(URGENT|NORMAL|PLANNING)$"))]
    pub urgency: Option<String>,
    /// DIRECT_BUY (default), NEGOTIATION, AUCTION_REQUEST or PRICE_DISCOVERY_ONLY.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(DIRECT_BUY|NEGOTIATION|AUCTION_REQUEST|PRICE_DISCOVERY_ONLY)$")
    )]
    pub intent: Option<String>,
    /// RFC 3339; default now.
    pub valid_from: Option<DateTime<Utc>>,
    /// RFC 3339, after `valid_from` and in the future, at most 365 days ahead; default 30 days after `valid_from`.
    pub valid_until: Option<DateTime<Utc>>,
}

/// Changes to a DRAFT or ACTIVE requirement (If-Match); the whole is checked again.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequirementChanges {
    /// New least quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_quantity: Option<Quantity>,
    /// New preferred quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub preferred_quantity: Option<Quantity>,
    /// New most quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_quantity: Option<Quantity>,
    /// New asked quality (replaces the whole).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// New highest price.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_price: Option<Money>,
    /// New preferred price.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub preferred_price: Option<Money>,
    /// New total budget.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub total_budget: Option<Money>,
    /// New delivery locations.
    pub delivery_location_ids: Option<Vec<Uuid>>,
    /// Sellers of other states too.
    pub allow_cross_state: Option<bool>,
    /// New first delivery date.
    pub delivery_from: Option<NaiveDate>,
    /// New last delivery date.
    pub delivery_to: Option<NaiveDate>,
    /// New visibility.
    pub visibility: Option<String>,
    /// New invited sellers.
    pub invited_seller_ids: Option<Vec<Uuid>>,
    /// New end of validity.
    pub valid_until: Option<DateTime<Utc>>,
    /// The version the change is based on (or If-Match).
    pub version: Option<i64>,
}

/// Why a requirement is cancelled.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequirement {
    /// 3 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
}
