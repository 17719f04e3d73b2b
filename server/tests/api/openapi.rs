//! The OpenAPI document: valid OpenAPI 3.1 (against the official schema,
//! vendored under `schemas/`, validated offline), every path parameter named
//! and typed, every operation with a unique stable `operationId` and each
//! error status it can answer as problem+json, request schemas carrying the
//! validators' constraints, and every documented route served.

use std::collections::{BTreeMap, BTreeSet};

use infra::testing::TestInfra;
use serde_json::{Value, json};

use crate::helpers::{create_admin, login, spawn_app};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn document() -> Value {
    serde_json::to_value(server::openapi::document(server::modules::MODULES)).unwrap()
}

fn official_schema() -> Value {
    serde_json::from_str(include_str!("schemas/openapi-3.1.json")).unwrap()
}

/// The violations of `doc` against the official schema.
fn violations(doc: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&official_schema()).unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Every operation: path, method, operation.
fn operations(doc: &Value) -> Vec<(String, &'static str, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.clone(), method, op.clone()));
            }
        }
    }
    out
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let doc = document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
    let errors = violations(&doc);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_validation_is_real_a_broken_document_fails_it() {
    let doc = document();
    let path = "/api/v1/settings/organizations/{org_id}";
    let mut no_schema = doc.clone();
    let params = no_schema["paths"][path]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params[0].as_object_mut().unwrap().remove("schema");
    assert!(
        !violations(&no_schema).is_empty(),
        "a path parameter without a schema"
    );
    let mut optional = doc.clone();
    optional["paths"][path]["get"]["parameters"][0]["required"] = json!(false);
    assert!(!violations(&optional).is_empty(), "an optional path parameter");
    let mut no_description = doc.clone();
    no_description["paths"][path]["get"]["responses"]["200"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    assert!(
        !violations(&no_description).is_empty(),
        "a response without description"
    );
    let mut bad_version = doc;
    bad_version["openapi"] = json!("3.0.3");
    assert!(!violations(&bad_version).is_empty(), "a 3.0 version");
}

#[test]
fn operation_ids_are_unique_and_stable() {
    let doc = document();
    let mut seen = BTreeMap::new();
    for (path, method, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        let well_formed = id.split('.').count() >= 2
            && id
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        assert!(well_formed, "{method} {path}: operationId {id}");
        if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
            panic!("operationId {id} is used by {other} and {method} {path}");
        }
    }
    // Spot checks: these names are part of the API's contract with generated clients.
    for (path, method, id) in [
        (
            "/api/v1/settings/organizations",
            "post",
            "settings.organizations.create",
        ),
        (
            "/api/v1/settings/organizations/{org_id}/gst-registrations/{id}",
            "patch",
            "settings.organizations.gst_registrations.update",
        ),
        (
            "/api/v1/settings/commodities/terms/payment-terms",
            "get",
            "settings.commodities.terms.payment_terms.list",
        ),
        ("/api/v1/auth/login", "post", "auth.login"),
    ] {
        assert_eq!(doc["paths"][path][method]["operationId"], id);
    }
}

#[test]
fn every_path_parameter_is_named_by_its_route_and_typed() {
    let doc = document();
    let mut count = 0;
    for (path, method, op) in operations(&doc) {
        let names: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|a| a.iter().filter(|p| p["in"] == "path").collect())
            .unwrap_or_default();
        let declared: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(declared, names, "{method} {path}");
        for p in params {
            count += 1;
            let name = p["name"].as_str().unwrap();
            assert_eq!(p["required"], true, "{method} {path} {name}");
            assert_eq!(p["schema"]["type"], "string", "{method} {path} {name}");
            if name == "id" || name.ends_with("_id") {
                assert_eq!(p["schema"]["format"], "uuid", "{method} {path} {name}");
            }
        }
    }
    assert!(count >= 74, "{count} path parameters");
}

const PUBLIC_ROUTES: [&str; 5] = [
    "/api/v1/auth/login",
    "/api/v1/auth/login/totp",
    "/api/v1/auth/refresh",
    "/api/v1/auth/otp/send",
    "/api/v1/auth/otp/verify",
];

