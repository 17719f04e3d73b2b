//! What the API answers about a location.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::location;

/// A location as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// External place id.
    pub place_id: String,
    /// Address.
    pub address: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// PIN code.
    pub pincode: Option<String>,
    /// City.
    pub city: Option<String>,
    /// District.
    pub district: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Two-letter state code.
    pub state_code: Option<String>,
    /// Country.
    pub country: String,
    /// WEST, SOUTH, NORTH, CENTRAL, EAST, NORTHEAST or UNKNOWN.
    pub region: String,
    /// Whether it is in use.
    pub is_active: bool,
    /// Send back as `If-Match` when updating.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<location::Model> for Location {
    fn from(m: location::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            place_id: m.place_id,
            address: m.address,
            latitude: m.latitude,
            longitude: m.longitude,
            pincode: m.pincode,
            city: m.city,
            district: m.district,
            state: m.state,
            state_code: m.state_code,
            country: m.country,
            region: m.region,
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A location and whether this call created it (`false`: the place existed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upserted {
    /// The location.
    pub location: Location,
    /// Whether it is new.
    pub created: bool,
}
