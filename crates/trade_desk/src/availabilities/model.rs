//! An availability as callers see it.

use chrono::{DateTime, NaiveDate, Utc};
use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::entity::availability;
use super::input::{AdHocAddress, PriceStep};

/// The seller precheck stored on an availability at its creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredPrecheck {
    /// 0..=100, higher is safer.
    pub score: i32,
    /// PASS, WARN or FAIL.
    pub status: String,
    /// Every finding (`factor`, `points`, `reason`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub factors: Value,
}

/// A seller availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    /// Id.
    pub id: Uuid,
    /// The seller.
    pub seller_partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// The variety.
    pub variety_id: Option<Uuid>,
    /// The settings location the goods lie at.
    pub location_id: Option<Uuid>,
    /// The seller's place the goods lie at.
    pub partner_location_id: Option<Uuid>,
    /// The ad hoc place the goods lie at.
    pub address: Option<AdHocAddress>,
    /// State code of the place.
    pub state_code: Option<String>,
    /// Degrees.
    pub latitude: Option<f64>,
    /// Degrees.
    pub longitude: Option<f64>,
    /// The total quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub quantity: Quantity,
    /// What is left to reserve.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub available_quantity: Quantity,
    /// Held by reservations.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reserved_quantity: Quantity,
    /// Sold.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sold_quantity: Quantity,
    /// The unit of the quantities (a unit of the commodity's base).
    pub unit: String,
    /// The total in the commodity's base unit (half-up to 4 places).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub base_quantity: Quantity,
    /// Least quantity one order takes.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_order_quantity: Option<Quantity>,
    /// Whether part of it may be bought.
    pub allow_partial: bool,
    /// FIXED, MATRIX, NEGOTIABLE or SPOT.
    pub price_type: String,
    /// Price (a MATRIX's base price) per `price_unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub price: Option<Money>,
    /// The unit the price is per.
    pub price_unit: Option<String>,
    /// A MATRIX's steps.
    pub price_matrix: Option<Vec<PriceStep>>,
    /// `{code: value}`, numbers as decimal strings.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub quality: Value,
    /// Delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// Payment term.
    pub payment_term_id: Option<Uuid>,
    /// First delivery date.
    pub delivery_from: Option<NaiveDate>,
    /// Last delivery date.
    pub delivery_to: Option<NaiveDate>,
    /// PUBLIC, PRIVATE, RESTRICTED or INTERNAL.
    pub visibility: String,
    /// The buyers a RESTRICTED availability is shown to.
    pub allowed_buyer_ids: Vec<Uuid>,
    /// The test report document.
    pub test_report_document_id: Option<Uuid>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// DRAFT, ACTIVE, RESERVED, SOLD, EXPIRED or CANCELLED.
    pub status: String,
    /// PENDING, APPROVED, REJECTED or AUTO_APPROVED.
    pub approval_status: String,
    /// The seller precheck made at creation.
    pub precheck: Option<StoredPrecheck>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The business date it was created on.
    pub business_date: NaiveDate,
    /// Version (ETag).
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Availability {
    /// The view of `row` with its listed buyers.
    pub fn of(row: availability::Model, buyers: Vec<Uuid>) -> Self {
        let precheck = match (row.precheck_score, row.precheck_status) {
            (Some(score), Some(status)) => Some(StoredPrecheck {
                score,
                status,
                factors: row.precheck_factors.unwrap_or(Value::Array(Vec::new())),
            }),
            _ => None,
        };
        Self {
            id: row.id,
            seller_partner_id: row.seller_partner_id,
            commodity_id: row.commodity_id,
            variety_id: row.variety_id,
            location_id: row.location_id,
            partner_location_id: row.partner_location_id,
            address: row.address.and_then(|a| serde_json::from_value(a).ok()),
            state_code: row.state_code,
            latitude: row.latitude,
            longitude: row.longitude,
            quantity: Quantity::from_scaled(row.total_quantity),
            available_quantity: Quantity::from_scaled(row.available_quantity),
            reserved_quantity: Quantity::from_scaled(row.reserved_quantity),
            sold_quantity: Quantity::from_scaled(row.sold_quantity),
            unit: row.unit,
            base_quantity: Quantity::from_scaled(row.base_quantity),
            min_order_quantity: row.min_order_quantity.map(Quantity::from_scaled),
            allow_partial: row.allow_partial,
            price_type: row.price_type,
            price: row.price.map(Money::from_scaled),
            price_unit: row.price_unit,
            price_matrix: row.price_matrix.and_then(|m| serde_json::from_value(m).ok()),
            quality: row.quality,
            delivery_term_id: row.delivery_term_id,
            payment_term_id: row.payment_term_id,
            delivery_from: row.delivery_from,
            delivery_to: row.delivery_to,
            visibility: row.visibility,
            allowed_buyer_ids: buyers,
            test_report_document_id: row.test_report_document_id,
            expires_at: row.expires_at,
            status: row.status,
            approval_status: row.approval_status,
            precheck,
            rejection_reason: row.rejection_reason,
            cancel_reason: row.cancel_reason,
            business_date: row.business_date,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
