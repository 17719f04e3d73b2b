//! `/api/v1/settings/commodities`: the catalogue, units and conversion, search,
//! CSV bulk import and export; children and trade terms through the generic
//! handlers of [`super::commodity_parts`]. Static paths are registered before
//! `/{id}` so they are not taken for ids.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use infra::PageRequest;
use serde::Deserialize;
use settings::commodities::conversion::ConversionRequest;
use settings::commodities::search::SearchPage;
use settings::commodities::{
    COMMODITY_CREATE, COMMODITY_UPDATE, CommodityFilter, CreateCommodity, UpdateCommodity,
};
use uuid::Uuid;

use super::commodity_parts::{children, terms};
use crate::http::auth::Caller;
use crate::http::etag::{changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::multipart;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the commodity routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope("/commodities")
        .route("", web::post().to(create))
        .route("", web::get().to(list))
        .route("/units", web::get().to(units))
        .route("/search", web::get().to(search))
        .route("/bulk/upload", web::post().to(upload))
        .route("/bulk/download", web::get().to(download));
    scope = terms(scope);
    scope = scope
        .route("/{id}", web::get().to(get))
        .route("/{id}", web::patch().to(update))
        .route("/{id}", web::delete().to(delete))
        .route("/{id}/calculate-conversion", web::post().to(calculate_conversion));
    cfg.service(children(scope));
}

/// Creates a commodity; COTTON, WHEAT, RICE, OILSEEDS and YARN get their
/// quality parameter templates. Capability: COMMODITY_CREATE.
#[utoipa::path(post, path = "/api/v1/settings/commodities", operation_id = "settings.commodities.create", request_body = CreateCommodity, tag = "settings", security(("bearer" = ["COMMODITY_CREATE"])),
    responses((status = 201, description = "The commodity, with Location and ETag"),
        (status = 409, description = "Name taken"), (status = 422, description = "Invalid fields")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCommodity>,
) -> Result<HttpResponse, ApiError> {
    let commodity = state.commodities.create(&caller.0, body.0).await?.value;
    let location = format!("/api/v1/settings/commodities/{}", commodity.id);
    Ok(tagged(StatusCode::CREATED, &commodity, Some(location)))
}

/// Query of the commodity list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    category: Option<String>,
    hsn_code: Option<String>,
    active: Option<bool>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Query of the commodity search.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    q: Option<String>,
    category: Option<String>,
    hsn_code: Option<String>,
    active: Option<bool>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The filter and the page a list asks for.
fn filter_and_page(
    category: Option<String>,
    hsn_code: Option<String>,
    active: Option<bool>,
    limit: Option<i64>,
    cursor: Option<String>,
) -> Result<(CommodityFilter, PageRequest), ApiError> {
    let page = PageRequest::parse(limit, cursor.as_deref()).map_err(ApiError::from)?;
    let filter = CommodityFilter {
        category,
        hsn_code,
        active,
    };
    Ok((filter, page))
}

/// Lists live commodities by id (`category`, `hsn_code` prefix, `active`). Capability: COMMODITY_READ.
#[utoipa::path(get, path = "/api/v1/settings/commodities", operation_id = "settings.commodities.list", params(ListQuery), tag = "settings", security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let (filter, page) = filter_and_page(q.category, q.hsn_code, q.active, q.limit, q.cursor)?;
    Ok(HttpResponse::Ok().json(state.commodities.list(&caller.0, filter, page).await?))
}

/// Searches names by `q` (case-insensitive): exact matches, then prefixes, then
/// contains; with `category`, `hsn_code`, `active`, paginated. Capability: COMMODITY_READ.
#[utoipa::path(get, path = "/api/v1/settings/commodities/search", operation_id = "settings.commodities.search", params(SearchQuery), tag = "settings", security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`, best first")))]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    // The search cursor carries the sort key of the last item, not only its id.
    let page = SearchPage::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = CommodityFilter {
        category: q.category,
        hsn_code: q.hsn_code,
        active: q.active,
    };
    let found = state
        .commodities
        .search(&caller.0, q.q.as_deref(), filter, page)
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Every unit: `code`, `base_unit`, `factor` (exact decimal string), `category`. Capability: COMMODITY_READ.
#[utoipa::path(get, path = "/api/v1/settings/commodities/units", operation_id = "settings.commodities.units", tag = "settings", security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "`{\"items\": [{code, base_unit, factor, category}]}`")))]
pub async fn units(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let units = state.commodities.units(&caller.0).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": units.0 })))
}

