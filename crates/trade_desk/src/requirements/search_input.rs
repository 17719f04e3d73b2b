//! The body of `POST /requirements/search` and its answer.

use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::model::Requirement;
use crate::search::Parts;

/// What a requirement search asks; every filter but `commodity_id` optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequirementSearch {
    /// The commodity (required).
    pub commodity_id: Uuid,
    /// Only this variety.
    pub variety_id: Option<Uuid>,
    /// `{code: {min, max, preferred}}` (numbers or decimal strings; each
    /// optional): ranks by the requirement's preferred value (else the middle
    /// of its range, else its one bound) against each range.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// Requirements whose highest price per base unit is above this are left out; price fit 0 here.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_price: Option<Money>,
    /// Price fit 1 at or below this.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub preferred_price: Option<Money>,
    /// The unit of the prices: any unit of the commodity's base (default its rate unit).
    pub price_unit: Option<String>,
    /// Only requirements wanting at least this much (their `max_quantity`), in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_quantity: Option<Quantity>,
    /// The unit of `min_quantity` (default the commodity's trade unit).
    pub unit: Option<String>,
    /// URGENT, NORMAL or PLANNING.
    pub urgency: Option<String>,
    /// Only requirements delivering to a location in this state (a state code such as `GJ`).
    pub state: Option<String>,
    /// Only requirements delivering to a location in this region (NORTH, CENTRAL, EAST, WEST, SOUTH, NORTHEAST).
    pub region: Option<String>,
    /// Latitude of the point (with `lng` and `radius_km`).
    pub lat: Option<f64>,
    /// Longitude of the point.
    pub lng: Option<f64>,
    /// Only requirements delivering within this many km of the point (above 0, at most 2000).
    pub radius_km: Option<f64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

/// One requirement found, with its score.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementHit {
    /// The requirement.
    pub requirement: Requirement,
    /// `0.5 quality + 0.3 price + 0.2 proximity`, 0..1, 4 places.
    pub score: f64,
    /// The parts of the score, 0..1 each.
    pub parts: Parts,
    /// The distance from the point to its nearest delivery location, km (with a point).
    pub distance_km: Option<f64>,
}

/// A page of requirements found, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementHits {
    /// Best first; equal scores newest first.
    pub items: Vec<RequirementHit>,
    /// Send as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
