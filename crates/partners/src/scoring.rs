//! The onboarding score, pure: from the application's facts to a score
//! (0..100, higher is safer), its risk category, who reviews it, the
//! recommended credit limit and each factor with its signed points
//! (DOMAIN.md, Partners).
//!
//! ```
//! use partners::scoring::{Facts, score};
//! use partners::types::{EntityType, PartnerType, Routing};
//! let facts = Facts { partner_type: PartnerType::Buyer, entity_type: EntityType::PrivateLimited, ..Facts::default() };
//! let outcome = score(&facts);
//! assert_eq!(outcome.score, 65);
//! assert_eq!(outcome.routing, Routing::ManagerReview);
//! ```

use chrono::{Datelike, NaiveDate};
use infra::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::types::{EntityType, GstCompliance, PartnerType, RiskCategory, Routing};

/// Where every score starts.
pub const BASE_POINTS: i32 = 50;
/// From this score up: low risk, approved automatically.
pub const AUTO_APPROVE_FROM: i32 = 70;
/// From this score up (below [`AUTO_APPROVE_FROM`]): medium risk, manager review.
pub const MANAGER_REVIEW_FROM: i32 = 40;
/// From this score up (below [`MANAGER_REVIEW_FROM`]): high risk, director review.
pub const DIRECTOR_REVIEW_FROM: i32 = 20;

/// What the score is computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The partner type (own lab and transport count for selling types).
    pub partner_type: PartnerType,
    /// The legal form.
    pub entity_type: EntityType,
    /// When the business started, if known.
    pub business_start_date: Option<NaiveDate>,
    /// The business date the score is taken on.
    pub today: NaiveDate,
    /// Annual turnover in INR, if known.
    pub annual_turnover: Option<Money>,
    /// GST filing record, if known.
    pub gst_compliance: Option<GstCompliance>,
    /// Has its own quality lab.
    pub has_own_lab: bool,
    /// Has its own transport.
    pub has_own_transport: bool,
}

impl Default for Facts {
    fn default() -> Self {
        Self {
            partner_type: PartnerType::Buyer,
            entity_type: EntityType::Huf,
            business_start_date: None,
            today: NaiveDate::default(),
            annual_turnover: None,
            gst_compliance: None,
            has_own_lab: false,
            has_own_transport: false,
        }
    }
}

/// One factor of the score and its signed points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    /// What counted, such as `business_age_5_years_or_more`.
    pub factor: String,
    /// Its points, positive or negative.
    pub points: i32,
}

/// The score and what follows from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// 0..100, higher is safer.
    pub score: i32,
    /// The risk it stands for.
    pub risk_category: RiskCategory,
    /// Who decides.
    pub routing: Routing,
    /// 15 % of turnover at 70+, 10 % at 40+, else 5 % (zero without a turnover).
    pub recommended_credit_limit: Money,
    /// Every factor that gave points, in order, starting with the base.
    pub factors: Vec<Factor>,
}

/// Whole years from `start` to `today` (0 when `start` is later).
pub fn whole_years(start: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - start.year();
    if (today.month(), today.day()) < (start.month(), start.day()) {
        years -= 1;
    }
    years.max(0)
}

/// Points for the business age: 5+ years +20, 2+ +10, under 1 -15.
fn age_factor(years: i32) -> Option<(&'static str, i32)> {
    match years {
        y if y >= 5 => Some(("business_age_5_years_or_more", 20)),
        y if y >= 2 => Some(("business_age_2_years_or_more", 10)),
        y if y < 1 => Some(("business_age_under_1_year", -15)),
        _ => None,
    }
}

fn entity_factor(entity: EntityType) -> Option<(&'static str, i32)> {
    match entity {
        EntityType::PrivateLimited => Some(("entity_private_limited", 15)),
        EntityType::PublicLimited => Some(("entity_public_limited", 15)),
        EntityType::Llp => Some(("entity_llp", 10)),
        EntityType::Partnership => Some(("entity_partnership", 5)),
        EntityType::Proprietorship => Some(("entity_proprietorship", -5)),
        _ => None,
    }
}

