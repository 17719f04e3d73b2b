//! `/api/v1/partners` (records): approved partners: list, export, stats, read,
//! update, credit limit, suspension, capabilities. Mounted by the partners
//! module's entry under its `/partners` scope, after the routes with fixed
//! first segments (`/applications`, ...), since `/{partner_id}` matches any.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use infra::PageRequest;
use partners::Partner;
use partners::records::{Capabilities, PartnerFilter, SetCapabilities, SetCreditLimit, UpdatePartner};
use serde::Deserialize;
use uuid::Uuid;

pub use super::records_openapi::RecordsDoc;
use super::records_openapi::{CapabilitiesBody, CreditLimitBody, ReasonBody, UpdatePartnerBody};
use crate::http::auth::Caller;
use crate::http::etag::{Tagged, changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the record routes, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(list))
        .route("/export", web::get().to(export))
        .route("/stats", web::get().to(stats))
        .route("/{partner_id}", web::get().to(get))
        .route("/{partner_id}", web::patch().to(update))
        .route("/{partner_id}/credit-limit", web::put().to(credit_limit))
        .route("/{partner_id}/suspend", web::post().to(suspend))
        .route("/{partner_id}/reactivate", web::post().to(reactivate))
        .route("/{partner_id}/capabilities", web::get().to(capabilities))
        .route("/{partner_id}/capabilities", web::put().to(set_capabilities));
}

impl Tagged for Partner {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Tagged for Capabilities {
    fn version(&self) -> i64 {
        self.version
    }
}

/// Declares a query struct holding the list's filters and `extra` fields.
macro_rules! filter_query {
    ($(#[$doc:meta])* $name:ident { $($(#[$extra_doc:meta])* $extra:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Partner type (seller, buyer, trader, broker, ...).
            #[serde(rename = "type")]
            #[param(rename = "type")]
            partner_type: Option<String>,
            /// pending, approved, rejected, suspended or inactive.
            status: Option<String>,
            /// pending, verified, expired or renewal_required.
            kyc_status: Option<String>,
            /// low, medium, high or critical.
            risk_category: Option<String>,
            /// A trade capability held (domestic_buy_india, domestic_sell_india, import_allowed, ...).
            capability: Option<String>,
            /// Part of the legal or trade name, the code or the GSTIN.
            text: Option<String>,
            /// Changed at or after this time (RFC 3339).
            updated_since: Option<DateTime<Utc>>,
            $($(#[$extra_doc])* $extra: $ty,)*
        }

        impl $name {
            fn filter(&self) -> PartnerFilter {
                PartnerFilter {
                    partner_type: self.partner_type.clone(),
                    status: self.status.clone(),
                    kyc_status: self.kyc_status.clone(),
                    risk_category: self.risk_category.clone(),
                    capability: self.capability.clone(),
                    text: self.text.clone(),
                    updated_since: self.updated_since,
                }
            }
        }
    };
}

filter_query!(
    /// The query of the export: the list's filters.
    FilterQuery {}
);

filter_query!(
    /// The query of the list: its filters and paging.
    ListQuery {
        /// Items per page, 1 to 200 (default 50).
        #[param(minimum = 1, maximum = 200)]
        limit: Option<i64>,
        /// The `next_cursor` of the previous page.
        cursor: Option<String>,
    }
);

/// Lists partners (filters, `limit`, `cursor`), PAN and bank account masked;
/// a partner's users get their own partner. Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners", operation_id = "partners.list", params(ListQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`"),
        (status = 422, description = "A filter is not one of its values (`errors` names it)")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(ApiError::from)?;
    Ok(HttpResponse::Ok().json(state.partners.list(&caller.0, query.filter(), page).await?))
}

/// The list's partners as CSV (every match, PAN and bank account masked,
/// formula cells guarded with `'`). Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/export", operation_id = "partners.export", params(FilterQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "CSV with a header line", content_type = "text/csv", body = String),
        (status = 422, description = "A filter is not one of its values (`errors` names it)")))]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    filter: ApiQuery<FilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = state.partners.export(&caller.0, filter.0.filter()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"partners.csv\""))
        .body(csv))
}

