//! The OpenAPI document, generated from the handlers, and the interactive docs
//! page (Swagger UI, served from the binary, no network needed).

pub(crate) mod crud;
mod errors;
pub(crate) mod params;

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
    // The parameters and error answers every operation shares with the middleware.
    params::Parameters.modify(&mut document);
    errors::ErrorAnswers.modify(&mut document);
    document
}

/// Declares the `bearer` security scheme (each route lists the capability it
/// needs as the scheme's scope) and the `onboarding` one of the applicant.
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
        components.add_security_scheme(
            "onboarding",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Onboarding token from /api/v1/auth/otp/verify of a number without a user; \
                         accepted on /api/v1/partners/applications only.",
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
