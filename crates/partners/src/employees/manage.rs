//! Inviting, listing, changing the role of, disabling and enabling employees.

use infra::change::record;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, ServiceError, Validator, Written};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use settings::users::entity::{user, user_role};
use settings::users::{CreateUser, normalize_mobile};
use uuid::Uuid;

use super::model::{of_partner, one};
use super::{
    Employee, EmployeeService, NewEmployee, RoleChange, change, ensure_room, entity, not_suspended,
    require_manage, require_read, role_code,
};
use crate::entity::partner;
use crate::events;
use crate::scope::{for_change, reach};

/// Inserts the user and employee rows of a new `invited` employee of the
/// locked `partner`, checking the input, the limit and unique mobile and
/// e-mail; `parent` makes it a sub-user of that user. Emits PartnerEmployeeInvited.
pub(crate) async fn insert(
    tx: &WriteTx,
    partner: &partner::Model,
    input: NewEmployee,
    parent: Option<Uuid>,
) -> Result<Employee, ServiceError> {
    let mut v = Validator::new();
    let mobile = v.take("mobile", normalize_mobile(&input.mobile));
    let name_len = input.full_name.trim().chars().count();
    v.check(
        (2..=200).contains(&name_len),
        "full_name",
        "must be 2 to 200 characters",
    );
    let role = input.role.trim().to_owned();
    let code = role_code(&role);
    v.check(code.is_some(), "role", "must be admin or employee");
    v.finish()?;
    ensure_room(tx.db(), partner).await?;
    let created = settings::users::create_unchecked(
        tx,
        CreateUser {
            kind: "EXTERNAL".into(),
            mobile: mobile.clone(),
            email: input.email.clone().filter(|e| !e.trim().is_empty()),
            full_name: input.full_name.trim().to_owned(),
            partner_id: Some(partner.id),
            roles: code.map(|c| vec![c.to_owned()]).unwrap_or_default(),
            ..Default::default()
        },
        None,
    )
    .await?;
    if let Some(parent) = parent {
        user::Entity::update_many()
            .col_expr(
                user::Column::ParentUserId,
                sea_orm::sea_query::Expr::value(parent),
            )
            .filter(user::Column::Id.eq(created.id))
            .exec(tx.db())
            .await?;
    }
    let now = tx.now();
    entity::ActiveModel {
        user_id: Set(created.id),
        partner_id: Set(partner.id),
        role: Set(role),
        status: Set("invited".into()),
        first_admin: Set(false),
        invited_by: Set(tx.actor().user_id),
        invited_at: Set(now),
        activated_at: Set(None),
        disabled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(tx.db())
    .await?;
    let employee = one(tx.db(), partner.id, created.id).await?;
    let event = change(
        events::PARTNER_EMPLOYEE_INVITED,
        "partner_employee.invite",
        partner,
        created.id,
    );
    let body = json!({ "partner_id": partner.id, "user_id": created.id, "item": &employee });
    record(tx, event, body).await?;
    Ok(employee)
}

/// Records the first admin of a partner just approved (`user_id`, active at its first login).
pub(crate) async fn first_admin(tx: &WriteTx, partner_id: Uuid, user_id: Uuid) -> Result<(), ServiceError> {
    let now = tx.now();
    entity::ActiveModel {
        user_id: Set(user_id),
        partner_id: Set(partner_id),
        role: Set("admin".into()),
        status: Set("invited".into()),
        first_admin: Set(true),
        invited_by: Set(tx.actor().user_id),
        invited_at: Set(now),
        activated_at: Set(None),
        disabled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(tx.db())
    .await?;
    Ok(())
}

/// The employee row of `user_id` of `partner_id`, created for a user that has none.
async fn row_of(tx: &WriteTx, partner_id: Uuid, user_id: Uuid) -> Result<entity::Model, ServiceError> {
    let employee = one(tx.db(), partner_id, user_id).await?;
    if let Some(row) = entity::Entity::find_by_id(user_id).one(tx.db()).await? {
        return Ok(row);
    }
    let now = tx.now();
    let row = entity::Model {
        user_id,
        partner_id,
        role: employee.role,
        status: employee.status,
        first_admin: false,
        invited_by: employee.invited_by,
        invited_at: employee.invited_at,
        activated_at: None,
        disabled_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    Ok(row.into_active_model().reset_all().insert(tx.db()).await?)
}

impl<I: Infra> EmployeeService<I> {
    /// Invites an employee of `partner_id` (PARTNER_MANAGE): 422 naming each
    /// bad field, 409 `employee_limit` over the limit, 409 `already_exists`
    /// for a mobile or e-mail in use, 403 `partner_suspended`.
    pub async fn invite(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: NewEmployee,
    ) -> Result<Written<Employee>, ServiceError> {
        require_manage(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = for_change(tx, partner_id).await?;
                not_suspended(&partner)?;
                insert(tx, &partner, input, None).await
            })
        })
        .await
    }

    /// The employees of `partner_id`, oldest first (staff: PARTNER_READ).
    pub async fn list(&self, actor: &Actor, partner_id: Uuid) -> Result<Vec<Employee>, ServiceError> {
        require_read(actor)?;
        reach(actor, partner_id)?;
        partner::Entity::find_by_id(partner_id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("partner"))?;
        of_partner(self.infra.db(), partner_id).await
    }

    /// Changes an employee's role (PARTNER_MANAGE); `expected_version`
    /// (If-Match) must be the employee's current version when sent (412
    /// otherwise). Emits PartnerEmployeeRoleChanged when it changed. The
    /// first admin stays an admin (409 `first_admin`).
    pub async fn set_role(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        user_id: Uuid,
        input: RoleChange,
        expected_version: Option<i64>,
    ) -> Result<Written<Employee>, ServiceError> {
        require_manage(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = for_change(tx, partner_id).await?;
                not_suspended(&partner)?;
                let role = input.role.trim().to_owned();
                let Some(code) = role_code(&role) else {
                    return Err(ServiceError::field("role", "must be admin or employee"));
                };
                let row = row_of(tx, partner_id, user_id).await?;
                infra::rows::check_version(expected_version, row.version, infra::rows::VersionRule::Optional)?;
                if row.role == role {
                    return one(tx.db(), partner_id, user_id).await;
                }
                if row.first_admin {
                    return Err(ServiceError::conflict("first_admin", "the partner's first admin stays an admin"));
                }
                let old = row.role.clone();
                save(tx, row, |r| r.role = role.clone()).await?;
                user_role::Entity::delete_many()
                    .filter(user_role::Column::UserId.eq(user_id))
                    .filter(user_role::Column::RoleCode.is_in([super::ADMIN_ROLE, super::EMPLOYEE_ROLE]))
                    .exec(tx.db())
                    .await?;
                user_role::ActiveModel {
                    user_id: Set(user_id),
                    role_code: Set(code.to_owned()),
                    granted_at: Set(tx.now()),
                    granted_by: Set(tx.actor().user_id),
                }
                .insert(tx.db())
                .await?;
                let employee = one(tx.db(), partner_id, user_id).await?;
                let event = change(events::PARTNER_EMPLOYEE_ROLE_CHANGED, "partner_employee.role", &partner, user_id);
                let body = json!({ "partner_id": partner_id, "user_id": user_id, "changes": { "role": { "old": old, "new": role } } });
                record(tx, event, body).await?;
                Ok(employee)
            })
        })
        .await
    }

    /// Disables an employee (PARTNER_MANAGE): it cannot log in and its
    /// sessions end at once; nobody disables themselves. Emits PartnerEmployeeDisabled.
    pub async fn disable(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        user_id: Uuid,
    ) -> Result<Written<Employee>, ServiceError> {
        self.set_enabled(actor, partner_id, user_id, false).await
    }

    /// Enables a disabled employee (PARTNER_MANAGE), within the limit
    /// (409 `employee_limit`). Emits PartnerEmployeeEnabled.
    pub async fn enable(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        user_id: Uuid,
    ) -> Result<Written<Employee>, ServiceError> {
        self.set_enabled(actor, partner_id, user_id, true).await
    }

    async fn set_enabled(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        user_id: Uuid,
        enabled: bool,
    ) -> Result<Written<Employee>, ServiceError> {
        require_manage(actor)?;
        if !enabled && actor.user_id == Some(user_id) {
            return Err(ServiceError::OutOfScope("users cannot disable themselves"));
        }
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = for_change(tx, partner_id).await?;
                not_suspended(&partner)?;
                set_enabled_in(tx, &partner, user_id, enabled).await
            })
        })
        .await?;
        let (employee, ended) = written.value;
        user_auth::sessions::publish_revoked(self.infra.kv(), &ended, &[], &self.config).await;
        Ok(Written {
            value: employee,
            replayed: written.replayed,
        })
    }
}