/// One commodity. Capability: COMMODITY_READ.
#[utoipa::path(get, path = "/api/v1/settings/commodities/{id}", operation_id = "settings.commodities.get", tag = "settings", security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "The commodity, with ETag"), (status = 404, description = "Not found")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let commodity = state.commodities.get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &commodity, None))
}

/// Changes the fields sent; `If-Match` (or `version`) must be current when sent. Capability: COMMODITY_UPDATE.
#[utoipa::path(patch, path = "/api/v1/settings/commodities/{id}", operation_id = "settings.commodities.update", request_body = UpdateCommodity, tag = "settings", security(("bearer" = ["COMMODITY_UPDATE"])),
    responses((status = 200, description = "The commodity"), (status = 412, description = "Stale version"),
        (status = 422, description = "Invalid fields")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdateCommodity>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .commodities
            .update(&caller.0, id.into_inner(), body.0, if_match(&req)?),
    )
    .await
}

/// Soft-deletes a commodity; 409 `commodity_in_use` while commission structures
/// (or other registered references) refer to it. Capability: COMMODITY_UPDATE.
#[utoipa::path(delete, path = "/api/v1/settings/commodities/{id}", operation_id = "settings.commodities.delete", tag = "settings", security(("bearer" = ["COMMODITY_UPDATE"])),
    responses((status = 200, description = "The deleted commodity"), (status = 409, description = "Still referenced")))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    changed(state.commodities.delete(&caller.0, id.into_inner())).await
}

/// Converts `trade_quantity` `trade_unit` to the base unit and prices it at
/// `rate_per_unit` per `rate_unit`: `base_quantity` (4 places), `base_unit`,
/// `billing_amount` (2 places), exact decimals as strings; a unit of another
/// base is 422. Capability: COMMODITY_READ.
#[utoipa::path(post, path = "/api/v1/settings/commodities/{id}/calculate-conversion", operation_id = "settings.commodities.calculate_conversion", request_body = ConversionRequest, tag = "settings",
    security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "`{base_quantity, base_unit, billing_amount, rate_per_base_unit, ...}`"),
        (status = 422, description = "Unknown unit, or a unit of another base (naming both units)")))]
pub async fn calculate_conversion(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<ConversionRequest>,
) -> Result<HttpResponse, ApiError> {
    let converted = state
        .commodities
        .calculate_conversion(&caller.0, id.into_inner(), body.0)
        .await?;
    Ok(HttpResponse::Ok().json(converted))
}

/// Imports commodities from the CSV in multipart field `file`: every row is
/// validated first; any bad row means nothing is written and the 422 lists each
/// as `lines[N].field`. A row naming a live commodity updates it. Capabilities:
/// COMMODITY_CREATE and COMMODITY_UPDATE.
#[utoipa::path(post, path = "/api/v1/settings/commodities/bulk/upload", operation_id = "settings.commodities.upload", request_body(content = String, content_type = "multipart/form-data", description = "The CSV in the form field `file`, at most 5 MiB"), tag = "settings",
    security(("bearer" = ["COMMODITY_CREATE", "COMMODITY_UPDATE"])),
    responses((status = 200, description = "`{created, updated, unchanged, ids}`"),
        (status = 400, description = "No multipart field named file"),
        (status = 422, description = "Bad rows, each named with its line")))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Refuse before reading up to 5 MiB of a body the caller may not send.
    for capability in [COMMODITY_CREATE, COMMODITY_UPDATE] {
        settings::error::require(&caller.0, capability)?;
    }
    let form = multipart::read(&req, payload, multipart::MAX_FILE_BYTES).await?;
    let bytes = form.file.ok_or_else(|| {
        multipart::malformed("file", "send the CSV as a multipart/form-data field named file")
    })?;
    let report = state.commodities.import_csv(&caller.0, &bytes).await?.value;
    Ok(HttpResponse::Ok().json(report))
}

/// Every live commodity as CSV (the columns the upload takes), ordered by name. Capability: COMMODITY_READ.
#[utoipa::path(get, path = "/api/v1/settings/commodities/bulk/download", operation_id = "settings.commodities.download", tag = "settings", security(("bearer" = ["COMMODITY_READ"])),
    responses((status = 200, description = "text/csv")))]
pub async fn download(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let csv = state.commodities.export_csv(&caller.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"commodities.csv\""))
        .body(csv))
}
