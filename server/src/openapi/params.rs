//! Parameters every operation shares with the middleware and the route
//! grammar: each `{name}` of a path as a required path parameter with a schema
//! (`format: uuid` for ids), `Idempotency-Key` on the writes it applies to and
//! `If-Match` on updates.

use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{OpenApi, Required};

/// Completes the parameters of every operation; see the module documentation.
pub struct Parameters;

impl utoipa::Modify for Parameters {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations_mut(item) {
                path_parameters(path, operation);
                if idempotent(path, method) {
                    header(
                        operation,
                        "Idempotency-Key",
                        "Makes the write safe to retry: the same key and request answer the first result \
                         (`Idempotent-Replayed: true`); 1 to 255 visible ASCII characters or a quoted string.",
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                            .max_length(Some(infra::IdempotencyKey::MAX_LEN + 2)),
                    );
                }
                if method == "patch" && path.starts_with(API_PREFIX) {
                    header(
                        operation,
                        "If-Match",
                        "The ETag of the version the change is based on, such as `\"3\"` (or send `version`).",
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(r#"^(W/)?"?[0-9]+"?$"#)),
                    );
                }
            }
        }
    }
}

/// Where the versioned API lives; the middleware (auth, limits, idempotency) wraps it.
pub const API_PREFIX: &str = "/api/v1/";

/// Whether the idempotency middleware handles `method` on `path`
/// (`crate::http::idempotency`): writes under `/api/v1` except the token
/// routes and those whose answers hold secrets.
pub fn idempotent(path: &str, method: &str) -> bool {
    matches!(method, "post" | "put" | "patch" | "delete")
        && path.starts_with(API_PREFIX)
        && !crate::http::auth::PUBLIC_ROUTES.contains(&path)
        && !crate::http::idempotency::SECRET_ROUTES.contains(&path)
}

/// The `{name}` segments of a route, in order.
pub fn path_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// Whether a path parameter holds an id (a UUID): `id` or `*_id`.
pub fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// The operations of a path item with their lower-case method.
pub fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
    .collect()
}

/// One path parameter per `{name}` of `path`, each required with a schema;
/// path parameters the path does not name are dropped.
fn path_parameters(path: &str, operation: &mut Operation) {
    let names = path_names(path);
    let existing = operation.parameters.take().unwrap_or_default();
    let (path_params, mut others): (Vec<Parameter>, Vec<Parameter>) = existing
        .into_iter()
        .partition(|p| matches!(p.parameter_in, ParameterIn::Path));
    let mut params: Vec<Parameter> = names
        .iter()
        .map(|name| {
            let description = path_params
                .iter()
                .find(|p| p.name == *name)
                .and_then(|p| p.description.clone())
                .unwrap_or_else(|| default_description(name));
            let schema = if is_id(name) {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
            } else {
                ObjectBuilder::new().schema_type(Type::String).min_length(Some(1))
            };
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        })
        .collect();
    params.append(&mut others);
    operation.parameters = (!params.is_empty()).then_some(params);
}

fn default_description(name: &str) -> String {
    match name {
        "id" => "The id of the item".to_owned(),
        "org_id" => "The id of the organization".to_owned(),
        "doc_type" => "The document type, such as INVOICE".to_owned(),
        "capability" => "The capability code, such as ORG_READ".to_owned(),
        other => match other.strip_suffix("_id") {
            Some(what) => format!("The id of the {}", what.replace('_', " ")),
            None => format!("The {}", other.replace('_', " ")),
        },
    }
}

/// Adds an optional header parameter unless the operation already declares it.
fn header(operation: &mut Operation, name: &str, description: &str, schema: ObjectBuilder) {
    let params = operation.parameters.get_or_insert_with(Vec::new);
    if params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Header) && p.name.eq_ignore_ascii_case(name))
    {
        return;
    }
    params.push(
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(schema))
            .build(),
    );
}
