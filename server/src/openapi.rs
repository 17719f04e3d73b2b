//! The OpenAPI document, generated from the handlers, and the interactive docs
//! page (Swagger UI, served from the binary, no network needed).

mod bodies;
mod crud;
mod errors;
mod params;
mod term_bodies;

use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::http::problem::{FieldProblem, Problem};
use crate::modules::Module;

/// The base of the API description: its info, the shared schemas and the
/// security scheme. Each module adds its paths and tags ([`document`]).
#[derive(OpenApi)]
#[openapi(
    info(title = "Commodity trading platform API", description = "Settings, identity, partners, risk and the trade desk."),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerScheme),
)]
pub struct ApiDoc;

/// The whole document: the base with every module's paths, schemas and tags
/// merged in, in the order of `modules`. Passes over the whole document run
/// here, after the merge.
pub fn document(modules: &[Module]) -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    for module in modules {
        document.merge((module.openapi)());
    }
    // Request schemas of the generic children and the trade terms, then the parameters and error
    // answers every operation shares with the middleware.
    bodies::ChildBodies.modify(&mut document);
    term_bodies::TermBodies.modify(&mut document);
    params::Parameters.modify(&mut document);
    errors::ErrorAnswers.modify(&mut document);
    document
}

/// Declares the `bearer` security scheme; each route lists the capability it
/// needs as the scheme's scope.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from /api/v1/auth/login. Scopes name the capability a route needs.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// The docs page at `/docs/` and `document` at [`OPENAPI_PATH`].
pub fn docs(document: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, document)
}

/// Documents the generic child routes of organizations (one set of handlers
/// serves every child kind, so their paths are described here); a pass of the
/// settings module's document.
pub(crate) struct OrganizationChildren;

impl utoipa::Modify for OrganizationChildren {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use settings::organizations::Child;
        use settings::organizations::{bank_accounts, financial_years, gst, series};
        for (segment, what, version_note) in [
            (
                gst::GstRegistrations::SEGMENT,
                "GST registrations (`gstin` with check digit, `branch_code`, `is_primary`)",
                "",
            ),
            (
                bank_accounts::BankAccounts::SEGMENT,
                "bank accounts (`account_holder`, `bank_name`, `account_number`, `ifsc`, `is_default`)",
                "",
            ),
            (
                financial_years::FinancialYears::SEGMENT,
                "financial years (`start_date` < `end_date`, no overlap, `is_active`)",
                " Updates must carry `version` (or If-Match); a stale one is 409.",
            ),
            (
                series::DocumentSeriesChild::SEGMENT,
                "document series (`document_type`, `prefix`, `financial_year_id`, `reset_annually`)",
                "",
            ),
        ] {
            let collection = format!("/api/v1/settings/organizations/{{org_id}}/{segment}");
            let update = format!("Changes one of the {what}.{version_note}");
            let crud = Crud {
                what,
                update: &update,
                read: "ORG_READ",
                write: "ORG_UPDATE",
                parent: &["org_id"],
                item: "id",
            };
            crud.add(&mut openapi.paths, &collection);
        }
    }
}

/// Documents the generic commodity children and trade-term masters; a pass of
/// the settings module's document.
pub(crate) struct CommodityParts;

