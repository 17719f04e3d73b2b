//! The score of one pair, as pure functions (DOMAIN.md, "Trade desk",
//! Matching). Each part is 0..=1, rounded to 4 places:
//!
//! - quality: per parameter the requirement asks for, 1 inside its
//!   `[min, max]` reduced by up to 0.5 with the distance from its
//!   `preferred` ([`crate::search::fit::parameter`]), 0 outside or when the
//!   availability does not state it; a stated range `{min, max}` counts
//!   by its worse end; a TEXT parameter is 1 when the text is the preferred
//!   one (case aside), else 0; the mean over the asked parameters, 1 when
//!   none is asked.
//! - price (per base unit): 1 at or below the preferred price (90 % of the
//!   maximum when none), linear to 0 at the maximum, 0 above; 1 when the
//!   requirement names no price; [`NO_PRICE`] for an availability without
//!   a price (NEGOTIABLE or SPOT: the price is yet to be agreed).
//! - delivery: the mean of the window overlap (the share of the
//!   requirement's delivery window the availability's window covers; 1
//!   when either names no window) and the distance fit (1 at a delivery
//!   location, linear to 0 at [`DELIVERY_REACH_KM`] from the nearest one;
//!   [`NO_DISTANCE`] when a side has no coordinates).
//! - risk: the seller precheck, PASS 1, WARN 0.5 (and the total times
//!   0.9); FAIL drops the candidate ([`risk_part`] answers `None`).
//!
//! The total is `weights x parts` (times 0.9 on WARN), 4 places; kept
//! from the category's minimum on; labelled by [`label`].

use chrono::NaiveDate;
use risk::precheck::Status;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::search::fit::{self, Range, round4};

/// The price part of an availability without a price.
pub const NO_PRICE: f64 = 0.5;
/// The distance fit when either side has no coordinates.
pub const NO_DISTANCE: f64 = 0.5;
/// The distance from the nearest delivery location at which the distance fit reaches 0, km.
pub const DELIVERY_REACH_KM: f64 = 1000.0;
/// What a WARN precheck leaves of the total.
pub const WARN_FACTOR: f64 = 0.9;

/// The weights of the parts and the least score kept, for one commodity category.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights {
    /// Weight of the quality part.
    pub quality: f64,
    /// Weight of the price part.
    pub price: f64,
    /// Weight of the delivery part.
    pub delivery: f64,
    /// Weight of the risk part.
    pub risk: f64,
    /// The least score a match keeps.
    pub min_score: f64,
}

impl Weights {
    /// The seeded weights of `category` (upper case): COTTON and every
    /// other category 0.40/0.30/0.15/0.15 from 0.6; WHEAT and RICE
    /// 0.35/0.35/0.20/0.10 from 0.5; OIL and OILSEEDS 0.40/0.35/0.15/0.10 from 0.6.
    pub fn seeded(category: &str) -> Self {
        let (quality, price, delivery, risk, min_score) = match category {
            "WHEAT" | "RICE" => (0.35, 0.35, 0.20, 0.10, 0.5),
            "OIL" | "OILSEEDS" => (0.40, 0.35, 0.15, 0.10, 0.6),
            _ => (0.40, 0.30, 0.15, 0.15, 0.6),
        };
        Self {
            quality,
            price,
            delivery,
            risk,
            min_score,
        }
    }
}

/// The parts of a score, 0..=1 each.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchParts {
    /// Quality fit.
    pub quality: f64,
    /// Price fit.
    pub price: f64,
    /// Delivery fit (window and distance).
    pub delivery: f64,
    /// The seller's risk.
    pub risk: f64,
}

/// The fit of one stated value to one asked parameter (see the module documentation).
pub fn parameter(asked: &Value, stated: Option<&Value>) -> f64 {
    let Some(stated) = stated else { return 0.0 };
    if let Some(text) = asked.get("preferred").and_then(Value::as_str)
        && asked.get("min").is_none()
        && asked.get("max").is_none()
        && crate::quality::number(&Value::String(text.into())).is_none()
    {
        return match stated.as_str() {
            Some(s) if s.trim().eq_ignore_ascii_case(text.trim()) => 1.0,
            _ => 0.0,
        };
    }
    let read = |key: &str| asked.get(key).and_then(crate::quality::number);
    let range = Range {
        min: read("min"),
        max: read("max"),
        preferred: read("preferred"),
    };
    match stated {
        Value::Object(span) => {
            let lo = span.get("min").and_then(crate::quality::number);
            let hi = span.get("max").and_then(crate::quality::number);
            match (lo, hi) {
                (Some(lo), Some(hi)) => {
                    fit::parameter(&range, Some(lo)).min(fit::parameter(&range, Some(hi)))
                }
                _ => 0.0,
            }
        }
        value => fit::parameter(&range, crate::quality::number(value)),
    }
}

