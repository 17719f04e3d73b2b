//! `/api/v1/admin`: operating the platform. Capability: EVENTS_MANAGE.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::problem::ApiError;
use crate::http::query::{ApiQuery, PageQuery};
use crate::state::AppState;

/// Registers the admin routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin/outbox")
            .route("/failed", web::get().to(failed))
            .route("/{event_id}/requeue", web::post().to(requeue))
            .route("/{event_id}", web::delete().to(discard)),
    );
}

/// Events the relay gave up on, oldest first. Capability: EVENTS_MANAGE.
#[utoipa::path(get, path = "/api/v1/admin/outbox/failed", operation_id = "admin.outbox.failed", tag = "operations", security(("bearer" = ["EVENTS_MANAGE"])),
    responses((status = 200, description = "`{\"items\": [...], \"next_cursor\": ...}`")))]
pub async fn failed(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.0.request()?;
    let rows = infra::outbox_admin::failed(&state.infra, &caller.0, page).await?;
    let page = rows.map(|r| {
        serde_json::json!({
            "id": r.id, "topic": r.topic, "event_type": r.event_type, "aggregate_type": r.aggregate_type,
            "aggregate_id": r.aggregate_id, "attempts": r.attempts, "last_error": r.last_error, "created_at": r.created_at,
        })
    });
    Ok(HttpResponse::Ok().json(page))
}

/// Puts a failed event back in line (attempts reset). Capability: EVENTS_MANAGE.
#[utoipa::path(post, path = "/api/v1/admin/outbox/{event_id}/requeue", operation_id = "admin.outbox.requeue", tag = "operations", security(("bearer" = ["EVENTS_MANAGE"])),
    responses((status = 204), (status = 404, description = "No failed event with this id")))]
pub async fn requeue(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    infra::outbox_admin::requeue(&state.infra, &caller.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Discards a failed event (the audit row keeps it). Capability: EVENTS_MANAGE.
#[utoipa::path(delete, path = "/api/v1/admin/outbox/{event_id}", operation_id = "admin.outbox.discard", tag = "operations", security(("bearer" = ["EVENTS_MANAGE"])),
    responses((status = 204), (status = 404, description = "No failed event with this id")))]
pub async fn discard(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    infra::outbox_admin::discard(&state.infra, &caller.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
