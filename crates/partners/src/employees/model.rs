//! The employee view, the inputs, and reading employees from `users` and
//! `partner_employees` together.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use settings::users::entity::{user, user_role};
use std::collections::HashMap;
use uuid::Uuid;

use super::{ADMIN_ROLE, entity};
use infra::ServiceError;

/// An employee of a partner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Employee {
    /// The user's id.
    pub user_id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// Full name.
    pub full_name: String,
    /// Mobile number they log in with (`+919876543210`).
    pub mobile: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// `admin` (PARTNER_ADMIN) or `employee` (PARTNER_EMPLOYEE).
    pub role: String,
    /// `invited` (until the first OTP login), `active` or `disabled`.
    pub status: String,
    /// The partner's first admin (created at approval; not counted against the limit).
    pub first_admin: bool,
    /// The user who created this one as a sub-user, if it is one.
    pub parent_user_id: Option<Uuid>,
    /// Who invited the user.
    pub invited_by: Option<Uuid>,
    /// When the user was invited.
    pub invited_at: DateTime<Utc>,
    /// The first OTP login.
    pub activated_at: Option<DateTime<Utc>>,
    /// The last disabling.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Version of the employee row.
    pub version: i64,
}

/// A new employee.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEmployee {
    /// 2..200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub full_name: String,
    /// Mobile number they log in with; unique among users.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+?[1-9][0-9]{9,14}$"))]
    pub mobile: String,
    /// E-mail address; unique among users.
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    #[serde(default)]
    pub email: Option<String>,
    /// `admin` or `employee`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(admin|employee)$"))]
    pub role: String,
}

/// A change of an employee's role.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// `admin` or `employee`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(admin|employee)$"))]
    pub role: String,
}

/// The employee of `row`, its `employee` row if it has one (EXTERNAL users
/// created before or outside the employee services have none: active or
/// disabled as the user is), its user roles deciding the role then.
fn view(row: user::Model, employee: Option<entity::Model>, admin: bool) -> Employee {
    let partner_id = row.partner_id.unwrap_or_default();
    match employee {
        Some(e) => Employee {
            user_id: row.id,
            partner_id: e.partner_id,
            full_name: row.full_name,
            mobile: row.mobile,
            email: row.email,
            role: e.role,
            status: e.status,
            first_admin: e.first_admin,
            parent_user_id: row.parent_user_id,
            invited_by: e.invited_by,
            invited_at: e.invited_at,
            activated_at: e.activated_at,
            disabled_at: e.disabled_at,
            version: e.version,
        },
        None => Employee {
            user_id: row.id,
            partner_id,
            full_name: row.full_name,
            mobile: row.mobile,
            email: row.email,
            role: if admin { "admin" } else { "employee" }.into(),
            status: if row.is_active { "active" } else { "disabled" }.into(),
            first_admin: false,
            parent_user_id: row.parent_user_id,
            invited_by: row.parent_user_id,
            invited_at: row.created_at,
            activated_at: None,
            disabled_at: None,
            version: 1,
        },
    }
}

/// The employees among `rows` (users of one partner), in the order given.
pub(crate) async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<user::Model>,
) -> Result<Vec<Employee>, ServiceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut employees: HashMap<Uuid, entity::Model> = entity::Entity::find()
        .filter(entity::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect();
    let admins: std::collections::HashSet<Uuid> = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids))
        .filter(user_role::Column::RoleCode.eq(ADMIN_ROLE))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let admin = admins.contains(&row.id);
            let employee = employees.remove(&row.id);
            view(row, employee, admin)
        })
        .collect())
}

/// The employees of `partner_id`, oldest first.
pub(crate) async fn of_partner<C: ConnectionTrait>(
    db: &C,
    partner_id: Uuid,
) -> Result<Vec<Employee>, ServiceError> {
    let rows = user::Entity::find()
        .filter(user::Column::PartnerId.eq(partner_id))
        .filter(user::Column::Kind.eq("EXTERNAL"))
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// The employee `user_id` of `partner_id` (404 `partner_employee` otherwise).
pub(crate) async fn one<C: ConnectionTrait>(
    db: &C,
    partner_id: Uuid,
    user_id: Uuid,
) -> Result<Employee, ServiceError> {
    let row = user::Entity::find_by_id(user_id)
        .filter(user::Column::PartnerId.eq(partner_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("partner_employee"))?;
    views(db, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("partner_employee"))
}
