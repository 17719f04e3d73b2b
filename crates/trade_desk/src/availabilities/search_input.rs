//! The body of `POST /availabilities/search` and its answer.

use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::model::Availability;
use crate::search::Parts;

/// What an availability search asks; every filter but `commodity_id` optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilitySearch {
    /// The commodity (required).
    pub commodity_id: Uuid,
    /// Only this variety.
    pub variety_id: Option<Uuid>,
    /// `{code: {min, max, preferred}}` (numbers or decimal strings; each
    /// optional): ranks each availability's stated value against each range.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// Availabilities priced above this per base unit are left out (those
    /// without a price stay, price fit 0); price fit 0 here.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_price: Option<Money>,
    /// Price fit 1 at or below this.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub preferred_price: Option<Money>,
    /// The unit of the prices: any unit of the commodity's base (default its rate unit).
    pub price_unit: Option<String>,
    /// Only availabilities with at least this much still available, in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_quantity: Option<Quantity>,
    /// The unit of `min_quantity` (default the commodity's trade unit).
    pub unit: Option<String>,
    /// FIXED, MATRIX, NEGOTIABLE or SPOT.
    pub price_type: Option<String>,
    /// Only availabilities lying in this state (a state code such as `GJ`).
    pub state: Option<String>,
    /// Only availabilities lying in this region (NORTH, CENTRAL, EAST, WEST, SOUTH, NORTHEAST).
    pub region: Option<String>,
    /// Latitude of the point (with `lng` and `radius_km`).
    pub lat: Option<f64>,
    /// Longitude of the point.
    pub lng: Option<f64>,
    /// Only availabilities lying within this many km of the point (above 0, at most 2000).
    pub radius_km: Option<f64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

/// One availability found, with its score.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailabilityHit {
    /// The availability.
    pub availability: Availability,
    /// `0.5 quality + 0.3 price + 0.2 proximity`, 0..1, 4 places.
    pub score: f64,
    /// The parts of the score, 0..1 each.
    pub parts: Parts,
    /// The distance from the point to the availability, km (with a point).
    pub distance_km: Option<f64>,
}

/// A page of availabilities found, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvailabilityHits {
    /// Best first; equal scores newest first.
    pub items: Vec<AvailabilityHit>,
    /// Send as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
