//! The body of `POST /requirements/search` and its answer.

use serde::Serialize;

use super::model::Requirement;
use crate::search::Parts;

/// What a requirement search asks: the one body of the listing searches.
pub type RequirementSearch = crate::search::body::ListingSearch;

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
