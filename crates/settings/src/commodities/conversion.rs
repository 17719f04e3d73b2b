//! Quantity and billing conversion, in exact decimals.
//!
//! `base_quantity = trade_quantity × trade-unit factor` and
//! `billing_amount = base_quantity × rate_per_unit ÷ rate-unit factor`, the
//! one division done last. Results are rounded only here, for presentation,
//! half away from zero: quantities to 4 places (the storage scale), money to
//! 2 places (INR paise), always shown with both places.

use infra::{Money, Quantity, Validator};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::units::{Unit, Units};
use crate::error::SettingsError;

/// Decimal places of presented quantities and rates per base unit.
pub const QUANTITY_PLACES: u32 = 4;
/// Decimal places of presented money.
pub const MONEY_PLACES: u32 = 2;

/// What to convert.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConversionRequest {
    /// Quantity in `trade_unit`, above zero.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub trade_quantity: Quantity,
    /// The unit of the quantity.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub trade_unit: String,
    /// Price per one `rate_unit`, not negative.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub rate_per_unit: Money,
    /// The unit the rate is quoted per.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub rate_unit: String,
}

/// The converted quantity and the billing amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// As sent.
    #[serde(with = "rust_decimal::serde::str")]
    pub trade_quantity: Decimal,
    /// As sent.
    pub trade_unit: String,
    /// The quantity in the base unit (4 places).
    #[serde(with = "rust_decimal::serde::str")]
    pub base_quantity: Decimal,
    /// The commodity's base unit.
    pub base_unit: String,
    /// As sent.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_per_unit: Decimal,
    /// As sent.
    pub rate_unit: String,
    /// The rate per one base unit (4 places).
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_per_base_unit: Decimal,
    /// Quantity × rate (2 places).
    #[serde(with = "rust_decimal::serde::str")]
    pub billing_amount: Decimal,
}

fn round(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// Money always shows its two places (`480000.00`).
fn money(value: Decimal) -> Decimal {
    let mut rounded = round(value, MONEY_PLACES);
    rounded.rescale(MONEY_PLACES);
    rounded
}

fn too_large() -> SettingsError {
    SettingsError::field(
        "trade_quantity",
        "together with the rate gives an amount too large to compute",
    )
}

/// Converts `request` for a commodity measured in `base_unit`.
pub fn convert(
    base_unit: &str,
    units: &Units,
    request: &ConversionRequest,
) -> Result<Conversion, SettingsError> {
    let trade = request.trade_unit.trim().to_ascii_uppercase();
    let rate = request.rate_unit.trim().to_ascii_uppercase();
    let mut v = Validator::new();
    v.check(
        request.trade_quantity.value() > Decimal::ZERO,
        "trade_quantity",
        "must be above zero",
    );
    v.check(
        !request.rate_per_unit.value().is_sign_negative(),
        "rate_per_unit",
        "must not be negative",
    );
    let mut found: Vec<Option<&Unit>> = Vec::new();
    for (field, code) in [("trade_unit", &trade), ("rate_unit", &rate)] {
        let unit = units.find(code);
        match unit {
            None => {
                v.check(
                    false,
                    field,
                    &format!("{code} is not a known unit; see GET /api/v1/settings/commodities/units"),
                );
            }
            Some(u) if u.base_unit != base_unit => {
                let message = format!(
                    "{code} is a {} unit: trade unit {trade} and rate unit {rate} must both convert to the commodity's base unit {base_unit}",
                    u.base_unit
                );
                v.check(false, field, &message);
            }
            Some(_) => {}
        }
        found.push(unit);
    }
    v.finish()?;
    let (Some(Some(trade_unit)), Some(Some(rate_unit))) = (found.first(), found.get(1)) else {
        return Err(SettingsError::field("trade_unit", "is not a known unit"));
    };
    let quantity = request.trade_quantity.value();
    let price = request.rate_per_unit.value();
    let base_quantity = quantity.checked_mul(trade_unit.factor).ok_or_else(too_large)?;
    let amount = base_quantity
        .checked_mul(price)
        .and_then(|total| total.checked_div(rate_unit.factor))
        .ok_or_else(too_large)?;
    let per_base = price.checked_div(rate_unit.factor).ok_or_else(too_large)?;
    Ok(Conversion {
        trade_quantity: quantity,
        trade_unit: trade,
        base_quantity: round(base_quantity, QUANTITY_PLACES).normalize(),
        base_unit: base_unit.to_owned(),
        rate_per_unit: price,
        rate_unit: rate,
        rate_per_base_unit: round(per_base, QUANTITY_PLACES).normalize(),
        billing_amount: money(amount),
    })
}
