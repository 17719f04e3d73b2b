//! The request schemas of the generic organization and commodity children:
//! each child kind's `Create` and `Update` input, with the validators'
//! constraints, on the create and update operations `Crud` describes.

use settings::commodities::commissions::Commissions;
use settings::commodities::parameters::Parameters;
use settings::commodities::varieties::Varieties;
use settings::organizations::Child;
use settings::organizations::bank_accounts::BankAccounts;
use settings::organizations::financial_years::FinancialYears;
use settings::organizations::gst::GstRegistrations;
use settings::organizations::series::DocumentSeriesChild;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref};
use utoipa::{PartialSchema, ToSchema};

/// Sets the request schemas of the children; see the module documentation.
pub struct ChildBodies;

impl utoipa::Modify for ChildBodies {
    fn modify(&self, openapi: &mut OpenApi) {
        organization_child::<GstRegistrations>(openapi);
        organization_child::<BankAccounts>(openapi);
        organization_child::<FinancialYears>(openapi);
        organization_child::<DocumentSeriesChild>(openapi);
        commodity_child::<Varieties>(openapi);
        commodity_child::<Parameters>(openapi);
        commodity_child::<Commissions>(openapi);
    }
}

fn commodity_child<C: Child>(openapi: &mut OpenApi)
where
    C::Create: ToSchema,
    C::Update: ToSchema,
{
    let collection = format!("/api/v1/settings/commodities/{{id}}/{}", C::SEGMENT);
    bodies::<C::Create, C::Update>(openapi, &collection, &format!("{collection}/{{child_id}}"));
}

fn organization_child<C: Child>(openapi: &mut OpenApi)
where
    C::Create: ToSchema,
    C::Update: ToSchema,
{
    let collection = format!("/api/v1/settings/organizations/{{org_id}}/{}", C::SEGMENT);
    bodies::<C::Create, C::Update>(openapi, &collection, &format!("{collection}/{{id}}"));
}

/// `Create` on the collection's POST, `Update` on the item's PATCH.
fn bodies<Create: ToSchema, Update: ToSchema>(openapi: &mut OpenApi, collection: &str, item: &str) {
    let create = register::<Create>(openapi);
    let update = register::<Update>(openapi);
    let paths = &mut openapi.paths.paths;
    if let Some(op) = paths.get_mut(collection).and_then(|i| i.post.as_mut()) {
        set_body(op, &create);
    }
    if let Some(op) = paths.get_mut(item).and_then(|i| i.patch.as_mut()) {
        set_body(op, &update);
    }
}

/// Adds `T` (and the schemas it refers to) to the components; answers its name.
fn register<T: ToSchema>(openapi: &mut OpenApi) -> String {
    let components = openapi.components.get_or_insert_with(Default::default);
    let name = T::name().into_owned();
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    for (nested_name, schema) in nested {
        components.schemas.entry(nested_name).or_insert(schema);
    }
    components
        .schemas
        .entry(name.clone())
        .or_insert_with(<T as PartialSchema>::schema);
    name
}

/// Sets `schema` (a component name) as the JSON body of `operation`.
pub(super) fn set_body(operation: &mut Operation, schema: &str) {
    if let Some(body) = operation.request_body.as_mut() {
        body.content.insert(
            "application/json".to_owned(),
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build(),
        );
    }
}
