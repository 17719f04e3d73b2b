//! What callers send to create, change, decide and cancel an availability.

use chrono::{DateTime, NaiveDate, Utc};
use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// An ad hoc place: where the goods lie when it is neither a settings
/// location nor one of the seller's places.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdHocAddress {
    /// The address, 3 to 300 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 300))]
    pub text: String,
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Two-letter state code, such as GJ.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{2}$"))]
    pub state_code: String,
}

/// One step of a MATRIX price: while the quality parameter `code` lies
/// within `from..=to`, the base price moves by `adjustment` per base unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceStep {
    /// A NUMERIC or RANGE parameter code of the commodity.
    pub code: String,
    /// Lowest value of the step.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub from: Money,
    /// Highest value of the step, at least `from`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Money,
    /// Price change per base unit (negative for a discount).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub adjustment: Money,
}

/// A new availability (ACTIVE at once when auto-approved, else DRAFT pending approval).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAvailability {
    /// The seller: required for staff; a partner's user sells for its own partner (403 `out_of_scope` otherwise).
    pub seller_partner_id: Option<Uuid>,
    /// An active commodity.
    pub commodity_id: Uuid,
    /// A variety of the commodity.
    pub variety_id: Option<Uuid>,
    /// A settings location (one of `location_id`, `partner_location_id`, `address`).
    pub location_id: Option<Uuid>,
    /// An active place of the seller.
    pub partner_location_id: Option<Uuid>,
    /// An ad hoc place.
    pub address: Option<AdHocAddress>,
    /// The total quantity, above 0.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub quantity: Quantity,
    /// The unit of the quantities: a unit of the commodity's base (default its trade unit).
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub unit: Option<String>,
    /// Least quantity one order takes, above 0 and at most the quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_order_quantity: Option<Quantity>,
    /// Whether part of it may be bought (default true).
    pub allow_partial: Option<bool>,
    /// FIXED (default), MATRIX, NEGOTIABLE or SPOT.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(FIXED|MATRIX|NEGOTIABLE|SPOT)$"))]
    pub price_type: Option<String>,
    /// Price (a MATRIX's base price) per `price_unit`, not negative; required for FIXED and MATRIX.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub price: Option<Money>,
    /// The unit the price is per (default the commodity's rate unit).
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub price_unit: Option<String>,
    /// A MATRIX's steps, 1 to 20 (only for MATRIX).
    pub price_matrix: Option<Vec<PriceStep>>,
    /// `{code: value}` by the commodity's parameter codes (numbers as JSON numbers or decimal strings).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// A delivery term master.
    pub delivery_term_id: Option<Uuid>,
    /// A payment term master.
    pub payment_term_id: Option<Uuid>,
    /// First delivery date, `YYYY-MM-DD`.
    pub delivery_from: Option<NaiveDate>,
    /// Last delivery date, not before the first.
    pub delivery_to: Option<NaiveDate>,
    /// PUBLIC (default), PRIVATE, RESTRICTED or INTERNAL.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(PUBLIC|PRIVATE|RESTRICTED|INTERNAL)$")
    )]
    pub visibility: Option<String>,
    /// The buyers a RESTRICTED availability is shown to (required there, 1 to 50; not otherwise).
    pub allowed_buyer_ids: Option<Vec<Uuid>>,
    /// RFC 3339, in the future, at most 180 days ahead; default 30 days from now.
    pub expires_at: Option<DateTime<Utc>>,
    /// A document of the seller holding the test report.
    pub test_report_document_id: Option<Uuid>,
}

/// Changes to an ACTIVE availability (If-Match): price, delivery,
/// visibility and expiry; the quantity only while nothing is reserved or sold.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityChanges {
    /// New price.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub price: Option<Money>,
    /// New price unit.
    pub price_unit: Option<String>,
    /// New first delivery date.
    pub delivery_from: Option<NaiveDate>,
    /// New last delivery date.
    pub delivery_to: Option<NaiveDate>,
    /// New delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// New visibility.
    pub visibility: Option<String>,
    /// New listed buyers (RESTRICTED).
    pub allowed_buyer_ids: Option<Vec<Uuid>>,
    /// New expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// New total quantity (only while nothing is reserved or sold).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub quantity: Option<Quantity>,
    /// New minimum order.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_order_quantity: Option<Quantity>,
    /// The version the change is based on (or If-Match).
    pub version: Option<i64>,
}

/// Why an availability is cancelled or rejected.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// 3 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
}

impl Reason {
    /// The trimmed reason (422 naming `reason` unless 3 to 500 characters).
    pub fn checked(&self) -> Result<String, infra::ServiceError> {
        let reason = self.reason.trim().to_owned();
        if (3..=500).contains(&reason.chars().count()) {
            Ok(reason)
        } else {
            Err(infra::ServiceError::field(
                "reason",
                "is required: 3 to 500 characters",
            ))
        }
    }
}
