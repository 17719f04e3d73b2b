//! The request schemas of the six trade-term masters: one create and one
//! update schema per kind, with exactly the attributes the kind takes and the
//! constraints `TermInput::validate` enforces (`code` upper case and at most
//! 32 characters, required on create and refused on update; `name` 2 to 100
//! characters; `description` at most 500; percentages 0 to 100; days 0 to 3650).

use settings::commodities::terms::{
    Attribute, BargainTypes, DeliveryTerms, PassingTerms, PaymentTerms, TermKind, TradeTypes, WeightmentTerms,
};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Schema};

use super::bodies::set_body;

/// A percentage as the API writes money: a decimal string from 0 to 100.
const PERCENT: &str = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$";

/// Sets the request schemas of the trade terms; see the module documentation.
pub struct TermBodies;

impl utoipa::Modify for TermBodies {
    fn modify(&self, openapi: &mut OpenApi) {
        kind::<TradeTypes>(openapi, "TradeType");
        kind::<BargainTypes>(openapi, "BargainType");
        kind::<PassingTerms>(openapi, "PassingTerm");
        kind::<WeightmentTerms>(openapi, "WeightmentTerm");
        kind::<DeliveryTerms>(openapi, "DeliveryTerm");
        kind::<PaymentTerms>(openapi, "PaymentTerm");
    }
}

fn string(min: Option<usize>, max: usize, pattern: Option<&str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(min)
        .max_length(Some(max))
        .pattern(pattern)
}

fn boolean() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Boolean)
}

/// The schema of a create (`creating`) or an update of kind `K`.
fn schema<K: TermKind>(creating: bool) -> Schema {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
        .property("name", string(Some(2), 100, None))
        .property("description", string(None, 500, None));
    if creating {
        object = object
            .property("code", string(Some(1), 32, Some("^[A-Z][A-Z0-9_]*$")))
            .required("code")
            .required("name");
    } else {
        object = object.property("is_active", boolean()).property(
            "version",
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)),
        );
    }
    for attribute in K::ATTRIBUTES {
        object = match attribute {
            Attribute::NeedsApproval => object.property("needs_approval", boolean()),
            Attribute::NeedsQualityTest => object.property("needs_quality_test", boolean()),
            Attribute::FreightIncluded => object.property("freight_included", boolean()),
            Attribute::InsuranceIncluded => object.property("insurance_included", boolean()),
            Attribute::DeductionPercent => {
                object.property("deduction_percent", string(None, 9, Some(PERCENT)))
            }
            Attribute::Percentage => object.property("percentage", string(None, 9, Some(PERCENT))),
            Attribute::Days => object.property(
                "days",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0))
                    .maximum(Some(3650)),
            ),
        };
    }
    Schema::Object(object.build())
}

/// Registers kind `K`'s schemas as `{stem}Create` / `{stem}Update` and sets
/// them on its create (POST) and update (PATCH) operations.
fn kind<K: TermKind>(openapi: &mut OpenApi, stem: &str) {
    let collection = format!("/api/v1/settings/commodities/terms/{}", K::SEGMENT);
    let item = format!("{collection}/{{term_id}}");
    let components = openapi.components.get_or_insert_with(Default::default);
    let (create, update) = (format!("{stem}Create"), format!("{stem}Update"));
    components
        .schemas
        .insert(create.clone(), schema::<K>(true).into());
    components
        .schemas
        .insert(update.clone(), schema::<K>(false).into());
    let paths = &mut openapi.paths.paths;
    if let Some(op) = paths.get_mut(&collection).and_then(|i| i.post.as_mut()) {
        set_body(op, &create);
    }
    if let Some(op) = paths.get_mut(&item).and_then(|i| i.patch.as_mut()) {
        set_body(op, &update);
    }
}