/// The error statuses an operation must list, from what it is (see docs/api.md, "Errors").
fn required_statuses(path: &str, method: &str, op: &Value) -> BTreeSet<u16> {
    let mut out = BTreeSet::new();
    let api = path.starts_with("/api/v1/");
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let has = |place: &str, name: &str| params.iter().any(|p| p["in"] == place && p["name"] == name);
    let write = matches!(method, "post" | "put" | "patch" | "delete");
    if api {
        out.extend([429, 500, 503]);
    }
    let scopes = op["security"][0]["bearer"].as_array();
    if scopes.is_some() {
        out.insert(401);
    }
    if scopes.is_some_and(|s| !s.is_empty()) {
        out.insert(403);
    }
    if op["requestBody"]["content"].get("application/json").is_some() {
        out.extend([400, 413, 415, 422]);
    }
    if params.iter().any(|p| p["in"] == "query") {
        out.insert(400);
    }
    if has("query", "limit") {
        out.insert(422);
    }
    if api && path.contains('{') {
        out.insert(404);
        out.insert(400);
    }
    if api && method == "patch" {
        assert!(has("header", "If-Match"), "{method} {path}: If-Match");
        out.extend([400, 412]);
    }
    if api && write && !PUBLIC_ROUTES.contains(&path) && path != "/api/v1/auth/totp/setup" {
        assert!(
            has("header", "Idempotency-Key"),
            "{method} {path}: Idempotency-Key"
        );
        out.extend([400, 409, 413, 422]);
    }
    out
}

