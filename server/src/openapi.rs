//! The OpenAPI document, generated from the handlers, and the interactive docs
//! page (Swagger UI, served from the binary, no network needed).

use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::problem::{FieldProblem, Problem};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Commodity trading platform API", description = "Settings, identity, partners, risk and the trade desk."),
    paths(
        crate::routes::health::healthz, crate::routes::health::readyz, crate::routes::metrics::metrics,
        crate::routes::auth::login, crate::routes::auth::refresh, crate::routes::auth::otp_send, crate::routes::auth::otp_verify,
        crate::routes::auth::login_totp, crate::routes::auth::profile, crate::routes::auth::totp_setup, crate::routes::auth::totp_confirm, crate::routes::auth::totp_disable, crate::routes::auth::logout, crate::routes::auth::me,
        crate::routes::auth::jwks, crate::routes::ws::connect,
        crate::routes::admin::failed, crate::routes::admin::requeue, crate::routes::admin::discard,
        crate::routes::auth::sessions, crate::routes::auth::revoke_session, crate::routes::auth::revoke_others,
        crate::routes::auth::sub_user_create, crate::routes::auth::sub_user_list, crate::routes::auth::sub_user_disable,
        crate::routes::auth::sub_user_enable, crate::routes::auth::sub_user_delete,
        crate::routes::settings::roles::list,
        crate::routes::settings::users::create, crate::routes::settings::users::list, crate::routes::settings::users::get,
        crate::routes::settings::users::update, crate::routes::settings::users::disable,
        crate::routes::settings::users::enable, crate::routes::settings::users::assign_roles,
        crate::routes::settings::users::grant, crate::routes::settings::users::revoke,
        crate::routes::settings::organizations::create, crate::routes::settings::organizations::list,
        crate::routes::settings::organizations::get, crate::routes::settings::organizations::update,
        crate::routes::settings::organizations::delete, crate::routes::settings::organizations::next_number,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerScheme, &OrganizationChildren),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Login, tokens and sessions"),
        (name = "settings", description = "Users, roles, organizations and master data"),
        (name = "realtime", description = "WebSocket pushes of events"),
    )
)]
pub struct ApiDoc;

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

/// The docs page at `/docs/` and the document at [`OPENAPI_PATH`].
pub fn docs() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, ApiDoc::openapi())
}

/// Documents the generic child routes of organizations (one set of handlers
/// serves every child kind, so their paths are described here).
struct OrganizationChildren;

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
            let item = format!("{collection}/{{id}}");
            let paths = &mut openapi.paths;
            paths.add_path_operation(
                &collection,
                vec![HttpMethod::Post],
                operation(&format!("Adds {what}."), "ORG_UPDATE", "201", &["org_id"]),
            );
            paths.add_path_operation(
                &collection,
                vec![HttpMethod::Get],
                operation(&format!("Lists {what}."), "ORG_READ", "200", &["org_id"]),
            );
            paths.add_path_operation(
                &item,
                vec![HttpMethod::Get],
                operation(
                    &format!("One of the {what}."),
                    "ORG_READ",
                    "200",
                    &["org_id", "id"],
                ),
            );
            let update = format!("Changes one of the {what}.{version_note}");
            paths.add_path_operation(
                &item,
                vec![HttpMethod::Patch],
                operation(&update, "ORG_UPDATE", "200", &["org_id", "id"]),
            );
            paths.add_path_operation(
                &item,
                vec![HttpMethod::Delete],
                operation(
                    &format!("Deletes one of the {what}."),
                    "ORG_UPDATE",
                    "200",
                    &["org_id", "id"],
                ),
            );
        }
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
                .description("No such organization or item, or not visible")
                .build(),
        )
        .response(
            "422",
            ResponseBuilder::new()
                .description("Invalid fields, each named")
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
