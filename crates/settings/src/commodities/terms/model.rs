//! A trade term as callers see it, its create/update input and the rules on
//! each kind's optional attributes.

use chrono::{DateTime, Utc};
use infra::{Money, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::super::entity::trade_term;
use crate::error::SettingsError;

use super::{Attribute, TermKind};

/// A trade term as callers see it; attributes a kind does not take are absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeTerm {
    /// Id.
    pub id: Uuid,
    /// Stored kind, such as PAYMENT_TERM.
    pub kind: String,
    /// Code, unique per kind.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Bargain types: needs approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_approval: Option<bool>,
    /// Passing terms: needs a quality test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_quality_test: Option<bool>,
    /// Weightment terms: deduction, percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduction_percent: Option<Money>,
    /// Delivery terms: freight included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freight_included: Option<bool>,
    /// Delivery terms: insurance included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurance_included: Option<bool>,
    /// Payment terms: days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// Payment terms: percentage paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<Money>,
    /// Whether it is in use.
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<trade_term::Model> for TradeTerm {
    fn from(m: trade_term::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            code: m.code,
            name: m.name,
            description: m.description,
            needs_approval: m.needs_approval,
            needs_quality_test: m.needs_quality_test,
            deduction_percent: m.deduction_percent.map(Money::from_scaled),
            freight_included: m.freight_included,
            insurance_included: m.insurance_included,
            days: m.days,
            percentage: m.percentage.map(Money::from_scaled),
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Create input (`code` and `name` required) and update input (anything
/// present changes; `code` cannot change) of every kind.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermInput {
    /// Upper case code, unique per kind, at most 32 characters.
    pub code: Option<String>,
    /// Name, 2..100 characters.
    pub name: Option<String>,
    /// Description, up to 500 characters.
    pub description: Option<String>,
    /// Bargain types only (default false).
    pub needs_approval: Option<bool>,
    /// Passing terms only (default false).
    pub needs_quality_test: Option<bool>,
    /// Weightment terms only: 0..100 (default 0).
    pub deduction_percent: Option<Money>,
    /// Delivery terms only (default false).
    pub freight_included: Option<bool>,
    /// Delivery terms only (default false).
    pub insurance_included: Option<bool>,
    /// Payment terms only: 0..3650 (default 0).
    pub days: Option<i64>,
    /// Payment terms only: 0..100 (default 100).
    pub percentage: Option<Money>,
    /// Active or not (updates).
    pub is_active: Option<bool>,
    /// The version the change is based on (updates).
    pub version: Option<i64>,
}

pub(super) fn percent(value: Money) -> bool {
    value.value() >= Decimal::ZERO && value.value() <= Decimal::ONE_HUNDRED
}

impl TermInput {
    fn present(&self, attribute: Attribute) -> (&'static str, bool) {
        match attribute {
            Attribute::NeedsApproval => ("needs_approval", self.needs_approval.is_some()),
            Attribute::NeedsQualityTest => ("needs_quality_test", self.needs_quality_test.is_some()),
            Attribute::DeductionPercent => ("deduction_percent", self.deduction_percent.is_some()),
            Attribute::FreightIncluded => ("freight_included", self.freight_included.is_some()),
            Attribute::InsuranceIncluded => ("insurance_included", self.insurance_included.is_some()),
            Attribute::Days => ("days", self.days.is_some()),
            Attribute::Percentage => ("percentage", self.percentage.is_some()),
        }
    }

    pub(super) fn validate<K: TermKind>(&self, creating: bool) -> Result<(), SettingsError> {
        let mut v = Validator::new();
        match (&self.code, creating) {
            (Some(code), true) => {
                let code = code.trim();
                v.check(
                    crate::capabilities::is_code(code) && code.len() <= 32,
                    "code",
                    "must be an upper case code of at most 32 characters, such as NET30",
                );
            }
            (None, true) => {
                v.check(false, "code", "is required");
            }
            (Some(_), false) => {
                v.check(false, "code", "cannot change; create a new entry instead");
            }
            (None, false) => {}
        }
        match &self.name {
            Some(name) => {
                v.check(
                    (2..=100).contains(&name.trim().chars().count()),
                    "name",
                    "must be 2 to 100 characters",
                );
            }
            None if creating => {
                v.check(false, "name", "is required");
            }
            None => {}
        }
        if let Some(description) = &self.description {
            v.check(
                description.chars().count() <= 500,
                "description",
                "must be at most 500 characters",
            );
        }
        for attribute in ALL_ATTRIBUTES {
            let (field, present) = self.present(attribute);
            if present && !K::ATTRIBUTES.contains(&attribute) {
                v.check(false, field, &format!("is not a field of {}", K::SEGMENT));
            }
        }
        for (field, value) in [
            ("deduction_percent", self.deduction_percent),
            ("percentage", self.percentage),
        ] {
            if let Some(value) = value {
                v.check(percent(value), field, "must be a percentage from 0 to 100");
            }
        }
        if let Some(days) = self.days {
            v.check((0..=3650).contains(&days), "days", "must be from 0 to 3650");
        }
        Ok(v.finish()?)
    }
}

pub(super) const ALL_ATTRIBUTES: [Attribute; 7] = [
    Attribute::NeedsApproval,
    Attribute::NeedsQualityTest,
    Attribute::DeductionPercent,
    Attribute::FreightIncluded,
    Attribute::InsuranceIncluded,
    Attribute::Days,
    Attribute::Percentage,
];

/// `value`, else the current one, else `default` when the kind takes the attribute; none otherwise.
pub(super) fn attribute<K: TermKind, T: Copy>(
    attribute: Attribute,
    value: Option<T>,
    current: Option<T>,
    default: T,
) -> Option<T> {
    K::ATTRIBUTES
        .contains(&attribute)
        .then(|| value.or(current).unwrap_or(default))
}

/// The attribute columns of `next` after `input`.
pub(super) fn apply_attributes<K: TermKind>(next: &mut trade_term::Model, input: &TermInput) {
    next.needs_approval = attribute::<K, _>(
        Attribute::NeedsApproval,
        input.needs_approval,
        next.needs_approval,
        false,
    );
    next.needs_quality_test = attribute::<K, _>(
        Attribute::NeedsQualityTest,
        input.needs_quality_test,
        next.needs_quality_test,
        false,
    );
    next.deduction_percent = attribute::<K, _>(
        Attribute::DeductionPercent,
        input.deduction_percent.map(Money::scaled),
        next.deduction_percent,
        0,
    );
    next.freight_included = attribute::<K, _>(
        Attribute::FreightIncluded,
        input.freight_included,
        next.freight_included,
        false,
    );
    next.insurance_included = attribute::<K, _>(
        Attribute::InsuranceIncluded,
        input.insurance_included,
        next.insurance_included,
        false,
    );
    next.days = attribute::<K, _>(Attribute::Days, input.days, next.days, 0);
    next.percentage = attribute::<K, _>(
        Attribute::Percentage,
        input.percentage.map(Money::scaled),
        next.percentage,
        1_000_000,
    );
}
