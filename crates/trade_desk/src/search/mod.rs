//! The search kit shared by the requirement search and the availability
//! search: the SQL cut is the caller's (it knows its table), the kit ranks
//! what the cut lets through, pages it with a stable cursor and leaves out
//! the candidates of partners linked to the caller.
//!
//! How a search uses it:
//!
//! 1. Cut the candidates down in SQL by the indexed filters (commodity,
//!    status, expiry, visibility, price ceiling per base unit, state or
//!    region, the [`geo::BoundingBox`] of `lat`/`lng`/`radius_km`), newest
//!    first, at most [`WINDOW`] rows: never the whole table. The ranking is
//!    exact over that window; a cut that matches more ranks its newest
//!    [`WINDOW`] (narrow the filters to reach older ones).
//! 2. Wrap each row in a type that implements [`Candidate`] (its id,
//!    creation time, owner, quality values, price per base unit, places).
//! 3. [`exclude_linked`]: one batched `partners::links` query for every
//!    owner against the caller's partner.
//! 4. [`rank`] with the [`Criteria`] of the body: exact haversine distance
//!    (outside the radius dropped), the [`fit`] parts, `score = 0.5 quality
//!    + 0.3 price + 0.2 proximity` (4 places), ties by newest, the page
//!    after the [`cursor::Cursor`] sent.
//!
//! ```
//! use trade_desk::search::{Candidate, Criteria, geo::Point, rank};
//! # use chrono::{DateTime, Utc};
//! # use rust_decimal::Decimal;
//! # use uuid::Uuid;
//! struct Offer { id: Uuid, at: DateTime<Utc>, price: Decimal, places: Vec<Point> }
//! impl Candidate for Offer {
//!     fn id(&self) -> Uuid { self.id }
//!     fn created_at(&self) -> DateTime<Utc> { self.at }
//!     fn owner(&self) -> Uuid { self.id }
//!     fn quality_value(&self, _code: &str) -> Option<Decimal> { None }
//!     fn base_price(&self) -> Option<Decimal> { Some(self.price) }
//!     fn places(&self) -> &[Point] { &self.places }
//! }
//! let offers = vec![
//!     Offer { id: Uuid::now_v7(), at: Utc::now(), price: Decimal::from(90), places: vec![] },
//!     Offer { id: Uuid::now_v7(), at: Utc::now(), price: Decimal::from(150), places: vec![] },
//! ];
//! let criteria = Criteria {
//!     preferred_price: Some(Decimal::from(100)),
//!     max_price: Some(Decimal::from(200)),
//!     ..Criteria::default()
//! };
//! let page = rank(offers, &criteria, None, 10);
//! assert_eq!(page.items[0].parts.price, 1.0);
//! assert_eq!(page.items[1].score, 0.85); // 0.5 + 0.3 x 0.5 + 0.2
//! ```

pub mod body;
pub mod cursor;
pub mod fit;
pub mod geo;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use infra::ServiceError;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use uuid::Uuid;

use self::cursor::Cursor;
use self::fit::{Range, round4};
use self::geo::{Point, distance_km};

/// Most candidates the SQL cut hands to the ranking.
pub const WINDOW: u64 = 1000;
/// Items per page by default.
pub const DEFAULT_LIMIT: usize = 20;
/// Most items per page.
pub const MAX_LIMIT: usize = 100;
/// The widest radius, km.
pub const MAX_RADIUS_KM: f64 = 2000.0;

/// What a search ranks.
pub trait Candidate {
    /// Its id (the last tie-break).
    fn id(&self) -> Uuid;
    /// When it was made (newest first on equal scores).
    fn created_at(&self) -> DateTime<Utc>;
    /// The partner it belongs to, for the party-link check.
    fn owner(&self) -> Uuid;
    /// Its value of quality parameter `code`, if it states a number.
    fn quality_value(&self, code: &str) -> Option<Decimal>;
    /// Its price per base unit, if it has one.
    fn base_price(&self) -> Option<Decimal>;
    /// Where it is (the nearest place counts); empty when unknown.
    fn places(&self) -> &[Point];
}

/// A circle to search in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    /// Its centre.
    pub point: Point,
    /// Its radius, km (above 0, at most [`MAX_RADIUS_KM`]).
    pub radius_km: f64,
}

/// What the ranking weighs, prices per base unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Criteria {
    /// The quality ranges by parameter code.
    pub quality: BTreeMap<String, Range>,
    /// Price that fits fully.
    pub preferred_price: Option<Decimal>,
    /// Price that does not fit at all; candidates above it are left out.
    pub max_price: Option<Decimal>,
    /// The circle, if one.
    pub near: Option<Near>,
}

/// The parts of a score, 0..=1 each.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parts {
    /// Quality fit.
    pub quality: f64,
    /// Price fit.
    pub price: f64,
    /// Proximity.
    pub proximity: f64,
}

