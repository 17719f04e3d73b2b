//! The Prometheus scrape endpoint.

use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// Metrics in Prometheus text format.
#[utoipa::path(get, path = "/metrics", operation_id = "operations.metrics", tag = "operations", responses(
    (status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    use infra::Infra;
    match infra::outbox_admin::stats(state.infra.db(), state.infra.clock().now()).await {
        Ok(stats) => state.metrics.set_outbox(stats),
        Err(e) => tracing::warn!(error = %e, "outbox counts unavailable for this scrape"),
    }
    state.metrics.set_sockets(state.hub.connections());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&state.infra))
}
