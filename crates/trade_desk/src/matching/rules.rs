//! The rules one pair must pass before the party-link and risk checks, the
//! same whichever side a run starts from (the SQL cut only narrows what
//! reaches them), and the parts they score.

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::score;
use super::sides::{Need, Offer};
use crate::availabilities::reads::visible_to;
use crate::availabilities::store::approved;
use crate::requirements::search::SEARCHED;
use crate::search::geo::distance_km;

/// Why a pair is left out: a stable code and the figures in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The code, such as `over_budget`.
    pub reason: &'static str,
    /// The reason in words.
    pub detail: String,
}

fn refuse(reason: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal {
        reason,
        detail: detail.into(),
    }
}

/// A pair that passed the rules: its parts but risk, and the trade value the seller precheck weighs.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Quality part.
    pub quality: f64,
    /// Price part.
    pub price: f64,
    /// Delivery part.
    pub delivery: f64,
    /// The matchable quantity (the smaller of available and preferred) at the price, INR.
    pub value: Decimal,
}

/// Whether `need` and `offer` may pair at `now`, and their parts when they may.
pub fn check(need: &Need, offer: &Offer, now: DateTime<Utc>) -> Result<Fit, Refusal> {
    let (r, a) = (&need.row, &offer.row);
    if !SEARCHED.contains(&r.status.as_str()) || r.valid_until <= now {
        return Err(refuse(
            "not_active",
            format!("the requirement is {} (valid until {})", r.status, r.valid_until),
        ));
    }
    if a.status != "ACTIVE" || a.expires_at <= now || !approved(a) {
        return Err(refuse(
            "not_active",
            format!("the availability is {} (expires {})", a.status, a.expires_at),
        ));
    }
    if a.commodity_id != r.commodity_id {
        return Err(refuse("other_commodity", "another commodity"));
    }
    if a.seller_partner_id == r.buyer_partner_id || !visible_to(Some(r.buyer_partner_id), a, &offer.listed) {
        return Err(refuse(
            "not_visible",
            format!("the availability is {} and not shown to the buyer", a.visibility),
        ));
    }
    if r.visibility == "RESTRICTED" && !need.invited.contains(&a.seller_partner_id) {
        return Err(refuse(
            "not_invited",
            "the requirement is RESTRICTED to invited sellers",
        ));
    }
    let at_place = a
        .location_id
        .is_some_and(|l| need.places.iter().any(|p| p.id == l));
    let in_state = a
        .state_code
        .as_deref()
        .is_some_and(|s| need.places.iter().any(|p| p.state_code.as_deref() == Some(s)));
    if !r.allow_cross_state && !at_place && !in_state {
        return Err(refuse(
            "outside_delivery_area",
            format!(
                "the goods lie in {} outside the delivery locations' states, and cross-state is off",
                a.state_code.as_deref().unwrap_or("an unknown state")
            ),
        ));
    }
    let least = need.least(a.allow_partial);
    if offer.available_base < least {
        return Err(refuse(
            "insufficient_quantity",
            format!(
                "{} base units available, under the {} needed",
                offer.available_base.normalize(),
                least.normalize()
            ),
        ));
    }
    if let (Some(price), Some(max)) = (offer.price, need.max_price)
        && price > max
    {
        return Err(refuse(
            "over_budget",
            format!(
                "{} per base unit is above the maximum of {}",
                price.normalize(),
                max.normalize()
            ),
        ));
    }
    let round =
        |x: Decimal| x.round_dp_with_strategy(infra::money::SCALE, RoundingStrategy::MidpointAwayFromZero);
    if let (Some(price), Some(left)) = (offer.price, need.budget_left) {
        let smallest = offer.available_base.min(need.min_base).max(offer.min_order_base);
        let cost = round(smallest * price);
        if cost > left {
            return Err(refuse(
                "over_total_budget",
                format!(
                    "the least order costs {} INR, more than the {} left of the budget",
                    cost.normalize(),
                    left.normalize()
                ),
            ));
        }
    }
    let matchable = offer.available_base.min(need.preferred_base);
    let value = offer.price.map_or(Decimal::ZERO, |p| round(matchable * p));
    let distance = if at_place {
        Some(0.0)
    } else {
        offer.point().and_then(|from| {
            need.places
                .iter()
                .filter_map(|p| p.point)
                .map(|to| distance_km(from, to))
                .reduce(f64::min)
        })
    };
    let window = score::window((r.delivery_from, r.delivery_to), (a.delivery_from, a.delivery_to));
    Ok(Fit {
        quality: score::quality(&r.quality, &a.quality),
        price: score::price(offer.price, need.preferred_price, need.max_price),
        delivery: score::delivery(window, score::distance(distance)),
        value,
    })
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
