//! `/api/v1/partners` (amendments): a partner's amendments requested, listed,
//! read, approved and rejected. Mounted before the records, whose
//! `/{partner_id}` would take `/amendments`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use infra::PageRequest;
use partners::amendments::{Amendment, NewAmendment};
use serde::Deserialize;
use uuid::Uuid;

use super::amendments_openapi::{AmendmentBody, RejectBody};
use crate::http::auth::Caller;
use crate::http::etag::{Tagged, changed, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the amendment routes, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/amendments/{amendment_id}", web::get().to(get))
        .route("/amendments/{amendment_id}/approve", web::post().to(approve))
        .route("/amendments/{amendment_id}/reject", web::post().to(reject))
        .route("/{partner_id}/amendments", web::post().to(request))
        .route("/{partner_id}/amendments", web::get().to(list));
}

impl Tagged for Amendment {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The query of the list: its status filter and paging.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// pending, approved or rejected.
    #[param(pattern = "^(pending|approved|rejected)$")]
    status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Asks for one of the partner's fields to change: answered `pending` with
/// the old and new value. Capability: PARTNER_MANAGE (a partner's users on
/// their own partner only).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/amendments", operation_id = "partners.amendments.request", request_body = AmendmentBody, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner")),
    responses((status = 201, description = "The pending amendment, with ETag and Location", body = Amendment),
        (status = 403, description = "Missing PARTNER_MANAGE"),
        (status = 404, description = "No such partner (or another partner's)"),
        (status = 409, description = "A pending amendment of the field (`amendment_pending`), or a tax id another partner holds (`tax_id_in_use`)"),
        (status = 422, description = "`field`, `reason`, `document_id`, `new_value` or `new_value.<field>` breaks a rule (`errors` names it)")))]
pub async fn request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<NewAmendment>,
) -> Result<HttpResponse, ApiError> {
    let written = state
        .amendments
        .request(&caller.0, id.into_inner(), body.0)
        .await?;
    let location = format!("/api/v1/partners/amendments/{}", written.value.id);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(location)))
}

/// The partner's amendments, oldest first (`status`, `limit`, `cursor`), PAN
/// and bank account numbers masked. Capability: PARTNER_READ (a partner's
/// users their own partner's).
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/amendments", operation_id = "partners.amendments.list", params(("partner_id" = Uuid, Path, description = "The partner"), ListQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 404, description = "No such partner (or another partner's)"),
        (status = 422, description = "`status` is not one of its values")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    let items = state
        .amendments
        .list(&caller.0, id.into_inner(), query.status, page)
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// One amendment. Capability: PARTNER_READ (a partner's users their own partner's).
#[utoipa::path(get, path = "/api/v1/partners/amendments/{amendment_id}", operation_id = "partners.amendments.get", params(("amendment_id" = Uuid, Path, description = "The amendment")), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "The amendment, with ETag", body = Amendment),
        (status = 404, description = "No such amendment (or another partner's)")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let amendment = state.amendments.get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &amendment, None))
}

/// Approves a pending amendment: the partner changes in the same
/// transaction, validated as at onboarding, its capabilities recomputed when
/// a tax id changes. Capability: PARTNER_APPROVE, staff only.
#[utoipa::path(post, path = "/api/v1/partners/amendments/{amendment_id}/approve", operation_id = "partners.amendments.approve", params(("amendment_id" = Uuid, Path, description = "The amendment")), tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The approved amendment, with ETag", body = Amendment),
        (status = 403, description = "Missing PARTNER_APPROVE, or a partner's own user (`out_of_scope`)"),
        (status = 404, description = "No such amendment"),
        (status = 409, description = "Already decided (`amendment_decided`), or the tax id is now another partner's (`tax_id_in_use`)"),
        (status = 422, description = "The new value no longer passes the onboarding checks (`errors` names `new_value`)")))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    changed(state.amendments.approve(&caller.0, id.into_inner())).await
}

/// The body of a rejection.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reject {
    reason: String,
}

/// Rejects a pending amendment with a reason; the partner stays as it is.
/// Capability: PARTNER_APPROVE, staff only.
#[utoipa::path(post, path = "/api/v1/partners/amendments/{amendment_id}/reject", operation_id = "partners.amendments.reject", params(("amendment_id" = Uuid, Path, description = "The amendment")), request_body = RejectBody, tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The rejected amendment, with ETag", body = Amendment),
        (status = 403, description = "Missing PARTNER_APPROVE, or a partner's own user (`out_of_scope`)"),
        (status = 404, description = "No such amendment"),
        (status = 409, description = "Already decided (`amendment_decided`)"),
        (status = 422, description = "`reason` is missing or not 3 to 500 characters")))]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Reject>,
) -> Result<HttpResponse, ApiError> {
    changed(state.amendments.reject(&caller.0, id.into_inner(), body.0.reason)).await
}
