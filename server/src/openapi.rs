//! The OpenAPI document, generated from the handlers, and the interactive docs
//! page (Swagger UI, served from the binary, no network needed).

use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::problem::{FieldProblem, Problem};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Commodity trading platform API", description = "Settings, identity, partners, risk and the trade desk."),
    paths(crate::routes::health::healthz, crate::routes::health::readyz, crate::routes::metrics::metrics),
    components(schemas(Problem, FieldProblem)),
    tags((name = "operations", description = "Health, readiness and metrics"))
)]
pub struct ApiDoc;

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// The docs page at `/docs/` and the document at [`OPENAPI_PATH`].
pub fn docs() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, ApiDoc::openapi())
}
