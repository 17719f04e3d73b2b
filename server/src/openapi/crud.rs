//! What the generic collection routes (`Crud`) add to each operation: a stable
//! `operationId` per segment, the JSON body of creates and updates, and the
//! query parameters of lists.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, HttpMethod, Required};

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

/// The five operations of a generic collection: create, list, get, update, delete.
pub(crate) struct Crud<'a> {
    /// What the collection holds, for summaries.
    pub what: &'a str,
    /// The update operation's description.
    pub update: &'a str,
    /// The capability that reads.
    pub read: &'a str,
    /// The capability that changes.
    pub write: &'a str,
    /// The parent path parameters.
    pub parent: &'a [&'a str],
    /// The item path parameter.
    pub item: &'a str,
}

impl Crud<'_> {
    /// Adds the five operations under `collection`.
    pub(crate) fn add(&self, paths: &mut utoipa::openapi::path::Paths, collection: &str) {
        let item = format!("{collection}/{{{}}}", self.item);
        let mut item_params = self.parent.to_vec();
        item_params.push(self.item);
        let what = self.what;
        let id = operation_id_prefix(collection);
        paths.add_path_operation(
            collection,
            vec![HttpMethod::Post],
            with_body(
                operation(&format!("Adds {what}."), self.write, "201", self.parent),
                &format!("{id}.create"),
                what,
            ),
        );
        paths.add_path_operation(
            collection,
            vec![HttpMethod::Get],
            paged(
                operation(&format!("Lists {what}."), self.read, "200", self.parent),
                &format!("{id}.list"),
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Get],
            named(
                operation(&format!("One of the {what}."), self.read, "200", &item_params),
                &format!("{id}.get"),
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Patch],
            with_body(
                operation(self.update, self.write, "200", &item_params),
                &format!("{id}.update"),
                what,
            ),
        );
        paths.add_path_operation(
            &item,
            vec![HttpMethod::Delete],
            named(
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
