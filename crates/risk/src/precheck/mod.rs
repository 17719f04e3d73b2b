//! The assessment rules of DOMAIN.md ("Risk") as pure functions that store
//! nothing: the seller, buyer, trade and counterparty checks, each answering
//! a score clamped to 0..=100, a status by the thresholds, every finding as a
//! factor (deductions negative, WARN-only findings 0 points) and a
//! recommendation. The batch functions take many candidates at once, for the
//! trade desk and matching.
//!
//! ```
//! use risk::precheck::{Standing, seller};
//! use rust_decimal::Decimal;
//!
//! let standing = Standing::neutral(Decimal::from(1_000_000), Decimal::ZERO);
//! let outcome = seller(&standing, Decimal::from(100_000));
//! assert_eq!(outcome.score, 70); // neutral: rating 3.0 and delivery 70 cost 15 each
//! ```

mod buyer;
mod counterparty;
pub mod mail;
mod seller;
mod trade;

#[cfg(test)]
mod buyer_tests;
#[cfg(test)]
mod counterparty_tests;
#[cfg(test)]
mod seller_tests;
#[cfg(test)]
mod trade_tests;

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use buyer::buyer;
pub use counterparty::{Advice, CounterpartyOutcome, counterparty};
pub use seller::seller;
pub use trade::{TradeOutcome, trade};

/// The score every check starts from.
pub const START: i32 = 100;

/// An assessment's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// Proceed.
    Pass,
    /// Proceed with care.
    Warn,
    /// Do not proceed.
    Fail,
}

impl Status {
    /// The stored name (`PASS`, `WARN`, `FAIL`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }

    /// The status of `score` by the general thresholds: 80+ PASS, 60-79 WARN, else FAIL.
    pub fn general(score: i32) -> Self {
        Self::by(score, 80, 60)
    }

    /// The status of `score` by the buyer thresholds: 75+ PASS, 50-74 WARN, else FAIL.
    pub fn buyer(score: i32) -> Self {
        Self::by(score, 75, 50)
    }

    fn by(score: i32, pass: i32, warn: i32) -> Self {
        if score >= pass {
            Status::Pass
        } else if score >= warn {
            Status::Warn
        } else {
            Status::Fail
        }
    }
}

/// One finding: what, how many points it costs (negative; 0 for a WARN-only
/// or FAIL-forcing finding) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    /// A stable snake_case name (`credit_over_limit`, `low_rating`, ...).
    pub factor: String,
    /// The points deducted (negative) or 0.
    pub points: i32,
    /// Why, with the facts that led to it.
    pub reason: String,
}

impl Factor {
    /// Finding `factor` costing `points`, because of `reason`.
    pub fn new(factor: &str, points: i32, reason: impl Into<String>) -> Self {
        Self {
            factor: factor.to_owned(),
            points,
            reason: reason.into(),
        }
    }
}

/// The answer of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// 0..=100, higher is safer.
    pub score: i32,
    /// PASS, WARN or FAIL.
    pub status: Status,
    /// Every finding.
    pub factors: Vec<Factor>,
    /// What to do.
    pub recommendation: String,
}

/// The facts the side checks read about one partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Credit limit, INR.
    pub credit_limit: Decimal,
    /// Utilised exposure on the side checked, INR.
    pub utilised: Decimal,
    /// Rating 0-5.
    pub rating: Decimal,
    /// Delivery score 0-100.
    pub delivery_score: i32,
    /// Payment score 0-100.
    pub payment_score: i32,
    /// Disputes raised.
    pub disputes: i32,
    /// Trades done.
    pub trade_count: i32,
}

impl Standing {
    /// A partner without history (rating 3.0, scores 70, no trades) with
    /// `credit_limit` of which `utilised` is used.
    pub fn neutral(credit_limit: Decimal, utilised: Decimal) -> Self {
        let p = crate::facts::Performance::neutral();
        Self {
            credit_limit,
            utilised,
            rating: p.rating,
            delivery_score: p.delivery_score,
            payment_score: p.payment_score,
            disputes: p.disputes,
            trade_count: p.trade_count,
        }
    }

    /// What is left of the credit limit (may be negative).
    pub fn remaining(&self) -> Decimal {
        self.credit_limit - self.utilised
    }
}

/// The identities the trade check compares between buyer and seller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    /// The partner.
    pub partner_id: Uuid,
    /// PAN.
    pub pan: Option<String>,
    /// GSTIN.
    pub gstin: Option<String>,
    /// Foreign tax id.
    pub foreign_tax_id: Option<String>,
    /// Mobiles (last ten digits).
    pub mobiles: BTreeSet<String>,
    /// Corporate e-mail domains (public ones already left out).
    pub email_domains: BTreeSet<String>,
}

/// The outcome of `factors` from [`START`], clamped to 0..=100, with the status `rule` gives.
pub(crate) fn outcome(factors: Vec<Factor>, rule: fn(i32) -> Status) -> Outcome {
    let score = clamp(START + factors.iter().map(|f| f.points).sum::<i32>());
    let status = rule(score);
    Outcome {
        score,
        status,
        recommendation: recommendation(status, &factors),
        factors,
    }
}

/// `score` within 0..=100.
pub fn clamp(score: i32) -> i32 {
    score.clamp(0, 100)
}

/// The advice for `status`, naming the costliest finding when there is one.
pub fn recommendation(status: Status, factors: &[Factor]) -> String {
    let worst = factors
        .iter()
        .filter(|f| f.points < 0 || status != Status::Pass)
        .min_by_key(|f| f.points)
        .map(|f| format!(" Main concern: {}.", f.reason))
        .unwrap_or_default();
    match status {
        Status::Pass => format!("Proceed: the risk is acceptable.{worst}"),
        Status::Warn => format!("Proceed with caution: review the findings before committing.{worst}"),
        Status::Fail => format!("Do not proceed without a risk manager's review.{worst}"),
    }
}

/// A seller candidate: its standing and the trade value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideCandidate {
    /// The partner's standing on the side checked.
    pub standing: Standing,
    /// The trade value, INR.
    pub value: Decimal,
}

/// [`seller`] for every candidate, in order.
pub fn sellers(candidates: &[SideCandidate]) -> Vec<Outcome> {
    candidates.iter().map(|c| seller(&c.standing, c.value)).collect()
}

/// [`buyer`] for every candidate, in order.
pub fn buyers(candidates: &[SideCandidate]) -> Vec<Outcome> {
    candidates.iter().map(|c| buyer(&c.standing, c.value)).collect()
}

/// A trade candidate: both sides and what links them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TradeCandidate {
    /// The buyer's standing (buyer side) and identities.
    pub buyer: (Standing, Party),
    /// The seller's standing (seller side) and identities.
    pub seller: (Standing, Party),
    /// The trade value, INR.
    pub value: Decimal,
    /// The party links between them (`partners::links`).
    pub links: Vec<partners::links::LinkReason>,
}

/// [`trade`] for every candidate, in order.
pub fn trades(candidates: &[TradeCandidate]) -> Vec<TradeOutcome> {
    candidates
        .iter()
        .map(|c| {
            trade(
                &c.buyer.0,
                &c.buyer.1,
                &c.seller.0,
                &c.seller.1,
                c.value,
                &c.links,
            )
        })
        .collect()
}

/// [`counterparty`] for every standing, in order.
pub fn counterparties(standings: &[Standing]) -> Vec<CounterpartyOutcome> {
    standings.iter().map(counterparty).collect()
}