impl utoipa::Modify for CommodityParts {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use infra::children::Child;
        use settings::commodities::terms::{self, TermKind};
        use settings::commodities::{commissions, parameters, varieties};
        let base = "/api/v1/settings/commodities";
        for (segment, what) in [
            (
                varieties::Varieties::SEGMENT,
                "varieties (`code`, `name`, `is_standard`: at most one)",
            ),
            (
                parameters::Parameters::SEGMENT,
                "quality parameters (`name`, `param_type` NUMERIC/TEXT/RANGE, `unit`, `min_value` < `max_value`, `default_value` within, `is_mandatory`, `display_order`)",
            ),
            (
                commissions::Commissions::SEGMENT,
                "commission structures (`commission_type` PERCENTAGE/FIXED/TIERED, `rate`, `min_amount`, `max_amount`, `applies_to` BUYER/SELLER/BOTH, ordered non-overlapping `tiers`)",
            ),
        ] {
            let update = format!("Changes one of the {what}.");
            let crud = Crud {
                what,
                update: &update,
                read: "COMMODITY_READ",
                write: "COMMODITY_UPDATE",
                parent: &["id"],
                item: "child_id",
            };
            crud.add(&mut openapi.paths, &format!("{base}/{{id}}/{segment}"));
        }
        for (segment, what) in [
            (
                terms::TradeTypes::SEGMENT,
                "trade types (`code`, `name`, `description`)",
            ),
            (terms::BargainTypes::SEGMENT, "bargain types (`needs_approval`)"),
            (
                terms::PassingTerms::SEGMENT,
                "passing terms (`needs_quality_test`)",
            ),
            (
                terms::WeightmentTerms::SEGMENT,
                "weightment terms (`deduction_percent`)",
            ),
            (
                terms::DeliveryTerms::SEGMENT,
                "delivery terms (`freight_included`, `insurance_included`)",
            ),
            (
                terms::PaymentTerms::SEGMENT,
                "payment terms (`days`, `percentage`)",
            ),
        ] {
            let update = format!("Changes one of the {what}; `code` cannot change.");
            let crud = Crud {
                what,
                update: &update,
                read: "COMMODITY_READ",
                write: "COMMODITY_UPDATE",
                parent: &[],
                item: "term_id",
            };
            crud.add(&mut openapi.paths, &format!("{base}/terms/{segment}"));
        }
    }
}

/// The five operations of a generic collection: create, list, get, update, delete.
struct Crud<'a> {
    what: &'a str,
    update: &'a str,
    read: &'a str,
    write: &'a str,
    parent: &'a [&'a str],
    item: &'a str,
}

impl Crud<'_> {
    fn add(&self, paths: &mut utoipa::openapi::path::Paths, collection: &str) {
        let item = format!("{collection}/{{{}}}", self.item);
        let mut item_params = self.parent.to_vec();
        item_params.push(self.item);
        let what = self.what;
        let id = crud::operation_id_prefix(collection);
        paths.add_path_operation(
            collection,
            vec![HttpMethod::Post],
            crud::with_body(
                operation(&format!("Adds {what}."), self.write, "201", self.parent),
                &format!("{id}.create"),
                what,
            ),
        );
        paths.add_path_operation(
            collection,
            vec![HttpMethod::Get],
            crud::paged(
                operation(&format!("Lists {what}."), self.read, "200", self.parent),
                &format!("{id}.list"),
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Get],
            crud::named(
                operation(&format!("One of the {what}."), self.read, "200", &item_params),
                &format!("{id}.get"),
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Patch],
            crud::with_body(
                operation(self.update, self.write, "200", &item_params),
                &format!("{id}.update"),
                what,
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Delete],
            crud::named(
                operation(
                    &format!("Deletes one of the {what}."),
                    self.write,
                    "200",
                    &item_params,
                ),
                &format!("{id}.delete"),
            ),
        );
    }
}

use utoipa::openapi::HttpMethod;

fn operation(
    summary: &str,
    capability: &str,
    status: &str,
    params: &[&str],
) -> utoipa::openapi::path::Operation {
    use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
    use utoipa::openapi::security::SecurityRequirement;
    use utoipa::openapi::{Required, ResponseBuilder};
    let mut builder = OperationBuilder::new()
        .tag("settings")
        .summary(Some(summary))
        .description(Some(format!("Capability: {capability}.")))
        .security(SecurityRequirement::new("bearer", [capability]))
        .response(
            status,
            ResponseBuilder::new().description("The item, with ETag").build(),
        )
        .response(
            "404",
            ResponseBuilder::new()
                .description("No such parent or item, or not visible")
                .build(),
        );
    for name in params {
        builder = builder.parameter(
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .build(),
        );
    }
    builder.build()
}