/// Counts by status, partner type, KYC status and risk category. Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/stats", operation_id = "partners.stats", tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{total, by_status, by_partner_type, by_kyc_status, by_risk_category}`")))]
pub async fn stats(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.partners.stats(&caller.0).await?))
}

/// One partner (unmasked); a partner's users only their own. Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}", operation_id = "partners.get", tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "The partner, with ETag")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let partner = state.partners.get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &partner, None))
}

/// Changes the fields sent: `contact`, `trade_name`, `max_employees` need
/// PARTNER_MANAGE, `rate_limit_tier` PARTNER_APPROVE; `If-Match` (or `version`)
/// must be current when sent.
#[utoipa::path(patch, path = "/api/v1/partners/{partner_id}", operation_id = "partners.update", request_body = UpdatePartnerBody, tag = "partners", security(("bearer" = ["PARTNER_MANAGE", "PARTNER_APPROVE"])),
    responses((status = 200, description = "The partner, with ETag")))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<UpdatePartner>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let tier = body.0.rate_limit_tier.is_some();
    let written = state
        .partners
        .update(&caller.0, id, body.0, if_match(&req)?)
        .await?;
    if tier {
        forget(&state, id).await;
    }
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Drops the cached principals of the partner's users, so its new tier or
/// suspension applies to their next request on every instance.
async fn forget(state: &AppState, partner_id: Uuid) {
    if let Err(e) = state.auth.forget_partner(partner_id).await {
        tracing::warn!(error = %e, %partner_id, "partner principals not forgotten; they expire on their own");
    }
}

/// Sets the credit limit with a reason. Capability: PARTNER_APPROVE.
#[utoipa::path(put, path = "/api/v1/partners/{partner_id}/credit-limit", operation_id = "partners.set_credit_limit", request_body = CreditLimitBody, tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The partner, with ETag")))]
pub async fn credit_limit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<SetCreditLimit>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .partners
            .set_credit_limit(&caller.0, id.into_inner(), body.0),
    )
    .await
}

/// The body of suspend and reactivate.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    reason: String,
}

/// Suspends an approved partner: its users keep reading, their writes are
/// refused (403 `partner_suspended`). Capability: PARTNER_APPROVE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/suspend", operation_id = "partners.suspend", request_body = ReasonBody, tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The suspended partner, with ETag"),
        (status = 409, description = "Already suspended (`partner_already_suspended`), or not approved (`partner_not_approved`)")))]
pub async fn suspend(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Reason>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let written = state.partners.suspend(&caller.0, id, body.0.reason).await?;
    forget(&state, id).await;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Reactivates a suspended partner. Capability: PARTNER_APPROVE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/reactivate", operation_id = "partners.reactivate", request_body = ReasonBody, tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "The approved partner, with ETag"),
        (status = 409, description = "Not suspended (`partner_not_suspended`)")))]
pub async fn reactivate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Reason>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let written = state.partners.reactivate(&caller.0, id, body.0.reason).await?;
    forget(&state, id).await;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// The partner's trade capabilities, every known code with whether it is held.
/// Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/capabilities", operation_id = "partners.capabilities.get", tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{partner_id, capabilities: {code: bool}, version}`, with ETag")))]
pub async fn capabilities(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caps = state.partners.capabilities(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &caps, None))
}

/// Overrides the codes sent with a reason (audited). Capability: PARTNER_APPROVE.
#[utoipa::path(put, path = "/api/v1/partners/{partner_id}/capabilities", operation_id = "partners.capabilities.set", request_body = CapabilitiesBody, tag = "partners", security(("bearer" = ["PARTNER_APPROVE"])),
    responses((status = 200, description = "`{partner_id, capabilities: {code: bool}, version}`, with ETag")))]
pub async fn set_capabilities(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<SetCapabilities>,
) -> Result<HttpResponse, ApiError> {
    changed(
        state
            .partners
            .set_capabilities(&caller.0, id.into_inner(), body.0),
    )
    .await
}
