//! Matches as callers see them, a run's answer and the weights' views.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::{matched, weight};
use super::score::{MatchParts, Weights};

/// A stored match of a requirement and an availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match {
    /// Id.
    pub id: Uuid,
    /// The requirement (buyer side).
    pub requirement_id: Uuid,
    /// The availability (seller side).
    pub availability_id: Uuid,
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The seller.
    pub seller_partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// 0..=1, 4 places: the weights times the parts (times 0.9 on a WARN precheck).
    pub score: f64,
    /// The parts of the score.
    pub parts: MatchParts,
    /// excellent (0.9+), good (0.75+) or acceptable.
    pub label: String,
    /// The seller precheck's verdict for this trade: PASS or WARN.
    pub risk_status: String,
    /// NEW, NOTIFIED, DISMISSED, RESERVED or EXPIRED.
    pub status: String,
    /// Version (ETag).
    pub version: i64,
    /// When the pair was first found.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A fraction scaled by 10^4 as a number.
pub(crate) fn fraction(scaled: i32) -> f64 {
    f64::from(scaled) / 10_000.0
}

/// A fraction as ten-thousandths.
pub(crate) fn scaled(fraction: f64) -> i32 {
    (fraction * 10_000.0).round() as i32
}

impl Match {
    /// The view of `row`.
    pub fn of(row: matched::Model) -> Self {
        Self {
            id: row.id,
            requirement_id: row.requirement_id,
            availability_id: row.availability_id,
            buyer_partner_id: row.buyer_partner_id,
            seller_partner_id: row.seller_partner_id,
            commodity_id: row.commodity_id,
            score: fraction(row.score),
            parts: MatchParts {
                quality: fraction(row.quality_score),
                price: fraction(row.price_score),
                delivery: fraction(row.delivery_score),
                risk: fraction(row.risk_score),
            },
            label: row.label,
            risk_status: row.risk_status,
            status: row.status,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A candidate a run left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dropped {
    /// The requirement.
    pub requirement_id: Uuid,
    /// The availability.
    pub availability_id: Uuid,
    /// `not_active`, `not_visible`, `not_invited`, `outside_delivery_area`,
    /// `insufficient_quantity`, `over_budget`, `over_total_budget`,
    /// `party_linked`, `risk_fail` or `below_minimum`.
    pub reason: String,
    /// The reason in words, with the figures.
    pub detail: String,
}

/// What a run answers: the matches it found, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchRun {
    /// The matches found, best first, each as now stored (a DISMISSED or
    /// RESERVED pair keeps its status).
    pub items: Vec<Match>,
    /// With `explain=true`: the candidates left out, with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Vec<Dropped>>,
}

/// The weights of one commodity category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryWeights {
    /// The category code; `DEFAULT` weighs every category without a row of its own.
    pub category: String,
    /// The weights and the least score kept.
    #[serde(flatten)]
    pub weights: Weights,
    /// Version.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl CategoryWeights {
    /// The view of `row`.
    pub fn of(row: weight::Model) -> Self {
        Self {
            weights: weights_of(&row),
            category: row.category,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

/// The weights a row holds.
pub(crate) fn weights_of(row: &weight::Model) -> Weights {
    Weights {
        quality: fraction(row.quality),
        price: fraction(row.price),
        delivery: fraction(row.delivery),
        risk: fraction(row.risk),
        min_score: fraction(row.min_score),
    }
}

/// Every category's weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeightsList {
    /// By category code.
    pub items: Vec<CategoryWeights>,
}

/// New weights for one category (created when it has none).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetWeights {
    /// The category code in upper case (`DEFAULT` for every category without a row).
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, pattern = r"^\s*[A-Za-z][A-Za-z0-9_]*\s*$")
    )]
    pub category: String,
    /// Weight of the quality part, 0 to 1, at most 4 places.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub quality: f64,
    /// Weight of the price part, 0 to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub price: f64,
    /// Weight of the delivery part, 0 to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub delivery: f64,
    /// Weight of the risk part, 0 to 1; the four weights add up to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub risk: f64,
    /// The least score a match keeps, 0 to 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub min_score: f64,
}
