//! Commission lines of a trade from the commodity's commission structures
//! (settings), computed on the trade's taxable amount (before GST):
//!
//! - PERCENTAGE: `rate` percent of the amount.
//! - FIXED: `rate` is the amount, once per paying party.
//! - TIERED: the tier holding the amount (`from_amount` inclusive,
//!   `to_amount` exclusive, the last tier open-ended) sets the percent for
//!   the **whole** amount, a slab rather than a marginal scale: 1 000 000 in
//!   a tier of 1 % pays 10 000 whatever the lower tiers charge. An amount
//!   outside every tier (below the first, or in a gap) has no tier rate and
//!   computes to zero before the clamp.
//! - The result is clamped to `min_amount` and `max_amount` when set, then
//!   rounded half-up to 2 places.
//! - `applies_to` BUYER or SELLER gives one line; BOTH gives two lines, one
//!   for each party, each paying the full computed commission.
//! - Inactive structures give no line.
//!
//! ```
//! use rust_decimal::Decimal;
//! use trade_desk::trades::commission::commission_of;
//! # let mut s = settings::commodities::commissions::CommissionStructure {
//! #     id: uuid::Uuid::nil(), commodity_id: uuid::Uuid::nil(), name: "Brokerage".into(),
//! #     commission_type: "PERCENTAGE".into(), rate: None, min_amount: None, max_amount: None,
//! #     applies_to: "BOTH".into(), tiers: None, is_active: true, version: 1,
//! #     created_at: chrono::Utc::now(), updated_at: chrono::Utc::now(),
//! # };
//! s.rate = Some("0.5".parse()?); // 0.5 %
//! s.max_amount = Some("2500".parse()?);
//! let (rate, amount) = commission_of(Decimal::from(1_000_000), &s)?;
//! assert_eq!(rate.map(|r| r.to_string()), Some("0.5".into()));
//! assert_eq!(amount.to_string(), "2500.00"); // 5000 clamped to the maximum
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use infra::{InfraError, Money, ServiceError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use settings::commodities::commissions::{CommissionStructure, Tier};
use uuid::Uuid;

use super::pricing::money;

/// One commission a party pays on a trade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommissionLine {
    /// The commission structure.
    pub structure_id: Uuid,
    /// Its name.
    pub name: String,
    /// PERCENTAGE, FIXED or TIERED.
    pub commission_type: String,
    /// Who pays this line: BUYER or SELLER.
    pub payer: String,
    /// The percent applied (PERCENTAGE, or the TIERED tier's); none for FIXED
    /// and for an amount outside every tier.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.5"))]
    pub rate: Option<Decimal>,
    /// The commission, half-up to 2 places, after the min/max clamp.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2500.00"))]
    pub amount: Decimal,
}

fn broken(what: &'static str) -> ServiceError {
    ServiceError::Infra(InfraError::Invariant(what))
}

/// The tier holding `value`: `from_amount <= value < to_amount`, or above
/// `from_amount` for the open-ended last tier.
pub fn tier_for(value: Decimal, tiers: &[Tier]) -> Option<&Tier> {
    tiers
        .iter()
        .find(|tier| value >= tier.from_amount.value() && tier.to_amount.is_none_or(|to| value < to.value()))
}

fn clamp(value: Decimal, min: Option<Money>, max: Option<Money>) -> Decimal {
    let value = min.map_or(value, |min| value.max(min.value()));
    max.map_or(value, |max| value.min(max.value()))
}

/// The percent applied (if any) and the commission one paying party owes
/// under `structure` on a trade of `value` (the taxable amount).
pub fn commission_of(
    value: Decimal,
    structure: &CommissionStructure,
) -> Result<(Option<Decimal>, Decimal), ServiceError> {
    let percent = |rate: Decimal| value * rate / Decimal::ONE_HUNDRED;
    let (rate, raw) = match structure.commission_type.as_str() {
        "PERCENTAGE" => {
            let rate = structure
                .rate
                .ok_or_else(|| broken("a PERCENTAGE commission structure has no rate"))?
                .value();
            (Some(rate), percent(rate))
        }
        "FIXED" => {
            let fixed = structure
                .rate
                .ok_or_else(|| broken("a FIXED commission structure has no rate"))?
                .value();
            (None, fixed)
        }
        "TIERED" => {
            let tiers = structure
                .tiers
                .as_deref()
                .ok_or_else(|| broken("a TIERED commission structure has no readable tiers"))?;
            match tier_for(value, tiers) {
                Some(tier) => (Some(tier.rate.value()), percent(tier.rate.value())),
                None => (None, Decimal::ZERO),
            }
        }
        _ => return Err(broken("a commission structure has an unknown commission type")),
    };
    let rate = rate.map(|r| r.normalize());
    Ok((
        rate,
        money(clamp(raw, structure.min_amount, structure.max_amount)),
    ))
}

/// Who pays under `applies_to`: BUYER, SELLER, or both of them for BOTH.
fn payers(applies_to: &str) -> Result<&'static [&'static str], ServiceError> {
    match applies_to {
        "BUYER" => Ok(&["BUYER"]),
        "SELLER" => Ok(&["SELLER"]),
        "BOTH" => Ok(&["BUYER", "SELLER"]),
        _ => Err(broken(
            "a commission structure applies to neither BUYER, SELLER nor BOTH",
        )),
    }
}

/// The commission lines of a trade of `value` (the taxable amount): one
/// per active structure and paying party, in the structures' order, BUYER
/// before SELLER.
pub fn commission_lines(
    value: Decimal,
    structures: &[CommissionStructure],
) -> Result<Vec<CommissionLine>, ServiceError> {
    let mut lines = Vec::new();
    for structure in structures.iter().filter(|s| s.is_active) {
        let (rate, amount) = commission_of(value, structure)?;
        for payer in payers(&structure.applies_to)? {
            lines.push(CommissionLine {
                structure_id: structure.id,
                name: structure.name.clone(),
                commission_type: structure.commission_type.clone(),
                payer: (*payer).to_owned(),
                rate,
                amount,
            });
        }
    }
    Ok(lines)
}
