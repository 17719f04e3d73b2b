//! Schemas of the OpenAPI document for string fields the validators hold to a
//! fixed list (feature `openapi`).

/// Declares `$name`, the schema of a string that is one of `$values`.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident = $values:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($values))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

string_enum!(
    /// A base unit: one of [`crate::commodities::units::BASE_UNITS`].
    BaseUnit = crate::commodities::units::BASE_UNITS
);
string_enum!(
    /// A parameter type: one of [`crate::commodities::parameters::PARAMETER_TYPES`].
    ParamType = crate::commodities::parameters::PARAMETER_TYPES
);
string_enum!(
    /// A commission type: one of [`crate::commodities::commissions::COMMISSION_TYPES`].
    CommissionType = crate::commodities::commissions::COMMISSION_TYPES
);
string_enum!(
    /// The party a commission applies to: one of [`crate::commodities::commissions::PARTIES`].
    Party = crate::commodities::commissions::PARTIES
);
