//! The buyer precheck (DOMAIN.md, "Risk"), from 100: remaining limit under
//! the trade value -50, else exposure that would go negative -30, else
//! remaining under 1.2 x the value -15; rating under 2.0 -25, under 3.0 -10;
//! payment score under 50 -20, under 70 -10. Buyer thresholds (75+ PASS,
//! 50-74 WARN).

use rust_decimal::Decimal;

use super::{Factor, Outcome, Standing, Status, outcome};

/// The buyer check of `standing` (buyer side) for a trade worth `value`.
pub fn buyer(standing: &Standing, value: Decimal) -> Outcome {
    let mut factors = Vec::new();
    let remaining = standing.remaining();
    let after = standing.utilised + value;
    if remaining < value {
        factors.push(Factor::new(
            "insufficient_limit",
            -50,
            format!("remaining limit {remaining} is under the trade value {value}"),
        ));
    } else if after < Decimal::ZERO {
        factors.push(Factor::new(
            "negative_exposure",
            -30,
            format!("exposure would go negative ({after})"),
        ));
    } else if remaining < value * Decimal::new(12, 1) {
        factors.push(Factor::new(
            "low_remaining_limit",
            -15,
            format!("remaining limit {remaining} is under 1.2 x the trade value {value}"),
        ));
    }
    let rating = standing.rating;
    if rating < Decimal::from(2) {
        factors.push(Factor::new(
            "low_rating",
            -25,
            format!("rating {rating} is under 2.0"),
        ));
    } else if rating < Decimal::from(3) {
        factors.push(Factor::new(
            "fair_rating",
            -10,
            format!("rating {rating} is under 3.0"),
        ));
    }
    let payment = standing.payment_score;
    if payment < 50 {
        factors.push(Factor::new(
            "poor_payment",
            -20,
            format!("payment score {payment} is under 50"),
        ));
    } else if payment < 70 {
        factors.push(Factor::new(
            "fair_payment",
            -10,
            format!("payment score {payment} is under 70"),
        ));
    }
    outcome(factors, Status::buyer)
}
