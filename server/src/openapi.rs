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
        crate::routes::auth::login, crate::routes::auth::refresh, crate::routes::auth::logout, crate::routes::auth::me,
        crate::routes::auth::jwks,
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
    modifiers(&BearerScheme),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Login, tokens and sessions"),
        (name = "settings", description = "Users, roles, organizations and master data"),
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