/// Disables or enables employee `user_id` of the locked `partner` inside
/// `tx`; answers the employee and the sessions ended (to publish after the commit).
pub(crate) async fn set_enabled_in(
    tx: &WriteTx,
    partner: &partner::Model,
    user_id: Uuid,
    enabled: bool,
) -> Result<(Employee, Vec<Uuid>), ServiceError> {
    let row = row_of(tx, partner.id, user_id).await?;
    let disabled = row.status == "disabled";
    if disabled != enabled {
        return Ok((one(tx.db(), partner.id, user_id).await?, Vec::new()));
    }
    if enabled {
        ensure_room(tx.db(), partner).await?;
    }
    let now = tx.now();
    let status = if !enabled {
        "disabled"
    } else if row.activated_at.is_some() {
        "active"
    } else {
        "invited"
    };
    save(tx, row, |r| {
        r.status = status.into();
        if !enabled {
            r.disabled_at = Some(now);
        }
    })
    .await?;
    settings::users::set_active_unchecked(tx, user_id, enabled).await?;
    let ended = if enabled {
        Vec::new()
    } else {
        user_auth::sessions::revoke_all_for_user(tx, user_id, "user_disabled")
            .await
            .map_err(super::service_error)?
    };
    let employee = one(tx.db(), partner.id, user_id).await?;
    let (event, action) = if enabled {
        (events::PARTNER_EMPLOYEE_ENABLED, "partner_employee.enable")
    } else {
        (events::PARTNER_EMPLOYEE_DISABLED, "partner_employee.disable")
    };
    let body = json!({ "partner_id": partner.id, "user_id": user_id, "status": &employee.status });
    record(tx, change(event, action, partner, user_id), body).await?;
    Ok((employee, ended))
}

/// Saves `row` changed by `edit`, its version bumped.
pub(crate) async fn save(
    tx: &WriteTx,
    row: entity::Model,
    edit: impl FnOnce(&mut entity::Model),
) -> Result<entity::Model, ServiceError> {
    let mut next = row;
    edit(&mut next);
    next.version += 1;
    next.updated_at = tx.now();
    let mut active = next.clone().into_active_model().reset_all();
    active.user_id = sea_orm::ActiveValue::Unchanged(next.user_id);
    Ok(active.update(tx.db()).await?)
}
