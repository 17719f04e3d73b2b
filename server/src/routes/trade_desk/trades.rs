//! Trades: `POST /api/v1/trade-desk/reservations/{id}/confirm` and
//! `/api/v1/trade-desk/trades` (one, a page, settle, cancel, the contract).

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use infra::{AppInfra, PageRequest};
use serde::Deserialize;
use trade_desk::trades::commission::CommissionLine;
use trade_desk::trades::model::{TradeCommission, TradeGst};
use trade_desk::trades::{CancelTrade, Confirm, Trade, TradeFilter, TradeService};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The trade paths.
#[derive(OpenApi)]
#[openapi(
    paths(confirm, list, get, settle, cancel, contract),
    components(schemas(Confirm, CancelTrade, Trade, TradeGst, TradeCommission, CommissionLine)),
    tags((name = "trade-desk", description = "Buyer requirements and seller availabilities")),
)]
pub struct TradesDoc;

/// Registers the trade routes, relative to the `/trade-desk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/reservations/{id}/confirm", web::post().to(confirm))
        .route("/trades", web::get().to(list))
        .route("/trades/{id}", web::get().to(get))
        .route("/trades/{id}/settle", web::post().to(settle))
        .route("/trades/{id}/cancel", web::post().to(cancel))
        .route("/trades/{id}/contract", web::get().to(contract));
}

impl Tagged for Trade {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The trade service of `state`.
pub fn service(state: &AppState) -> TradeService<AppInfra> {
    TradeService::new(state.infra.clone())
}

/// Confirms an ACTIVE reservation into a trade `TRD-{year}-{6 digits}`: in
/// one transaction the reservation becomes CONFIRMED, its quantity moves
/// from reserved to sold, the buyer's exposure moves from the reservation
/// to the trade's total and the seller's delivery obligation is entered,
/// both partners' trade counts grow and the linked requirement records the
/// purchase. The seller's users or staff. Capability: TRADE_CONFIRM.
#[utoipa::path(post, path = "/api/v1/trade-desk/reservations/{id}/confirm", operation_id = "trade_desk.trades.confirm", request_body = Confirm, tag = "trade-desk", security(("bearer" = ["TRADE_CONFIRM"])),
    params(("id" = Uuid, Path, description = "The reservation")),
    responses((status = 201, description = "The trade (CONFIRMED), with ETag and Location", body = Trade),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_CONFIRM; `out_of_scope` (the buyer's users); a party `partner_suspended`, `kyc_not_verified`, `side_not_allowed` or missing its side's capability"),
        (status = 404, description = "No such reservation of the caller's partner"),
        (status = 409, description = "`reservation_not_active` (released, expired or confirmed, also by a racing confirm); `requirement_not_active`; `requirement_quantity_exceeded` (what is left named); `credit_limit_exceeded` (with `remaining`); `concurrent_change`: retry"),
        (status = 422, description = "`price` (negative, missing where the availability names none, or unlike a FIXED price), `payment_term_id` or `delivery_term_id` (not an active term of its kind)"),
        (status = 429, description = "Rate limited")))]
pub async fn confirm(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<Confirm>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state)
        .confirm(&caller.0, id.into_inner(), body.0)
        .await?;
    let at = format!("/api/v1/trade-desk/trades/{}", written.value.id);
    Ok(tagged(StatusCode::CREATED, &written.value, Some(at)))
}

