//! `/api/v1/settings/organizations`: organizations, their children through one
//! generic set of handlers, and document numbering.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use serde::Deserialize;
use settings::organizations::bank_accounts::BankAccounts;
use settings::organizations::financial_years::FinancialYears;
use settings::organizations::gst::GstRegistrations;
use settings::organizations::series::DocumentSeriesChild;
use settings::organizations::{CreateOrganization, OrganizationFilter, UpdateOrganization};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::routes::children;
use crate::state::AppState;

/// Registers the organization routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope("/organizations")
        .route("", web::post().to(create))
        .route("", web::get().to(list))
        .route("/{org_id}", web::get().to(get))
        .route("/{org_id}", web::patch().to(update))
        .route("/{org_id}", web::delete().to(delete))
        .route(
            "/{org_id}/next-document-number/{doc_type}",
            web::post().to(next_number),
        );
    scope = children::routes::<GstRegistrations>(scope, "org_id", "id");
    scope = children::routes::<BankAccounts>(scope, "org_id", "id");
    scope = children::routes::<FinancialYears>(scope, "org_id", "id");
    scope = children::routes::<DocumentSeriesChild>(scope, "org_id", "id");
    cfg.service(scope);
}

/// Creates an organization (only `name` and `legal_name` required). Capability: ORG_CREATE.
#[utoipa::path(post, path = "/api/v1/settings/organizations", operation_id = "settings.organizations.create", request_body = CreateOrganization, tag = "settings", security(("bearer" = ["ORG_CREATE"])),
    responses((status = 201, description = "The organization, with Location and ETag"),
        (status = 409, description = "Name taken"), (status = 422, description = "Invalid fields")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    let org = state.organizations.create(&caller.0, body.0).await?.value;
    let location = format!("/api/v1/settings/organizations/{}", org.id);
    Ok(tagged(StatusCode::CREATED, &org, Some(location)))
}

/// Query of the organization list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    name: Option<String>,
    active: Option<bool>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Lists organizations (`name`, `active`, `limit`, `cursor`); INTERNAL users see their own. Capability: ORG_READ.
#[utoipa::path(get, path = "/api/v1/settings/organizations", operation_id = "settings.organizations.list", params(ListQuery), tag = "settings", security(("bearer" = ["ORG_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = OrganizationFilter {
        name: query.name,
        active: query.active,
    };
    Ok(HttpResponse::Ok().json(state.organizations.list(&caller.0, filter, page).await?))
}

/// One organization. Capability: ORG_READ.
#[utoipa::path(get, path = "/api/v1/settings/organizations/{org_id}", operation_id = "settings.organizations.get", tag = "settings", security(("bearer" = ["ORG_READ"])),
    responses((status = 200, description = "The organization, with ETag"), (status = 404, description = "Not found or not visible")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let org = state.organizations.get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &org, None))
}

/// Changes the fields sent; `If-Match` (or `version`) must be current when sent. Capability: ORG_UPDATE.
#[utoipa::path(patch, path = "/api/v1/settings/organizations/{org_id}", operation_id = "settings.organizations.update", request_body = UpdateOrganization, tag = "settings", security(("bearer" = ["ORG_UPDATE"])),
    responses((status = 200, description = "The organization"), (status = 412, description = "Stale version")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateOrganization>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .organizations
            .update(&caller.0, id.into_inner(), body.0, if_match(&req)?),
    )
    .await
}

/// Soft-deletes an organization; 409 while INTERNAL users belong to it. Capability: ORG_DELETE.
#[utoipa::path(delete, path = "/api/v1/settings/organizations/{org_id}", operation_id = "settings.organizations.delete", tag = "settings", security(("bearer" = ["ORG_DELETE"])),
    responses((status = 200, description = "The deleted organization"), (status = 409, description = "Users still belong to it")))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    changed(state.organizations.delete(&caller.0, id.into_inner())).await
}

/// The next document number of `doc_type` in the active financial year:
/// `{"number": "INV/000001", ...}`; 409 names a missing active year or series.
/// Capability: DOCUMENT_NUMBER_ISSUE.
#[utoipa::path(post, path = "/api/v1/settings/organizations/{org_id}/next-document-number/{doc_type}", operation_id = "settings.organizations.next_number", tag = "settings",
    security(("bearer" = ["DOCUMENT_NUMBER_ISSUE"])),
    responses((status = 200, description = "`{number, document_type, sequence, series_id, financial_year_id}`"),
        (status = 409, description = "No active financial year, or no series for the type")))]
pub async fn next_number(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, doc_type) = path.into_inner();
    let issued = state
        .organizations
        .next_document_number(&caller.0, org_id, &doc_type)
        .await?
        .value;
    Ok(HttpResponse::Ok().json(issued))
}
