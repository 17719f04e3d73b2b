//! `GET /api/v1/admin/audit`: the audit log of one resource or one kind of
//! resource, oldest first. Capability: AUDIT_READ.

use actix_web::{HttpResponse, web};
use infra::Infra;
use infra::audit::AuditFilter;
use serde::Deserialize;

use crate::http::auth::Caller;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Registers the audit route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/audit", web::get().to(list));
}

/// `?resource_type=&resource_id=&limit=&cursor=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only rows about this kind of resource, such as `organization`.
    #[param(max_length = 100)]
    resource_type: Option<String>,
    /// Only rows about this resource id.
    #[param(max_length = 200)]
    resource_id: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The audit rows of a resource (or a kind of resource), oldest first:
/// actor, action, request id, idempotency key and what changed. Capability: AUDIT_READ.
#[utoipa::path(get, path = "/api/v1/admin/audit", operation_id = "admin.audit.list", tag = "operations", security(("bearer" = ["AUDIT_READ"])),
    params(AuditQuery),
    responses((status = 200, description = "`{\"items\": [{\"id\", \"at\", \"actor_id\", \"actor_kind\", \"action\", \"resource_type\", \"resource_id\", \"request_id\", \"idempotency_key\", \"details\"}], \"next_cursor\": ...}`")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = infra::PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let filter = AuditFilter {
        resource_type: query.resource_type.filter(|t| !t.is_empty()),
        resource_id: query.resource_id.filter(|i| !i.is_empty()),
    };
    let rows = infra::audit::list(state.infra.db(), &caller.0, &filter, page).await?;
    Ok(HttpResponse::Ok().json(rows))
}
