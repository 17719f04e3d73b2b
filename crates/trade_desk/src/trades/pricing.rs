//! The money of a trade: its amount by the unit conversion, GST at the
//! commodity's rate, the commission lines and the total ([`TradeMoney`]).
//!
//! - Amount: `quantity × unit factor × price ÷ price-unit factor`, exact in
//!   `rust_decimal` (the one division last, as the settings conversion
//!   does), then half-up to 2 places. That rounded amount is the taxable
//!   value every other line is computed from, so the note's lines add up.
//! - GST: at the commodity's rate (percent; the catalogue stores it scaled
//!   by 10^4, see [`gst_percent`]). When the first two digits of the
//!   seller's and the buyer's GSTINs name the same state, CGST and SGST are
//!   each computed at half the rate and rounded half-up to 2 places; IGST at
//!   the full rate otherwise. A party without a GSTIN (or with one that
//!   does not start with a GST state code) cannot show the supply to be
//!   within one state, so the trade is priced as inter-state: IGST.
//! - Commission: see [`super::commission`]; lines listed with who pays,
//!   not part of the total.
//! - Total: amount + GST, what the buyer owes the seller, with its words.
//!
//! ```
//! use rust_decimal::Decimal;
//! use settings::commodities::units::{Unit, Units};
//! use trade_desk::trades::pricing::{PriceInput, Supply, price_trade};
//!
//! let unit = |code: &str, factor: Decimal| Unit {
//!     code: code.into(),
//!     base_unit: "KG".into(),
//!     factor,
//!     category: "WEIGHT".into(),
//! };
//! let units = Units(vec![unit("BALE", Decimal::from(170)), unit("QUINTAL", Decimal::from(100))]);
//! let input = PriceInput {
//!     base_unit: "KG",
//!     quantity: "100".parse()?,
//!     unit: "BALE",
//!     price: "7000".parse()?,
//!     price_unit: "QUINTAL",
//!     gst_rate: Decimal::from(5),
//!     seller_gstin: Some("27AAPFU0939F1ZV"),
//!     buyer_gstin: Some("27AAGCB7383J1Z4"),
//!     commissions: &[],
//! };
//! let money = price_trade(&units, &input)?;
//! assert_eq!(money.amount.to_string(), "1190000.00"); // 17000 KG at 70 per KG
//! assert_eq!(money.supply, Supply::IntraState);
//! assert_eq!(money.cgst.to_string(), "29750.00");
//! assert_eq!(money.total.to_string(), "1249500.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use infra::{Money, Quantity, ServiceError};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use settings::commodities::commissions::CommissionStructure;
use settings::commodities::entity::commodity;
use settings::commodities::units::{Unit, Units};

use super::commission::{CommissionLine, commission_lines};
use super::words::rupees_in_words;

/// Decimal places of money on a trade (INR paise).
pub const MONEY_PLACES: u32 = 2;
/// Decimal places of quantities in the base unit (the storage scale).
pub const QUANTITY_PLACES: u32 = 4;

/// Whether the supply stays within one state (CGST + SGST) or not (IGST).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Supply {
    /// Seller and buyer GSTINs name the same state.
    IntraState,
    /// Different states, or a party without a GSTIN.
    InterState,
}

/// Everything a trade is priced from.
#[derive(Clone, Copy, Debug)]
pub struct PriceInput<'a> {
    /// The commodity's base unit (KG, METER, …).
    pub base_unit: &'a str,
    /// Quantity traded, above zero, in `unit`.
    pub quantity: Quantity,
    /// A unit of the base unit.
    pub unit: &'a str,
    /// Price per one `price_unit`, not negative.
    pub price: Money,
    /// A unit of the base unit.
    pub price_unit: &'a str,
    /// GST rate in percent (5 for 5 %), see [`gst_percent`].
    pub gst_rate: Decimal,
    /// The seller's GSTIN, if registered.
    pub seller_gstin: Option<&'a str>,
    /// The buyer's GSTIN, if registered.
    pub buyer_gstin: Option<&'a str>,
    /// The commodity's commission structures (inactive ones are skipped).
    pub commissions: &'a [CommissionStructure],
}

/// A trade's money lines, each a decimal string with 2 places in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeMoney {
    /// The quantity in the commodity's base unit (half-up to 4 places).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17000"))]
    pub base_quantity: Decimal,
    /// The commodity's base unit.
    pub base_unit: String,
    /// Quantity × price by the unit conversion, half-up to 2 places: the taxable value.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1190000.00"))]
    pub amount: Decimal,
    /// The commodity's GST rate, percent.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "5"))]
    pub gst_rate: Decimal,
    /// INTRA_STATE (CGST + SGST) or INTER_STATE (IGST).
    pub supply: Supply,
    /// Central GST at half the rate (intra-state), else 0.00.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "29750.00"))]
    pub cgst: Decimal,
    /// State GST at half the rate (intra-state), else 0.00.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "29750.00"))]
    pub sgst: Decimal,
    /// Integrated GST at the full rate (inter-state), else 0.00.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.00"))]
    pub igst: Decimal,
    /// CGST + SGST + IGST.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "59500.00"))]
    pub gst: Decimal,
    /// Amount + GST: what the buyer owes the seller (commission not included).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1249500.00"))]
    pub total: Decimal,
    /// The total in Indian words (`Rupees Twelve Lakh … Only`).
    pub total_in_words: String,
    /// One line per commission structure and paying party.
    pub commissions: Vec<CommissionLine>,
}

