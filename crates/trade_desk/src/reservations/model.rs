//! A reservation as callers see it, and what they send.

use chrono::{DateTime, Utc};
use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::reservation;

/// A reservation: quantity of an availability held for a buyer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reservation {
    /// Id.
    pub id: Uuid,
    /// The availability held from.
    pub availability_id: Uuid,
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The availability's seller.
    pub seller_partner_id: Uuid,
    /// The quantity asked, in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub quantity: Quantity,
    /// The unit asked in.
    pub unit: String,
    /// The same quantity in the availability's unit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub held_quantity: Quantity,
    /// The availability's unit.
    pub held_unit: String,
    /// What is still held (in the availability's unit): `held_quantity` less what was released.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub active_quantity: Quantity,
    /// Released back to the availability so far.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub released_quantity: Quantity,
    /// INR reserved as the buyer's exposure (0 for an availability without a price).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub value: Money,
    /// Of `value`, what went back to the buyer's credit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub released_value: Money,
    /// The requirement it serves.
    pub requirement_id: Option<Uuid>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// ACTIVE, RELEASED, EXPIRED or CONFIRMED.
    pub status: String,
    /// The availability's version after this reservation's last change (its ETag).
    pub availability_version: i64,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Reservation {
    /// The view of `row`, the availability at `availability_version`.
    pub fn of(row: reservation::Model, availability_version: i64) -> Self {
        Self {
            id: row.id,
            availability_id: row.availability_id,
            buyer_partner_id: row.buyer_partner_id,
            seller_partner_id: row.seller_partner_id,
            quantity: Quantity::from_scaled(row.quantity),
            unit: row.unit,
            held_quantity: Quantity::from_scaled(row.held_quantity),
            held_unit: row.held_unit,
            active_quantity: Quantity::from_scaled(row.held_quantity - row.released_quantity),
            released_quantity: Quantity::from_scaled(row.released_quantity),
            value: Money::from_scaled(row.value),
            released_value: Money::from_scaled(row.released_value),
            requirement_id: row.requirement_id,
            expires_at: row.expires_at,
            status: row.status,
            availability_version,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A reservation asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReservation {
    /// The buyer (staff only; a partner's user reserves for its own partner).
    pub buyer_partner_id: Option<Uuid>,
    /// How much, in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub quantity: Quantity,
    /// Any unit of the commodity's base (default: the availability's unit);
    /// the quantity must convert exactly, to 4 places, into the availability's unit.
    pub unit: Option<String>,
    /// How long it holds, 1 to 168 hours (default 24).
    pub hours: Option<i64>,
    /// The buyer's requirement it serves.
    pub requirement_id: Option<Uuid>,
}

/// A release: all that is held, or part of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// How much to give back, in the availability's unit (default: all still held).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub quantity: Option<Quantity>,
}
