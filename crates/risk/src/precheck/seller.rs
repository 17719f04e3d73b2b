//! The seller precheck (DOMAIN.md, "Risk"), from 100: exposure after the
//! trade over the credit limit -40, else remaining credit under 1.2 x the
//! trade value -20; rating under 3.0 -30, under 4.0 -15; delivery score
//! under 50 -30, under 75 -15. General thresholds.

use rust_decimal::Decimal;

use super::{Factor, Outcome, Standing, Status, outcome};

/// The seller check of `standing` (seller side) for a trade worth `value`.
pub fn seller(standing: &Standing, value: Decimal) -> Outcome {
    let mut factors = Vec::new();
    let after = standing.utilised + value;
    let remaining = standing.remaining();
    if after > standing.credit_limit {
        factors.push(Factor::new(
            "exposure_over_limit",
            -40,
            format!(
                "exposure after the trade {after} is over the credit limit {}",
                standing.credit_limit
            ),
        ));
    } else if remaining < value * Decimal::new(12, 1) {
        factors.push(Factor::new(
            "low_remaining_credit",
            -20,
            format!("remaining credit {remaining} is under 1.2 x the trade value {value}"),
        ));
    }
    let rating = standing.rating;
    if rating < Decimal::from(3) {
        factors.push(Factor::new(
            "low_rating",
            -30,
            format!("rating {rating} is under 3.0"),
        ));
    } else if rating < Decimal::from(4) {
        factors.push(Factor::new(
            "fair_rating",
            -15,
            format!("rating {rating} is under 4.0"),
        ));
    }
    let delivery = standing.delivery_score;
    if delivery < 50 {
        factors.push(Factor::new(
            "poor_delivery",
            -30,
            format!("delivery score {delivery} is under 50"),
        ));
    } else if delivery < 75 {
        factors.push(Factor::new(
            "fair_delivery",
            -15,
            format!("delivery score {delivery} is under 75"),
        ));
    }
    outcome(factors, Status::general)
}
