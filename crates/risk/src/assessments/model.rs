//! A stored assessment as the API answers it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::precheck::{Factor, Outcome, Status};

/// One assessment: score, status, every factor and the recommendation, with
/// what was asked; a trade's also each side's own outcome, a counterparty's
/// the credit limit advice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// UUID v7.
    pub id: Uuid,
    /// seller, buyer, trade or counterparty.
    pub kind: String,
    /// The partner assessed (a trade's buyer).
    pub partner_id: Uuid,
    /// A trade's seller.
    pub other_partner_id: Option<Uuid>,
    /// 0..=100, higher is safer.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub score: i32,
    /// PASS, WARN or FAIL.
    pub status: Status,
    /// Every finding (deductions negative, WARN-only findings 0).
    pub factors: Vec<Factor>,
    /// What to do.
    pub recommendation: String,
    /// A trade's buyer check of the buyer.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub buyer: Option<Outcome>,
    /// A trade's seller check of the seller.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seller: Option<Outcome>,
    /// A counterparty's credit limit multiplier: 1.2, 1.1, 1.0 or 0.75.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1.1"))]
    pub credit_limit_advice: Option<Decimal>,
    /// Why that advice.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub advice_reason: Option<String>,
    /// What was asked.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub input: serde_json::Value,
    /// Who asked (none for the system).
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Assessment {
    /// An assessment of `kind` for `partner_id` from `outcome`, not yet stored.
    pub(crate) fn of(kind: &str, partner_id: Uuid, input: serde_json::Value, outcome: Outcome) -> Self {
        Self {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            partner_id,
            other_partner_id: None,
            score: outcome.score,
            status: outcome.status,
            factors: outcome.factors,
            recommendation: outcome.recommendation,
            buyer: None,
            seller: None,
            credit_limit_advice: None,
            advice_reason: None,
            input,
            created_by: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }
}
