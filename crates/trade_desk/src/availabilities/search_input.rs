//! The body of `POST /availabilities/search` and its answer.

use serde::Serialize;

use super::model::Availability;
use crate::search::Parts;

/// What an availability search asks: the one body of the listing searches.
pub type AvailabilitySearch = crate::search::body::ListingSearch;

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
