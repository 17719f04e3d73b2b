//! `/api/v1/partners/{partner_id}/employees`: a partner's employees (its
//! EXTERNAL users): invite, list, change the role, disable, enable; and
//! `/api/v1/partners/me`: the calling partner user's own partner. Mounted
//! before the records, whose `/{partner_id}` would take `me`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use partners::employees::{Employee, NewEmployee, RoleChange};
use risk::me::PartnerMe;
use utoipa::OpenApi;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{Tagged, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// Registers the employee routes and `/me`, relative to the `/partners` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me))
        .route("/{partner_id}/employees", web::post().to(invite))
        .route("/{partner_id}/employees", web::get().to(list))
        .route("/{partner_id}/employees/{user_id}", web::patch().to(set_role))
        .route(
            "/{partner_id}/employees/{user_id}/disable",
            web::post().to(disable),
        )
        .route("/{partner_id}/employees/{user_id}/enable", web::post().to(enable));
}

impl Tagged for Employee {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The employee paths and `/me`.
#[derive(OpenApi)]
#[openapi(
    paths(me, invite, list, set_role, disable, enable),
    components(schemas(
        Employee,
        NewEmployee,
        RoleChange,
        PartnerMe,
        partners::me::MeView,
        partners::me::KycView
    ))
)]
pub struct EmployeesDoc;

/// The calling partner user's partner: the partner, its capabilities, KYC
/// status and days left, employees, active places and pending amendments,
/// and its `credit` (limit, utilised per side, available, band).
/// For a partner's users; staff have no partner (403 `not_a_partner_user`).
#[utoipa::path(get, path = "/api/v1/partners/me", operation_id = "partners.me", tag = "partners", security(("bearer" = [])),
    responses((status = 200, description = "The partner, what belongs to it and its credit", body = PartnerMe),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "`not_a_partner_user`: the caller is staff, with no partner"),
        (status = 404, description = "The caller's partner no longer exists")))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.ledger.me(&state.me, &caller.0).await?))
}

/// Invites an employee (`full_name`, `mobile`, `email`?, `role` admin or
/// employee): a user with PARTNER_ADMIN or PARTNER_EMPLOYEE, `invited` until
/// its first OTP login. At most `max_employees` enabled users besides the
/// partner's first admin. Capability: PARTNER_MANAGE (staff, or the
/// partner's own admin).
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/employees", operation_id = "partners.employees.invite", request_body = NewEmployee, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner")),
    responses((status = 201, description = "The employee, with ETag and Location", body = Employee),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Lacks PARTNER_MANAGE, or `partner_suspended`"),
        (status = 404, description = "No such partner reached"),
        (status = 409, description = "`employee_limit`: the partner has its `max_employees`; `already_exists`: the mobile or e-mail is in use"),
        (status = 422, description = "A bad field (`errors` names `full_name`, `mobile`, `email`, `role`)")))]
pub async fn invite(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
    body: ApiJson<NewEmployee>,
) -> Result<HttpResponse, ApiError> {
    let partner_id = partner_id.into_inner();
    let written = state.employees.invite(&caller.0, partner_id, body.0).await?;
    let location = format!(
        "/api/v1/partners/{partner_id}/employees/{}",
        written.value.user_id
    );
    Ok(tagged(StatusCode::CREATED, &written.value, Some(location)))
}

/// The partner's employees, oldest first (the first admin first).
/// Capability: PARTNER_READ (a partner's users their own partner's).
#[utoipa::path(get, path = "/api/v1/partners/{partner_id}/employees", operation_id = "partners.employees.list", tag = "partners", security(("bearer" = ["PARTNER_READ"])),
    params(("partner_id" = Uuid, Path, description = "The partner")),
    responses((status = 200, description = "`{\"items\": [...]}`"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Lacks PARTNER_READ"),
        (status = 404, description = "No such partner reached")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    partner_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let items = state.employees.list(&caller.0, partner_id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Changes an employee's `role` (admin or employee); the first admin stays an
/// admin; `If-Match` must be the employee's current version when sent.
/// Capability: PARTNER_MANAGE.
#[utoipa::path(patch, path = "/api/v1/partners/{partner_id}/employees/{user_id}", operation_id = "partners.employees.role", request_body = RoleChange, tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("user_id" = Uuid, Path, description = "The employee"),
        ("If-Match" = Option<String>, Header, description = "The ETag read, such as \"2\"")),
    responses((status = 200, description = "The employee, with ETag", body = Employee),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Lacks PARTNER_MANAGE, or `partner_suspended`"),
        (status = 404, description = "No such partner or employee reached"),
        (status = 412, description = "If-Match is not current (`stale_version`)"),
        (status = 409, description = "`first_admin`: the first admin stays an admin"),
        (status = 422, description = "`role` is not admin or employee")))]
pub async fn set_role(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<RoleChange>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, user_id) = path.into_inner();
    let expected = if_match(&req)?;
    let written = state
        .employees
        .set_role(&caller.0, partner_id, user_id, body.0, expected)
        .await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Disables an employee: it cannot log in and its sessions end at once (no
/// hard delete). Nobody disables themselves. Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/employees/{user_id}/disable", operation_id = "partners.employees.disable", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("user_id" = Uuid, Path, description = "The employee")),
    responses((status = 200, description = "The employee, with ETag", body = Employee),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Lacks PARTNER_MANAGE, `partner_suspended`, or the caller itself (`out_of_scope`)"),
        (status = 404, description = "No such partner or employee reached")))]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, user_id) = path.into_inner();
    let written = state.employees.disable(&caller.0, partner_id, user_id).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}

/// Enables a disabled employee again, within the limit. Capability: PARTNER_MANAGE.
#[utoipa::path(post, path = "/api/v1/partners/{partner_id}/employees/{user_id}/enable", operation_id = "partners.employees.enable", tag = "partners", security(("bearer" = ["PARTNER_MANAGE"])),
    params(("partner_id" = Uuid, Path, description = "The partner"), ("user_id" = Uuid, Path, description = "The employee")),
    responses((status = 200, description = "The employee, with ETag", body = Employee),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Lacks PARTNER_MANAGE, or `partner_suspended`"),
        (status = 404, description = "No such partner or employee reached"),
        (status = 409, description = "`employee_limit`: enabling would pass `max_employees`")))]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, user_id) = path.into_inner();
    let written = state.employees.enable(&caller.0, partner_id, user_id).await?;
    Ok(tagged(StatusCode::OK, &written.value, None))
}
