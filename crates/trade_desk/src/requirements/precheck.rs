//! The buyer precheck stored on a requirement (DOMAIN.md, "Risk"): the
//! buyer's standing ([`risk::facts`]) checked by [`risk::precheck::buyer`]
//! for the trade value the requirement may reach, made at create and again
//! whenever the quantities, prices or budget change. It is stored, not
//! enforced: a FAIL does not refuse the requirement (the issue asks for the
//! precheck stored; refusing is for the trade, where the exposure is taken).
//!
//! The value checked is `base_max_quantity` x the highest price per base
//! unit: `max_price`, else `preferred_price`, converted through the
//! commodity's units (`price / factor(price_unit)`); without either price
//! the `total_budget`; without a budget 0, which checks the buyer's standing
//! alone (rating and payment record, no limit finding).

use infra::ServiceError;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::requirement;
use super::rules::Draft;

/// The buyer precheck as a requirement answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Precheck {
    /// 0..=100, higher is safer.
    pub score: i32,
    /// PASS (75+), WARN (50-74) or FAIL.
    pub status: String,
    /// Every finding: `{factor, points, reason}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub factors: Vec<risk::precheck::Factor>,
    /// The trade value checked, INR (decimal string).
    pub value: String,
}

impl Precheck {
    /// The precheck stored on `row`, if one is.
    pub fn of(row: &requirement::Model) -> Option<Self> {
        let (score, status) = (row.precheck_score?, row.precheck_status.clone()?);
        let factors = row
            .precheck_factors
            .clone()
            .and_then(|f| serde_json::from_value(f).ok())
            .unwrap_or_default();
        let value = infra::money::from_scaled(row.precheck_value.unwrap_or(0));
        Some(Self {
            score,
            status,
            factors,
            value: value.normalize().to_string(),
        })
    }
}

/// `price` per `price_unit` as a price per base unit: divided by the unit's
/// factor, rounded half-up to 4 places; `None` for an unknown unit.
pub fn per_base_unit(units: &Units, price: Decimal, price_unit: &str) -> Option<Decimal> {
    let unit = units.find(price_unit)?;
    if unit.factor.is_zero() {
        return None;
    }
    Some(
        (price / unit.factor)
            .round_dp_with_strategy(infra::money::SCALE, RoundingStrategy::MidpointAwayFromZero),
    )
}

/// The highest price per base unit of `draft` (`max_price`, else `preferred_price`).
pub fn base_max_price(units: &Units, draft: &Draft) -> Option<Decimal> {
    let price = draft.max_price.or(draft.preferred_price)?;
    per_base_unit(units, price, draft.price_unit.as_deref()?)
}

/// The trade value checked for `draft` whose base maximum is `base_max_quantity`.
pub fn value(units: &Units, draft: &Draft, base_max_quantity: Decimal) -> Decimal {
    match base_max_price(units, draft) {
        Some(price) => (base_max_quantity * price)
            .round_dp_with_strategy(infra::money::SCALE, RoundingStrategy::MidpointAwayFromZero),
        None => draft.total_budget.unwrap_or(Decimal::ZERO),
    }
}

/// The precheck of `buyer` for a trade worth `value`, read on `db`.
pub async fn assess<C: ConnectionTrait>(
    db: &C,
    buyer: Uuid,
    value: Decimal,
) -> Result<risk::precheck::Outcome, ServiceError> {
    let facts = risk::facts::load(db, &[buyer]).await?;
    let standing = match facts.get(&buyer) {
        Some(f) => f.standing(risk::Side::Buyer),
        None => risk::precheck::Standing::neutral(Decimal::ZERO, Decimal::ZERO),
    };
    Ok(risk::precheck::buyer(&standing, value))
}

/// Writes `outcome` for `value` onto `row` (scores, verdict, findings, value).
pub fn store(
    row: &mut requirement::Model,
    outcome: &risk::precheck::Outcome,
    value: Decimal,
) -> Result<(), ServiceError> {
    row.precheck_score = Some(outcome.score);
    row.precheck_status = Some(outcome.status.as_str().to_owned());
    row.precheck_factors = Some(serde_json::to_value(&outcome.factors)?);
    row.precheck_value = Some(super::scaled(value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use settings::commodities::units::Unit;

    fn units() -> Units {
        let unit = |code: &str, factor: &str| Unit {
            code: code.into(),
            base_unit: "KG".into(),
            factor: factor.parse().unwrap_or_default(),
            category: "WEIGHT".into(),
        };
        Units(vec![
            unit("KG", "1"),
            unit("QUINTAL", "100"),
            unit("CANDY", "355.6222"),
        ])
    }

    #[test]
    fn prices_are_converted_to_the_base_unit_half_up() {
        let units = units();
        let per_kg = per_base_unit(&units, Decimal::from(62_000), "CANDY");
        assert_eq!(per_kg.map(|p| p.to_string()), Some("174.3423".into()));
        let quintal = per_base_unit(&units, Decimal::from(5_000), "QUINTAL");
        assert_eq!(quintal, Some(Decimal::from(50)));
        assert_eq!(per_base_unit(&units, Decimal::ONE, "BALE"), None, "unknown");
    }
}