/// Points for turnover: 1 Cr+ +15, 50 L+ +10, 10 L+ +5.
fn turnover_factor(turnover: Decimal) -> Option<(&'static str, i32)> {
    let lakh = Decimal::from(100_000);
    if turnover >= lakh * Decimal::from(100) {
        Some(("turnover_1_crore_or_more", 15))
    } else if turnover >= lakh * Decimal::from(50) {
        Some(("turnover_50_lakh_or_more", 10))
    } else if turnover >= lakh * Decimal::from(10) {
        Some(("turnover_10_lakh_or_more", 5))
    } else {
        None
    }
}

fn gst_factor(gst: GstCompliance) -> Option<(&'static str, i32)> {
    match gst {
        GstCompliance::Excellent => Some(("gst_compliance_excellent", 15)),
        GstCompliance::Good => Some(("gst_compliance_good", 10)),
        GstCompliance::Average => None,
        GstCompliance::Poor => Some(("gst_compliance_poor", -25)),
    }
}

/// `raw` held to 0..100.
pub fn clamp_score(raw: i32) -> i32 {
    raw.clamp(0, 100)
}

/// The risk category of a (clamped) score.
pub fn risk_category(score: i32) -> RiskCategory {
    match score {
        s if s >= AUTO_APPROVE_FROM => RiskCategory::Low,
        s if s >= MANAGER_REVIEW_FROM => RiskCategory::Medium,
        s if s >= DIRECTOR_REVIEW_FROM => RiskCategory::High,
        _ => RiskCategory::Critical,
    }
}

/// Who reviews a (clamped) score.
pub fn routing(score: i32) -> Routing {
    match risk_category(score) {
        RiskCategory::Low => Routing::AutoApproved,
        RiskCategory::Medium => Routing::ManagerReview,
        RiskCategory::High => Routing::DirectorReview,
        RiskCategory::Critical => Routing::CriticalReview,
    }
}

/// The recommended credit limit for `score` and `turnover`: 15 %, 10 % or 5 %.
pub fn recommended_credit_limit(score: i32, turnover: Option<Money>) -> Money {
    let percent = match score {
        s if s >= AUTO_APPROVE_FROM => 15,
        s if s >= MANAGER_REVIEW_FROM => 10,
        _ => 5,
    };
    let turnover = turnover.map(Money::value).unwrap_or_default();
    let limit = (turnover * Decimal::from(percent) / Decimal::ONE_HUNDRED).round_dp(4);
    Money::new(limit).unwrap_or(Money::ZERO)
}

/// Scores `facts`.
pub fn score(facts: &Facts) -> Outcome {
    let mut factors = vec![Factor {
        factor: "base".into(),
        points: BASE_POINTS,
    }];
    let mut push = |found: Option<(&str, i32)>| {
        if let Some((factor, points)) = found {
            factors.push(Factor {
                factor: factor.into(),
                points,
            });
        }
    };
    push(
        facts
            .business_start_date
            .and_then(|start| age_factor(whole_years(start, facts.today))),
    );
    push(entity_factor(facts.entity_type));
    push(facts.annual_turnover.and_then(|t| turnover_factor(t.value())));
    push(facts.gst_compliance.and_then(gst_factor));
    if facts.partner_type.sells() {
        push(facts.has_own_lab.then_some(("own_lab", 10)));
        push(facts.has_own_transport.then_some(("own_transport", 5)));
    }
    let score = clamp_score(factors.iter().map(|f| f.points).sum());
    Outcome {
        score,
        risk_category: risk_category(score),
        routing: routing(score),
        recommended_credit_limit: recommended_credit_limit(score, facts.annual_turnover),
        factors,
    }
}

#[cfg(test)]
#[path = "scoring_tests.rs"]
mod tests;
