//! The counterparty assessment (DOMAIN.md, "Risk"), from 100: utilisation
//! over 90 % -25, over 75 % -15; rating under 2 -25, under 3 -15, under 4 -8;
//! performance (the mean of delivery and payment scores) under 40 -25,
//! under 60 -15, under 75 -8; dispute rate over 10 % -15, over 5 % -8; fewer
//! than 10 trades -10, fewer than 50 -5. General thresholds. Credit limit
//! advice x1.2 (rating 4.5+ and performance 90+), x1.1 (4.0+ and 80+), x0.75
//! (rating under 3 or performance under 60), else x1.0.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Factor, Outcome, Standing, Status, outcome};

/// The credit limit advice: a multiplier and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Advice {
    /// 1.2, 1.1, 1.0 or 0.75.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1.1"))]
    pub credit_limit_advice: Decimal,
    /// Why.
    pub advice_reason: String,
}

/// The counterparty outcome with its advice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterpartyOutcome {
    /// Score, status, factors, recommendation.
    pub outcome: Outcome,
    /// The credit limit advice.
    pub advice: Advice,
}

/// Buyer-side utilisation of `s` in percent; with no limit, 100 when anything is used.
pub fn utilisation(s: &Standing) -> Decimal {
    if s.credit_limit <= Decimal::ZERO {
        return if s.utilised > Decimal::ZERO {
            Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        };
    }
    s.utilised * Decimal::ONE_HUNDRED / s.credit_limit
}

/// The performance score of `s`: the mean of delivery and payment scores.
pub fn performance(s: &Standing) -> Decimal {
    Decimal::from(s.delivery_score + s.payment_score) / Decimal::from(2)
}

/// Disputes per trade of `s` in percent (disputes over at least one trade).
pub fn dispute_rate(s: &Standing) -> Decimal {
    Decimal::from(s.disputes) * Decimal::ONE_HUNDRED / Decimal::from(s.trade_count.max(1))
}

fn graded(
    factors: &mut Vec<Factor>,
    value: Decimal,
    steps: &[(i64, i32)],
    below: bool,
    name: &str,
    what: &str,
) {
    for &(limit, points) in steps {
        let limit = Decimal::from(limit);
        let hit = if below { value < limit } else { value > limit };
        if hit {
            let how = if below { "under" } else { "over" };
            factors.push(Factor::new(
                name,
                points,
                format!("{what} {} is {how} {limit}", value.round_dp(2).normalize()),
            ));
            return;
        }
    }
}

/// The counterparty assessment of `s` (its buyer-side standing).
pub fn counterparty(s: &Standing) -> CounterpartyOutcome {
    let mut factors = Vec::new();
    let used = utilisation(s);
    let perf = performance(s);
    graded(
        &mut factors,
        used,
        &[(90, -25), (75, -15)],
        false,
        "high_utilisation",
        "utilisation %",
    );
    graded(
        &mut factors,
        s.rating,
        &[(2, -25), (3, -15), (4, -8)],
        true,
        "rating",
        "rating",
    );
    graded(
        &mut factors,
        perf,
        &[(40, -25), (60, -15), (75, -8)],
        true,
        "performance",
        "performance",
    );
    graded(
        &mut factors,
        dispute_rate(s),
        &[(10, -15), (5, -8)],
        false,
        "disputes",
        "dispute rate %",
    );
    let trades = Decimal::from(s.trade_count);
    graded(
        &mut factors,
        trades,
        &[(10, -10), (50, -5)],
        true,
        "few_trades",
        "trade count",
    );
    CounterpartyOutcome {
        outcome: outcome(factors, Status::general),
        advice: advice(s.rating, perf),
    }
}

/// The credit limit advice for `rating` and `performance`.
pub fn advice(rating: Decimal, performance: Decimal) -> Advice {
    let (multiplier, reason) = if rating >= Decimal::new(45, 1) && performance >= Decimal::from(90) {
        (
            Decimal::new(12, 1),
            "rating 4.5+ and performance 90+: raise the limit by 20 %",
        )
    } else if rating >= Decimal::from(4) && performance >= Decimal::from(80) {
        (
            Decimal::new(11, 1),
            "rating 4.0+ and performance 80+: raise the limit by 10 %",
        )
    } else if rating < Decimal::from(3) || performance < Decimal::from(60) {
        (
            Decimal::new(75, 2),
            "rating under 3 or performance under 60: cut the limit by 25 %",
        )
    } else {
        (Decimal::new(10, 1), "keep the current limit")
    };
    Advice {
        credit_limit_advice: multiplier,
        advice_reason: format!(
            "{reason} (rating {}, performance {})",
            rating.normalize(),
            performance.normalize()
        ),
    }
}