/// The query of a page of trades.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `buyer` or `seller` (default both sides of the partner).
    side: Option<String>,
    /// The partner (staff only; without it staff see every trade).
    partner_id: Option<Uuid>,
    /// One commodity.
    commodity_id: Option<Uuid>,
    /// CONFIRMED, SETTLED or CANCELLED.
    status: Option<String>,
    /// Confirmed on or after this business date (`YYYY-MM-DD`).
    from: Option<NaiveDate>,
    /// Confirmed on or before this business date (`YYYY-MM-DD`).
    to: Option<NaiveDate>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Trades, oldest first: a partner's users see their partner's (buyer's,
/// seller's or both), staff every trade or one partner's. Capability: TRADE_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/trades", operation_id = "trade_desk.trades.list", params(ListQuery), tag = "trade-desk", security(("bearer" = ["TRADE_READ"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\"}`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_READ, or `out_of_scope` (another partner named)"),
        (status = 422, description = "`side`, `status`, `from`, `to` (before `from`), `limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let filter = TradeFilter {
        side: q.side,
        partner_id: q.partner_id,
        commodity_id: q.commodity_id,
        status: q.status,
        from: q.from,
        to: q.to,
    };
    let page = service(&state).list(&caller.0, filter, page).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One trade, to its buyer, its seller and staff. Capability: TRADE_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/trades/{id}", operation_id = "trade_desk.trades.get", tag = "trade-desk", security(("bearer" = ["TRADE_READ"])),
    params(("id" = Uuid, Path, description = "The trade")),
    responses((status = 200, description = "The trade, with ETag", body = Trade),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_READ"),
        (status = 404, description = "No such trade of the caller's partner"),
        (status = 429, description = "Rate limited")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = service(&state).get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &found, None))
}

/// Settles a CONFIRMED trade: SETTLED, the buyer's exposure and the
/// seller's obligation released. Capability: TRADE_SETTLE.
#[utoipa::path(post, path = "/api/v1/trade-desk/trades/{id}/settle", operation_id = "trade_desk.trades.settle", tag = "trade-desk", security(("bearer" = ["TRADE_SETTLE"])),
    params(("id" = Uuid, Path, description = "The trade")),
    responses((status = 200, description = "The trade (SETTLED), with ETag", body = Trade),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_SETTLE"),
        (status = 404, description = "No such trade"),
        (status = 409, description = "`trade_not_confirmed`: settled or cancelled already (the status named); `concurrent_change`: retry"),
        (status = 429, description = "Rate limited")))]
pub async fn settle(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).settle(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Cancels a CONFIRMED trade before settlement: CANCELLED, its quantity
/// back to the availability, both exposures released, the requirement's
/// purchase taken back. Staff with TRADE_SETTLE only.
#[utoipa::path(post, path = "/api/v1/trade-desk/trades/{id}/cancel", operation_id = "trade_desk.trades.cancel", request_body = CancelTrade, tag = "trade-desk", security(("bearer" = ["TRADE_SETTLE"])),
    params(("id" = Uuid, Path, description = "The trade")),
    responses((status = 200, description = "The trade (CANCELLED), with ETag", body = Trade),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_SETTLE, or `out_of_scope` (a partner's user)"),
        (status = 404, description = "No such trade"),
        (status = 409, description = "`trade_not_confirmed`: settled or cancelled already (the status named); `concurrent_change`: retry"),
        (status = 422, description = "`reason` is missing or not 3 to 500 characters"),
        (status = 429, description = "Rate limited")))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ApiJson<CancelTrade>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).cancel(&caller.0, id.into_inner(), body.0).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// The trade note (contract) as a PDF: parties with GSTIN and address,
/// commodity, variety, quality, quantity, price, amount, taxes,
/// commission, the total in figures and in Indian words, terms, number and
/// date. To its buyer, its seller and staff. Capability: TRADE_READ.
#[utoipa::path(get, path = "/api/v1/trade-desk/trades/{id}/contract", operation_id = "trade_desk.trades.contract", tag = "trade-desk", security(("bearer" = ["TRADE_READ"])),
    params(("id" = Uuid, Path, description = "The trade")),
    responses((status = 200, description = "The trade note", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks TRADE_READ"),
        (status = 404, description = "No such trade of the caller's partner"),
        (status = 429, description = "Rate limited")))]
pub async fn contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let note = service(&state).contract(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/pdf"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", note.file_name),
        ))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(note.pdf))
}
