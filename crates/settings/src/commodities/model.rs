//! What the API answers about a commodity.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::commodity;

/// A commodity as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commodity {
    /// Id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Category code, such as COTTON.
    pub category: String,
    /// HSN code.
    pub hsn_code: String,
    /// GST rate, percent.
    #[serde(with = "rust_decimal::serde::str")]
    pub gst_rate: Decimal,
    /// Base unit: KG, METER, LITER, PIECE or SQ_METER.
    pub base_unit: String,
    /// Unit quantities are traded in.
    pub trade_unit: String,
    /// Unit rates are quoted per.
    pub rate_unit: String,
    /// Whether it is in use.
    pub is_active: bool,
    /// Send back as `If-Match` when updating.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<commodity::Model> for Commodity {
    fn from(m: commodity::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            category: m.category,
            hsn_code: m.hsn_code,
            gst_rate: infra::money::from_scaled(m.gst_rate),
            base_unit: m.base_unit,
            trade_unit: m.trade_unit,
            rate_unit: m.rate_unit,
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}
