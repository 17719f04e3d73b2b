//! `/api/v1/partners/kyc` and the KYC jobs: the partners whose KYC runs out
//! soon, renewals (start, complete), reminders at 09:00 and the expiry check at 00:01 of business time.
//! Mounted by the partners module's entry before the records, whose
//! `/{partner_id}` would take `kyc`.

use actix_web::{HttpResponse, web};
use infra::{AppInfra, InfraError};
use partners::kyc::KycService;
use partners::kyc::renewals::CompleteRenewal;
use serde::Deserialize;
use uuid::Uuid;

pub use super::kyc_openapi::KycDoc;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::jobs::Job;
use crate::state::AppState;

/// Registers the KYC routes, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/kyc/expiring", web::get().to(expiring))
        .route("/{partner_id}/kyc/renewals", web::post().to(start_renewal))
        .route(
            "/{partner_id}/kyc/renewals/{renewal_id}/complete",
            web::post().to(complete_renewal),
        );
}

/// The KYC service of `state`: business dates in its time zone.
pub fn service(state: &AppState) -> KycService<AppInfra> {
    KycService::new(state.infra.clone()).with_time_zone(state.config.timezone())
}

/// The query of the expiring list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExpiringQuery {
    /// Days ahead, 1 to 365 (default 90).
    #[param(minimum = 1, maximum = 365)]
    days: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The partners whose KYC (verified or under renewal) runs out within `days`
/// business days, soonest first; a partner's users see only their own.
/// Capability: PARTNER_READ.
#[utoipa::path(get, path = "/api/v1/partners/kyc/expiring", operation_id = "partners.kyc_expiring", params(ExpiringQuery), tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    responses((status = 200, description = "`{\"items\": [{id, code, kyc_expires_on, days_left}], \"next_cursor\"}`", body = super::kyc_openapi::ExpiringList),
        (status = 403, description = "Missing PARTNER_READ"),
        (status = 422, description = "`days` is not 1 to 365, or `limit` or `cursor` is bad (`errors` names it)")))]
pub async fn expiring(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<ExpiringQuery>,
) -> Result<HttpResponse, ApiError> {
    let days = query.0.days.unwrap_or(90);
    let page = infra::PageRequest::parse(query.0.limit, query.0.cursor.as_deref()).map_err(ApiError::from)?;
    let page = service(&state).expiring(&caller.0, days, page).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Starts a KYC renewal due in 30 days (KYC `renewal_required`).
/// Capability: PARTNER_MANAGE (staff).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/kyc/renewals", operation_id = "partners.kyc_renewal_start", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner")),
    responses((status = 201, description = "The renewal", body = partners::kyc::renewals::Renewal),
        (status = 404, description = "No such partner"),
        (status = 409, description = "`kyc_renewal_open`: one is open already")))]
pub async fn start_renewal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let written = service(&state).start_renewal(&caller.0, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(written.value))
}

/// Completes an open renewal: `pass` verifies the KYC for another year,
/// `fail` (a `reason` required) expires it and suspends the partner.
/// Capability: PARTNER_MANAGE (staff).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/kyc/renewals/{renewal_id}/complete", operation_id = "partners.kyc_renewal_complete", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("renewal_id" = Uuid, Path, description = "The renewal")),
    request_body = super::kyc_openapi::CompleteRenewalBody,
    responses((status = 200, description = "The renewal, with the partner's KYC after it", body = partners::kyc::renewals::Renewal),
        (status = 404, description = "No such partner or renewal"),
        (status = 409, description = "`kyc_renewal_closed`: it is not open"),
        (status = 422, description = "`result` or `reason` breaks a rule (`errors` names it)")))]
pub async fn complete_renewal(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<CompleteRenewal>,
) -> Result<HttpResponse, ApiError> {
    let (id, renewal) = path.into_inner();
    let written = service(&state)
        .complete_renewal(&caller.0, id, renewal, body.0)
        .await?;
    if written.value.suspended
        && let Err(e) = state.auth.forget_partner(id).await
    {
        tracing::error!(partner = %id, error = %e, "suspended partner's principals not dropped");
    }
    Ok(HttpResponse::Ok().json(written.value))
}

/// Sends the KYC reminders due today (see [`KycService::send_reminders`]).
pub async fn remind(state: &AppState) -> Result<u64, InfraError> {
    service(state)
        .send_reminders()
        .await
        .map_err(infra::ServiceError::into_infra)
}

/// Marks lapsed KYC expired, suspending when `KYC_SUSPEND_ON_EXPIRY` is set;
/// the cached principals of a suspended partner's users drop at once.
/// Answers how many partners expired.
pub async fn expire(state: &AppState) -> Result<u64, InfraError> {
    let done = service(state)
        .expire(state.config.kyc_suspend_on_expiry)
        .await
        .map_err(infra::ServiceError::into_infra)?;
    for id in &done.suspended {
        if let Err(e) = state.auth.forget_partner(*id).await {
            tracing::error!(partner = %id, error = %e, "suspended partner's principals not dropped");
        }
    }
    Ok(done.expired.len() as u64)
}

/// Takes away what documents past their expiry date gave (see
/// [`KycService::lapse_documents`]); answers how many documents lapsed.
pub async fn lapse(state: &AppState) -> Result<u64, InfraError> {
    let done = service(state)
        .lapse_documents()
        .await
        .map_err(infra::ServiceError::into_infra)?;
    Ok(done.documents)
}

/// The KYC jobs: reminders daily from 09:00, the expiry check and the
/// document lapse check daily from 00:00 of business time (the runner's
/// first tick after midnight).
pub fn jobs(state: &AppState) -> Vec<Job> {
    let (one, two, three) = (state.clone(), state.clone(), state.clone());
    vec![
        Job::daily_at("partners.kyc_reminders", 9, move |_| {
            let state = one.clone();
            Box::pin(async move { remind(&state).await })
        }),
        Job::daily_at("partners.kyc_expiry", 0, move |_| {
            let state = two.clone();
            Box::pin(async move { expire(&state).await })
        }),
        Job::daily_at("partners.document_lapse", 0, move |_| {
            let state = three.clone();
            Box::pin(async move { lapse(&state).await })
        }),
    ]
}
