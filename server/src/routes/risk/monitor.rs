//! `/api/v1/risk/exposure` (the exposure monitor) and
//! `/api/v1/risk/partners/{id}` (one partner's risk picture).

use actix_web::{HttpResponse, web};
use infra::{PageRequest, ValidationError};
use risk::exposure::{Band, Entry, Severity};
use risk::monitor::{AssessmentSummary, EntryPage, MonitorRow, PartnerRisk};
use serde::Deserialize;
use utoipa::OpenApi;
use uuid::Uuid;

use super::ledger;
use crate::http::auth::Caller;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// The monitor paths.
#[derive(OpenApi)]
#[openapi(
    paths(exposure, partner),
    components(schemas(MonitorRow, PartnerRisk, EntryPage, Entry, AssessmentSummary, Band, Severity)),
    tags((name = "risk", description = "Credit exposure, performance records, the exposure monitor, assessments and validations")),
)]
pub struct MonitorDoc;

/// Registers the monitor routes, relative to the `/risk` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/exposure", web::get().to(exposure))
        .route("/partners/{id}", web::get().to(partner));
}

/// The query of the monitor.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonitorQuery {
    /// Only partners in this band: GREEN, YELLOW or RED.
    #[param(pattern = "^(GREEN|YELLOW|RED)$")]
    band: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The exposure monitor: every partner (a partner's users: their own) with
/// its credit limit, buyer-side `utilisation` percent, `band` (RED, YELLOW,
/// GREEN) and `severity` (critical, high, medium, low, none), highest
/// utilisation first. Capability: RISK_READ.
#[utoipa::path(get, path = "/api/v1/risk/exposure", operation_id = "risk.monitor.exposure", params(MonitorQuery), tag = "risk", security(("bearer" = ["RISK_READ"])),
    responses((status = 200, description = "`{\"items\": [MonitorRow], \"next_cursor\"}`"),
        (status = 400, description = "Unknown query parameter or malformed `limit`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_READ"),
        (status = 422, description = "`band`, `limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn exposure(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<MonitorQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let band =
        match q.band.as_deref() {
            None => None,
            Some(name) => Some(Band::parse(name).ok_or_else(|| {
                ApiError::from(ValidationError::field("band", "must be GREEN, YELLOW or RED"))
            })?),
        };
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let page = ledger(&state).monitor(&caller.0, band, page).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The query of a partner's ledger entries.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    /// Entries per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The entries' `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// One partner's risk picture: credit limit, utilised per side, available,
/// utilisation, band, severity, performance record, latest assessments (may
/// be empty) and ledger entries newest first (paged by `limit` and
/// `cursor`). Capability: RISK_READ (a partner's users: their own partner).
#[utoipa::path(get, path = "/api/v1/risk/partners/{id}", operation_id = "risk.monitor.partner", params(("id" = Uuid, Path, description = "The partner"), EntriesQuery), tag = "risk", security(("bearer" = ["RISK_READ"])),
    responses((status = 200, description = "The partner's risk picture", body = PartnerRisk),
        (status = 400, description = "Unknown query parameter or malformed `limit`"),
        (status = 401, description = "No access token"),
        (status = 403, description = "Lacks RISK_READ"),
        (status = 404, description = "No such partner visible to the caller"),
        (status = 422, description = "`limit` or `cursor` is bad"),
        (status = 429, description = "Rate limited")))]
pub async fn partner(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: ApiQuery<EntriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let found = ledger(&state).partner(&caller.0, id.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(found))
}