/// One ranked candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored<T> {
    /// The candidate.
    pub item: T,
    /// `0.5 quality + 0.3 price + 0.2 proximity`, 4 places.
    pub score: f64,
    /// Its parts.
    pub parts: Parts,
    /// The distance to the nearest place, km (with a circle).
    pub distance_km: Option<f64>,
}

/// A page of ranked candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked<T> {
    /// Best first.
    pub items: Vec<Scored<T>>,
    /// The cursor of the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The page size of `limit` (1 to [`MAX_LIMIT`], 422 naming `limit`).
pub fn page_size(limit: Option<i64>) -> Result<usize, ServiceError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
        Some(_) => Err(ServiceError::field("limit", "must be 1 to 100")),
    }
}

/// The circle of `lat`, `lng` and `radius_km`: all three or none (422 naming the field).
pub fn near(
    lat: Option<f64>,
    lng: Option<f64>,
    radius_km: Option<f64>,
) -> Result<Option<Near>, ServiceError> {
    match (lat, lng, radius_km) {
        (None, None, None) => Ok(None),
        (Some(lat), Some(lng), Some(r)) => {
            let mut v = infra::Validator::new();
            v.check((-90.0..=90.0).contains(&lat), "lat", "must be -90 to 90");
            v.check((-180.0..=180.0).contains(&lng), "lng", "must be -180 to 180");
            v.check(
                r > 0.0 && r <= MAX_RADIUS_KM,
                "radius_km",
                "must be above 0 and at most 2000",
            );
            v.finish()?;
            Ok(Some(Near {
                point: Point { lat, lng },
                radius_km: r,
            }))
        }
        (lat, lng, _) => {
            let field = if lat.is_none() {
                "lat"
            } else if lng.is_none() {
                "lng"
            } else {
                "radius_km"
            };
            Err(ServiceError::field(field, "lat, lng and radius_km go together"))
        }
    }
}

/// `candidates` without those whose owner is linked to `caller` (the same
/// partner included), with one `partners::links` query for them all.
pub async fn exclude_linked<C: ConnectionTrait, T: Candidate>(
    db: &C,
    caller: Uuid,
    candidates: Vec<T>,
) -> Result<Vec<T>, ServiceError> {
    let owners: BTreeSet<Uuid> = candidates.iter().map(Candidate::owner).collect();
    let pairs: Vec<(Uuid, Uuid)> = owners.iter().map(|o| (caller, *o)).collect();
    let linked: BTreeSet<Uuid> = partners::links::links(db, &pairs)
        .await?
        .into_iter()
        .filter(|l| l.is_linked())
        .map(|l| l.b)
        .collect();
    Ok(candidates
        .into_iter()
        .filter(|c| !linked.contains(&c.owner()))
        .collect())
}

/// Ranks `candidates` by `criteria` and answers the `limit` after `after`
/// (see the module documentation).
pub fn rank<T: Candidate>(
    candidates: Vec<T>,
    criteria: &Criteria,
    after: Option<&Cursor>,
    limit: usize,
) -> Ranked<T> {
    let lowest = criteria.max_price.and_then(|max| {
        candidates
            .iter()
            .filter_map(Candidate::base_price)
            .filter(|p| *p <= max)
            .min()
    });
    let preferred = criteria.preferred_price.or(lowest);
    let mut scored: Vec<(Cursor, Scored<T>)> = candidates
        .into_iter()
        .filter(|c| {
            criteria
                .max_price
                .is_none_or(|max| c.base_price().is_none_or(|p| p <= max))
        })
        .filter_map(|item| {
            let distance_km = criteria.near.map(|n| {
                item.places()
                    .iter()
                    .map(|p| distance_km(n.point, *p))
                    .fold(f64::INFINITY, f64::min)
            });
            if let (Some(d), Some(n)) = (distance_km, criteria.near)
                && d > n.radius_km
            {
                return None;
            }
            let parts = Parts {
                quality: round4(fit::quality(&criteria.quality, |code| item.quality_value(code))),
                price: round4(fit::price(item.base_price(), preferred, criteria.max_price)),
                proximity: round4(fit::proximity(distance_km, criteria.near.map(|n| n.radius_km))),
            };
            let score = round4(0.5 * parts.quality + 0.3 * parts.price + 0.2 * parts.proximity);
            let key = Cursor::at((score * 10_000.0).round() as i64, item.created_at(), item.id());
            let scored = Scored {
                item,
                score,
                parts,
                distance_km: distance_km.map(|d| (d * 1000.0).round() / 1000.0),
            };
            Some((key, scored))
        })
        .filter(|(key, _)| after.is_none_or(|a| a.precedes(key)))
        .collect();
    scored.sort_by(|(a, _), (b, _)| b.cmp(a));
    let more = scored.len() > limit;
    scored.truncate(limit);
    let next_cursor = more.then(|| scored.last().map(|(key, _)| key.encode())).flatten();
    Ranked {
        items: scored.into_iter().map(|(_, s)| s).collect(),
        next_cursor,
    }
}

#[cfg(test)]
mod tests;
