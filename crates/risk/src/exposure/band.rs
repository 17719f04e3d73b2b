//! The exposure monitor's bands (DOMAIN.md, "Risk"): by utilisation of the
//! credit limit, 100 %+ RED critical, 90 %+ RED high, 75 %+ YELLOW medium,
//! 50 %+ YELLOW low, else GREEN none.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How close a partner is to its credit limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Band {
    /// Under 50 %.
    Green,
    /// 50 % to under 90 %.
    Yellow,
    /// 90 % and more.
    Red,
}

impl Band {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Green => "GREEN",
            Band::Yellow => "YELLOW",
            Band::Red => "RED",
        }
    }

    /// The band stored as `name` (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_uppercase().as_str() {
            "GREEN" => Some(Band::Green),
            "YELLOW" => Some(Band::Yellow),
            "RED" => Some(Band::Red),
            _ => None,
        }
    }
}

/// How urgent a partner's utilisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Under 50 %.
    None,
    /// 50 % to under 75 %.
    Low,
    /// 75 % to under 90 %.
    Medium,
    /// 90 % to under 100 %.
    High,
    /// 100 % and more.
    Critical,
}

/// Utilised credit as a percentage of `limit`, cut to 2 places (never
/// rounded up, so 49.999 % reads 49.99 % and stays in the band it is in); a
/// zero limit is 0 % with nothing utilised and 100 % with anything utilised.
pub fn utilisation(utilised: Decimal, limit: Decimal) -> Decimal {
    if limit <= Decimal::ZERO {
        return if utilised > Decimal::ZERO {
            Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        };
    }
    (utilised * Decimal::ONE_HUNDRED / limit)
        .round_dp_with_strategy(2, RoundingStrategy::ToZero)
        .normalize()
}

/// The band and severity of a utilisation percentage.
pub fn classify(percent: Decimal) -> (Band, Severity) {
    let at = |n: i64| percent >= Decimal::from(n);
    if at(100) {
        (Band::Red, Severity::Critical)
    } else if at(90) {
        (Band::Red, Severity::High)
    } else if at(75) {
        (Band::Yellow, Severity::Medium)
    } else if at(50) {
        (Band::Yellow, Severity::Low)
    } else {
        (Band::Green, Severity::None)
    }
}
