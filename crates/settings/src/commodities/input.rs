//! Inputs of the commodity operations and their validation.

use infra::{ValidationError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::model::Commodity;
use super::units::{BASE_UNITS, Units};

/// A new commodity.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCommodity {
    /// Display name, 2..200 characters, unique (case-insensitive) among live commodities.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: String,
    /// Category in upper case, such as COTTON; COTTON, WHEAT, RICE, OILSEEDS and
    /// YARN bring their quality parameter templates.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, pattern = r"^\s*[A-Za-z][A-Za-z0-9_]*\s*$")
    )]
    pub category: String,
    /// HSN code: 4, 6 or 8 digits.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*([0-9]{4}|[0-9]{6}|[0-9]{8})\s*$")
    )]
    pub hsn_code: String,
    /// GST rate in percent, 0..100, at most 4 decimal places.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub gst_rate: Decimal,
    /// KG, METER, LITER, PIECE or SQ_METER.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::BaseUnit, inline))]
    pub base_unit: String,
    /// A unit of the same base; the base unit when absent.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub trade_unit: Option<String>,
    /// A unit of the same base; the base unit when absent.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub rate_unit: Option<String>,
}

/// Changes to a commodity; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCommodity {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: Option<String>,
    /// New category (templates are applied only at creation).
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, pattern = r"^\s*[A-Za-z][A-Za-z0-9_]*\s*$")
    )]
    pub category: Option<String>,
    /// New HSN code.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*([0-9]{4}|[0-9]{6}|[0-9]{8})\s*$")
    )]
    pub hsn_code: Option<String>,
    /// New GST rate.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub gst_rate: Option<Decimal>,
    /// New base unit (trade and rate units must then match it).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::BaseUnit>, inline))]
    pub base_unit: Option<String>,
    /// New trade unit.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub trade_unit: Option<String>,
    /// New rate unit.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub rate_unit: Option<String>,
    /// Active or not.
    pub is_active: Option<bool>,
    /// The version the change is based on (or send `If-Match`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// Filters of the commodity list and search.
#[derive(Clone, Debug, Default)]
pub struct CommodityFilter {
    /// Only this category.
    pub category: Option<String>,
    /// HSN codes starting with this.
    pub hsn_code: Option<String>,
    /// Only active or only inactive.
    pub active: Option<bool>,
}

/// A commodity's editable fields, complete and normalized: what create,
/// update and bulk import all validate and store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CommodityFields {
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// HSN code.
    pub hsn_code: String,
    /// GST rate.
    pub gst_rate: Decimal,
    /// Base unit.
    pub base_unit: String,
    /// Trade unit.
    pub trade_unit: String,
    /// Rate unit.
    pub rate_unit: String,
    /// Active.
    pub is_active: bool,
}

fn upper(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

impl CommodityFields {
    /// Checks every field, naming each as `{prefix}{field}`.
    pub(crate) fn check(&self, units: &Units, prefix: &str, v: &mut Validator) {
        let field = |name: &str| format!("{prefix}{name}");
        v.check(
            (2..=200).contains(&self.name.chars().count()),
            &field("name"),
            "must be 2 to 200 characters",
        );
        v.check(
            crate::capabilities::is_code(&self.category) && self.category.len() <= 32,
            &field("category"),
            "must be an upper case code such as COTTON",
        );
        v.check(
            matches!(self.hsn_code.len(), 4 | 6 | 8) && self.hsn_code.bytes().all(|b| b.is_ascii_digit()),
            &field("hsn_code"),
            "must be 4, 6 or 8 digits",
        );
        v.check(
            self.gst_rate >= Decimal::ZERO
                && self.gst_rate <= Decimal::ONE_HUNDRED
                && infra::money::to_scaled(self.gst_rate).is_ok(),
            &field("gst_rate"),
            "must be a percentage from 0 to 100 with at most 4 decimal places",
        );
        let base_ok = BASE_UNITS.contains(&self.base_unit.as_str());
        v.check(
            base_ok,
            &field("base_unit"),
            "must be one of KG, METER, LITER, PIECE, SQ_METER",
        );
        for (name, code) in [("trade_unit", &self.trade_unit), ("rate_unit", &self.rate_unit)] {
            match units.find(code) {
                None => {
                    v.check(
                        false,
                        &field(name),
                        "is not a known unit; see GET /api/v1/settings/commodities/units",
                    );
                }
                Some(unit) if base_ok && unit.base_unit != self.base_unit => {
                    let message = format!(
                        "{code} is a {} unit, but the base unit is {}",
                        unit.base_unit, self.base_unit
                    );
                    v.check(false, &field(name), &message);
                }
                Some(_) => {}
            }
        }
    }

    /// Validates alone.
    pub(crate) fn validate(&self, units: &Units) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        self.check(units, "", &mut v);
        v.finish()
    }

    /// The fields of an existing commodity.
    pub(crate) fn of(c: &Commodity) -> Self {
        Self {
            name: c.name.clone(),
            category: c.category.clone(),
            hsn_code: c.hsn_code.clone(),
            gst_rate: c.gst_rate,
            base_unit: c.base_unit.clone(),
            trade_unit: c.trade_unit.clone(),
            rate_unit: c.rate_unit.clone(),
            is_active: c.is_active,
        }
    }
}

impl From<CreateCommodity> for CommodityFields {
    fn from(input: CreateCommodity) -> Self {
        let base = upper(&input.base_unit);
        Self {
            name: input.name.trim().to_owned(),
            category: upper(&input.category),
            hsn_code: input.hsn_code.trim().to_owned(),
            gst_rate: input.gst_rate.normalize(),
            trade_unit: input.trade_unit.as_deref().map_or_else(|| base.clone(), upper),
            rate_unit: input.rate_unit.as_deref().map_or_else(|| base.clone(), upper),
            base_unit: base,
            is_active: true,
        }
    }
}

impl UpdateCommodity {
    /// `before` with this update applied.
    pub(crate) fn apply(self, before: CommodityFields) -> CommodityFields {
        CommodityFields {
            name: self.name.map_or(before.name, |n| n.trim().to_owned()),
            category: self.category.as_deref().map_or(before.category, upper),
            hsn_code: self.hsn_code.map_or(before.hsn_code, |h| h.trim().to_owned()),
            gst_rate: self.gst_rate.map_or(before.gst_rate, |g| g.normalize()),
            base_unit: self.base_unit.as_deref().map_or(before.base_unit, upper),
            trade_unit: self.trade_unit.as_deref().map_or(before.trade_unit, upper),
            rate_unit: self.rate_unit.as_deref().map_or(before.rate_unit, upper),
            is_active: self.is_active.unwrap_or(before.is_active),
        }
    }
}
