//! What the generic collection routes (`Crud`) add to each operation: a stable
//! `operationId` per segment, the JSON body of creates and updates, and the
//! query parameters of lists.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Required};

/// `settings.organizations.gst_registrations` for
/// `/api/v1/settings/organizations/{org_id}/gst-registrations`.
pub fn operation_id_prefix(collection: &str) -> String {
    collection
        .trim_start_matches(super::params::API_PREFIX)
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(|s| s.replace('-', "_"))
        .collect::<Vec<_>>()
        .join(".")
}

/// The operation with its id.
pub fn named(mut operation: Operation, id: &str) -> Operation {
    operation.operation_id = Some(id.to_owned());
    operation
}

/// The operation with its id and a JSON object body holding the fields `what` names.
pub fn with_body(operation: Operation, id: &str, what: &str) -> Operation {
    let mut operation = named(operation, id);
    let schema = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(format!("The fields of the {what}.")));
    operation.request_body = Some(
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(schema)).build(),
            )
            .build(),
    );
    operation
}

/// The operation with its id and `limit`, `cursor` (and for trade terms `active`).
pub fn paged(operation: Operation, id: &str) -> Operation {
    let mut operation = named(operation, id);
    let params = operation.parameters.get_or_insert_with(Vec::new);
    let limit = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(200));
    let query = |name: &str, description: &str, schema: ObjectBuilder| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(schema))
            .build()
    };
    params.push(query("limit", "Items per page, 1 to 200 (default 50)", limit));
    params.push(query(
        "cursor",
        "The `next_cursor` of the previous page",
        ObjectBuilder::new().schema_type(Type::String),
    ));
    if id.contains(".terms.") {
        params.push(query(
            "active",
            "Only active or only inactive terms",
            ObjectBuilder::new().schema_type(Type::Boolean),
        ));
    }
    operation
}
