//! The shapes of a quality parameter: the view callers see and the inputs
//! that create and change one. `code` is the parameter's key everywhere a
//! quality is named (values, ranges, filters): snake_case, unique per
//! commodity, fixed once created.

use chrono::{DateTime, Utc};
use infra::Quantity;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::parameter;

/// A quality parameter as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    /// Id.
    pub id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// Name, unique per commodity (case-insensitive).
    pub name: String,
    /// The key quality values name it by, such as `staple_length`: snake_case, unique per commodity.
    pub code: String,
    /// NUMERIC, TEXT or RANGE.
    pub param_type: String,
    /// Unit of the values, such as mm.
    pub unit: Option<String>,
    /// Lowest value.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub min_value: Option<Decimal>,
    /// Highest value.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub max_value: Option<Decimal>,
    /// Default value, as text.
    pub default_value: Option<String>,
    /// Whether every trade must state it.
    pub is_mandatory: bool,
    /// Position in lists, from 1.
    pub display_order: i64,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<parameter::Model> for Parameter {
    fn from(m: parameter::Model) -> Self {
        Self {
            id: m.id,
            commodity_id: m.commodity_id,
            code: m.code.unwrap_or_default(),
            name: m.name,
            param_type: m.param_type,
            unit: m.unit,
            min_value: m.min_value.map(infra::money::from_scaled),
            max_value: m.max_value.map(infra::money::from_scaled),
            default_value: m.default_value,
            is_mandatory: m.is_mandatory,
            display_order: m.display_order,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new quality parameter.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateParameter {
    /// Name, 2..100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: String,
    /// The key quality values name it by: snake_case, 2..64 characters,
    /// unique per commodity (default: the slug of the name, `Staple Length` ->
    /// `staple_length`). Fixed once created.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 2, max_length = 64, pattern = r"^[a-z][a-z0-9_]*[a-z0-9]$")
    )]
    pub code: Option<String>,
    /// NUMERIC, TEXT or RANGE.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::ParamType, inline))]
    pub param_type: String,
    /// Unit, up to 16 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub unit: Option<String>,
    /// Lowest value (not for TEXT).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^-?[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_value: Option<Quantity>,
    /// Highest value, above `min_value` (not for TEXT).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^-?[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_value: Option<Quantity>,
    /// Default: a decimal within the bounds, or text for TEXT.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub default_value: Option<String>,
    /// Whether every trade must state it (default false).
    pub is_mandatory: Option<bool>,
    /// Position (default: after the last).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub display_order: Option<i64>,
}

/// Changes to a quality parameter; the result is validated as a whole.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateParameter {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: Option<String>,
    /// New unit.
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub unit: Option<String>,
    /// New lowest value.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^-?[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_value: Option<Quantity>,
    /// New highest value.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^-?[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_value: Option<Quantity>,
    /// New default.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub default_value: Option<String>,
    /// Mandatory or not.
    pub is_mandatory: Option<bool>,
    /// New position.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub display_order: Option<i64>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}