#[test]
fn every_operation_lists_its_error_statuses_as_problems() {
    let doc = document();
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    for (path, method, op) in operations(&doc) {
        let authenticated = path.starts_with("/api/v1/") && !PUBLIC_ROUTES.contains(&path.as_str());
        assert_eq!(
            op["security"][0].get("bearer").is_some(),
            authenticated,
            "{method} {path}: security"
        );
        let responses = op["responses"].as_object().unwrap();
        for status in required_statuses(&path, method, &op) {
            assert!(
                responses.contains_key(&status.to_string()),
                "{method} {path} does not list {status}"
            );
        }
        for (status, response) in responses {
            assert!(
                response["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{method} {path} {status}: no description"
            );
            if status.starts_with('4') || status.starts_with('5') {
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{method} {path} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// Whether `body` is valid for the request schema of `method` on `path`.
fn accepts(doc: &Value, path: &str, method: &str, body: &Value) -> bool {
    let schema = &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path}: no JSON request schema");
    let root = json!({"allOf": [schema], "components": doc["components"]});
    jsonschema::validator_for(&root).unwrap().is_valid(body)
}

#[test]
fn request_schemas_carry_the_validators_constraints() {
    let doc = document();
    let orgs = "/api/v1/settings/organizations";
    let create = &doc["components"]["schemas"]["CreateOrganization"];
    assert_eq!(create["required"], json!(["name"]));
    assert_eq!(create["additionalProperties"], false);
    assert_eq!(create["properties"]["name"]["minLength"], 2);
    assert_eq!(create["properties"]["name"]["maxLength"], 200);
    assert!(accepts(&doc, orgs, "post", &json!({"name": "Test Org"})));
    for bad in [
        json!({"name": "X"}),
        json!({"legal_name": "Test Org Private Limited"}),
        json!({"name": "Test Org", "pan": "AAPFU0939"}),
        json!({"name": "Test Org", "tds_rate": "100.5"}),
        json!({"name": "Test Org", "base_currency": "inr"}),
        json!({"name": "Test Org", "nickname": "T"}),
    ] {
        assert!(!accepts(&doc, orgs, "post", &bad), "{bad}");
    }
    assert!(accepts(
        &doc,
        orgs,
        "post",
        &json!({"name": "Test Org", "pan": "AAPFU0939F", "tds_rate": "2.5"})
    ));
    let places = "/api/v1/settings/locations";
    let place = |code: &str| json!({"name": "Rajkot APMC", "place_id": "p", "state_code": code});
    for code in ["GJ", "gj", "24", "01", "38"] {
        assert!(accepts(&doc, places, "post", &place(code)), "{code}");
    }
    for code in ["25", "28", "39", "Gujarat", "2"] {
        assert!(!accepts(&doc, places, "post", &place(code)), "{code}");
    }
    let far = json!({"name": "Rajkot APMC", "place_id": "p", "latitude": 95.0, "longitude": 10.0});
    assert!(!accepts(&doc, places, "post", &far));
    let commodity = |unit: &str| json!({"name": "Cotton", "category": "COTTON", "hsn_code": "5201", "gst_rate": "5", "base_unit": unit});
    let commodities = "/api/v1/settings/commodities";
    assert!(accepts(&doc, commodities, "post", &commodity("KG")));
    assert!(!accepts(&doc, commodities, "post", &commodity("TON")));
    let gst = "/api/v1/settings/organizations/{org_id}/gst-registrations";
    assert!(accepts(
        &doc,
        gst,
        "post",
        &json!({"gstin": "27AAPFU0939F1ZV", "branch_code": "MUM"})
    ));
    assert!(!accepts(&doc, gst, "post", &json!({"gstin": "27AAPFU0939"})));
    let bank = "/api/v1/settings/organizations/{org_id}/bank-accounts/{id}";
    assert!(accepts(
        &doc,
        bank,
        "patch",
        &json!({"ifsc": "HDFC0001234", "version": 2})
    ));
    assert!(!accepts(&doc, bank, "patch", &json!({"ifsc": "HDFC1001234"})));
    let parameters = "/api/v1/settings/commodities/{id}/parameters";
    let parameter =
        |kind: &str| json!({"name": "Moisture", "param_type": kind, "min_value": "0", "max_value": "12.5"});
    assert!(accepts(&doc, parameters, "post", &parameter("RANGE")));
    assert!(!accepts(&doc, parameters, "post", &parameter("COLOUR")));
    let users = "/api/v1/settings/users";
    let user = |kind: &str| json!({"kind": kind, "full_name": "Asha Rao", "email": "asha@example.com"});
    assert!(accepts(&doc, users, "post", &user("INTERNAL")));
    assert!(!accepts(&doc, users, "post", &user("ROBOT")));
}

/// A concrete path for a documented route.
#[test]
fn trade_term_schemas_take_exactly_their_kind_s_attributes() {
    let doc = document();
    let payment = "/api/v1/settings/commodities/terms/payment-terms";
    assert!(accepts(
        &doc,
        payment,
        "post",
        &json!({"code": "NET30", "name": "Net 30", "days": 30, "percentage": "100"})
    ));
    for bad in [
        json!({"name": "Net 30"}),
        json!({"code": "net30", "name": "Net 30"}),
        json!({"code": "NET30", "name": "Net 30", "days": 4000}),
        json!({"code": "NET30", "name": "Net 30", "percentage": "101"}),
        json!({"code": "NET30", "name": "Net 30", "needs_approval": true}),
    ] {
        assert!(!accepts(&doc, payment, "post", &bad), "accepted {bad}");
    }
    let item = format!("{payment}/{{term_id}}");
    assert!(accepts(
        &doc,
        &item,
        "patch",
        &json!({"name": "Net thirty", "version": 1})
    ));
    assert!(
        !accepts(&doc, &item, "patch", &json!({"code": "NET31"})),
        "code cannot change"
    );
    let bargain = "/api/v1/settings/commodities/terms/bargain-types";
    assert!(accepts(
        &doc,
        bargain,
        "post",
        &json!({"code": "SPOT", "name": "Spot", "needs_approval": true})
    ));
    assert!(!accepts(
        &doc,
        bargain,
        "post",
        &json!({"code": "SPOT", "name": "Spot", "days": 3})
    ));
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) if name == "id" || name.ends_with("_id") => uuid::Uuid::now_v7().to_string(),
            Some(_) => "INVOICE".to_owned(),
            None => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The served document is the one built, and the server routes each of its
/// operations: no request to a documented method and path answers 405 or the
/// 404 of an unknown route.
async fn every_documented_operation_is_served(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let served: Value = app.get("/api-docs/openapi.json").await.json().await.unwrap();
    assert_eq!(served, document());
    let token = login(&app, "root@example.com").await;
    let mut ops = operations(&served);
    // Logging out ends the session: last.
    ops.sort_by_key(|(path, _, _)| path == "/api/v1/auth/logout");
    for (path, method, _) in ops {
        let url = format!("{}{}", app.address, concrete(&path));
        let request = app
            .client
            .request(method.to_uppercase().parse().unwrap(), &url)
            .bearer_auth(&token);
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let unrouted = status == 404
            && body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("no resource at"));
        assert!(status != 405 && !unrouted, "{method} {path}: {status} {body}");
    }
}

infra::backend_tests!(every_documented_operation_is_served);