/// The quality part of `stated` (`{code: value}`) against `asked` (`{code: {min, max, preferred}}`).
pub fn quality(asked: &Value, stated: &Value) -> f64 {
    let Some(asked) = asked.as_object().filter(|a| !a.is_empty()) else {
        return 1.0;
    };
    let sum: f64 = asked
        .iter()
        .map(|(code, range)| parameter(range, stated.get(code)))
        .sum();
    round4(sum / asked.len() as f64)
}

/// The price part of `price` per base unit against the requirement's
/// `preferred` and `max` per base unit (see the module documentation).
pub fn price(price: Option<Decimal>, preferred: Option<Decimal>, max: Option<Decimal>) -> f64 {
    if preferred.is_none() && max.is_none() {
        return 1.0;
    }
    if price.is_none() {
        return NO_PRICE;
    }
    let preferred = preferred.or_else(|| max.map(|m| m * Decimal::new(9, 1)));
    round4(fit::price(price, preferred, max))
}

/// The share of the asked delivery window `[asked_from, asked_to]` that the
/// offered window covers, 0..=1; a bound one side leaves open is the other
/// side's; 1 when a window stays open-ended.
pub fn window(
    asked: (Option<NaiveDate>, Option<NaiveDate>),
    offered: (Option<NaiveDate>, Option<NaiveDate>),
) -> f64 {
    let (Some(a_lo), Some(a_hi), Some(o_lo), Some(o_hi)) = (
        asked.0.or(offered.0),
        asked.1.or(offered.1),
        offered.0.or(asked.0),
        offered.1.or(asked.1),
    ) else {
        return 1.0;
    };
    let asked_days = (a_hi - a_lo).num_days() + 1;
    if asked_days <= 0 {
        return 1.0;
    }
    let overlap = (a_hi.min(o_hi) - a_lo.max(o_lo)).num_days() + 1;
    round4((overlap.max(0) as f64 / asked_days as f64).clamp(0.0, 1.0))
}

/// The distance fit of a place `km` from the nearest delivery location.
pub fn distance(km: Option<f64>) -> f64 {
    match km {
        Some(d) => round4((1.0 - d / DELIVERY_REACH_KM).clamp(0.0, 1.0)),
        None => NO_DISTANCE,
    }
}

/// The delivery part: the mean of the window overlap and the distance fit.
pub fn delivery(window: f64, distance: f64) -> f64 {
    round4((window + distance) / 2.0)
}

/// The risk part of the seller precheck's `status`; `None` on FAIL (dropped).
pub fn risk_part(status: Status) -> Option<f64> {
    match status {
        Status::Pass => Some(1.0),
        Status::Warn => Some(0.5),
        Status::Fail => None,
    }
}

/// The total of `parts` under `weights`, times [`WARN_FACTOR`] on WARN, 4 places.
pub fn total(weights: &Weights, parts: &MatchParts, status: Status) -> f64 {
    let sum = weights.quality * parts.quality
        + weights.price * parts.price
        + weights.delivery * parts.delivery
        + weights.risk * parts.risk;
    let sum = if status == Status::Warn {
        sum * WARN_FACTOR
    } else {
        sum
    };
    round4(sum)
}

/// Whether `score` is kept under `weights` (at least the minimum).
pub fn kept(weights: &Weights, score: f64) -> bool {
    score + 1e-9 >= weights.min_score
}

/// The label of a kept `score`: 0.9+ excellent, 0.75+ good, else acceptable.
pub fn label(score: f64) -> &'static str {
    if score + 1e-9 >= 0.9 {
        "excellent"
    } else if score + 1e-9 >= 0.75 {
        "good"
    } else {
        "acceptable"
    }
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