/// The amount of a trade before tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The quantity in the base unit, exact.
    pub base_quantity: Decimal,
    /// Quantity × price, exact (up to 28 significant digits).
    pub exact: Decimal,
    /// `exact` half-up to 2 places, always with both places.
    pub rounded: Decimal,
}

/// `value` half-up (away from zero) to 2 places, always showing both.
pub fn money(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(MONEY_PLACES, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(MONEY_PLACES);
    rounded
}

/// A commodity's GST rate in percent: the catalogue stores it scaled by 10^4
/// (`50000` is 5 %).
pub fn gst_percent(commodity: &commodity::Model) -> Decimal {
    infra::money::from_scaled(commodity.gst_rate)
}

/// The GST state code (first two digits) of a GSTIN, when it names a state.
pub fn gst_state(gstin: Option<&str>) -> Option<&str> {
    let code = gstin?.trim().get(..2)?;
    settings::tax_ids::gst_state(code).map(|_| code)
}

/// INTRA_STATE when both GSTINs name the same state, INTER_STATE otherwise
/// (including a party without a GSTIN).
pub fn supply(seller_gstin: Option<&str>, buyer_gstin: Option<&str>) -> Supply {
    match (gst_state(seller_gstin), gst_state(buyer_gstin)) {
        (Some(seller), Some(buyer)) if seller == buyer => Supply::IntraState,
        _ => Supply::InterState,
    }
}

fn unit_of<'u>(units: &'u Units, base_unit: &str, field: &str, code: &str) -> Result<&'u Unit, ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    match units.find(&code) {
        None => Err(ServiceError::field(
            field,
            &format!("{code} is not a known unit; see GET /api/v1/settings/commodities/units"),
        )),
        Some(unit) if unit.base_unit != base_unit => Err(ServiceError::field(
            field,
            &format!(
                "{code} is a {} unit: use a unit of the commodity's base unit {base_unit}",
                unit.base_unit
            ),
        )),
        Some(unit) => Ok(unit),
    }
}

fn too_large() -> ServiceError {
    ServiceError::field(
        "quantity",
        "together with the price gives an amount too large to compute",
    )
}

/// The amount of `quantity` in `unit` at `price` per `price_unit`, both
/// units of `base_unit`. Fields named in errors: `quantity`, `unit`,
/// `price`, `price_unit`.
pub fn amount(
    units: &Units,
    base_unit: &str,
    quantity: Quantity,
    unit: &str,
    price: Money,
    price_unit: &str,
) -> Result<Amount, ServiceError> {
    if quantity.value() <= Decimal::ZERO {
        return Err(ServiceError::field("quantity", "must be above zero"));
    }
    if price.value().is_sign_negative() && !price.value().is_zero() {
        return Err(ServiceError::field("price", "must not be negative"));
    }
    let unit = unit_of(units, base_unit, "unit", unit)?;
    let price_unit = unit_of(units, base_unit, "price_unit", price_unit)?;
    let base_quantity = quantity.value().checked_mul(unit.factor).ok_or_else(too_large)?;
    let exact = base_quantity
        .checked_mul(price.value())
        .and_then(|value| value.checked_div(price_unit.factor))
        .ok_or_else(too_large)?;
    Ok(Amount {
        base_quantity,
        exact,
        rounded: money(exact),
    })
}

fn percent_of(value: Decimal, rate: Decimal) -> Decimal {
    money(value * rate / Decimal::ONE_HUNDRED)
}

/// Prices a trade: amount, GST lines, commission lines and total.
pub fn price_trade(units: &Units, input: &PriceInput<'_>) -> Result<TradeMoney, ServiceError> {
    let amount = amount(
        units,
        input.base_unit,
        input.quantity,
        input.unit,
        input.price,
        input.price_unit,
    )?;
    let taxable = amount.rounded;
    let supply = supply(input.seller_gstin, input.buyer_gstin);
    let zero = money(Decimal::ZERO);
    let (cgst, sgst, igst) = match supply {
        Supply::IntraState => {
            let half = percent_of(taxable, input.gst_rate / Decimal::TWO);
            (half, half, zero)
        }
        Supply::InterState => (zero, zero, percent_of(taxable, input.gst_rate)),
    };
    let gst = cgst + sgst + igst;
    let total = taxable + gst;
    let mut base_quantity = amount
        .base_quantity
        .round_dp_with_strategy(QUANTITY_PLACES, RoundingStrategy::MidpointAwayFromZero);
    base_quantity = base_quantity.normalize();
    Ok(TradeMoney {
        base_quantity,
        base_unit: input.base_unit.to_owned(),
        amount: taxable,
        gst_rate: input.gst_rate.normalize(),
        supply,
        cgst,
        sgst,
        igst,
        gst,
        total,
        total_in_words: rupees_in_words(total),
        commissions: commission_lines(taxable, input.commissions)?,
    })
}

#[cfg(test)]
#[path = "pricing_tests.rs"]
mod tests;
