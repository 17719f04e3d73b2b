//! Sub-users: an EXTERNAL user (not itself a sub-user) invites employees of
//! its partner who log in by OTP; it lists, disables, enables and removes
//! those it created (removed: disabled and detached, never deleted). They are employees like any other (same rows, same
//! limit: 409 `employee_limit`), with `parent_user_id` naming their creator.
//! Disabling or removing ends their sessions at once.

use infra::change::Change;
use infra::write::{WriteTx, write};
use infra::{Actor, ActorKind, Infra, ServiceError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use settings::users::User;
use settings::users::entity::user;
use uuid::Uuid;

use super::manage::{insert, set_enabled_in};
use super::{NewEmployee, not_suspended};
use crate::scope::locked;

/// The role a sub-user starts with.
pub const SUB_USER_ROLE: &str = super::EMPLOYEE_ROLE;

/// A new sub-user.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSubUser {
    /// Mobile number they log in with.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+?[1-9][0-9]{9,14}$"))]
    pub mobile: String,
    /// 2..200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub full_name: String,
}

/// Sub-users over any [`Infra`].
#[derive(Clone)]
pub struct SubUserService<I: Infra> {
    infra: I,
    config: user_auth::AuthConfig,
}

fn parent_of(actor: &Actor) -> Result<(Uuid, Uuid), ServiceError> {
    match (actor.kind, actor.user_id, actor.partner_id) {
        (ActorKind::External, Some(user), Some(partner)) => Ok((user, partner)),
        _ => Err(ServiceError::OutOfScope("only partner users manage sub-users")),
    }
}

impl<I: Infra> SubUserService<I> {
    /// A service over `infra`.
    pub fn new(infra: I, config: user_auth::AuthConfig) -> Self {
        Self { infra, config }
    }

    /// Creates a sub-user of the caller (within the partner's employee limit;
    /// a sub-user cannot create one).
    pub async fn create(&self, actor: &Actor, input: CreateSubUser) -> Result<User, ServiceError> {
        let (parent, partner_id) = parent_of(actor)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                not_suspended(&partner)?;
                let me = settings::users::find(tx.db(), parent)
                    .await?
                    .ok_or(ServiceError::NotFound("user"))?;
                if me.parent_user_id.is_some() {
                    return Err(ServiceError::OutOfScope("a sub-user cannot create sub-users"));
                }
                let input = NewEmployee {
                    full_name: input.full_name,
                    mobile: input.mobile,
                    email: None,
                    role: "employee".into(),
                };
                let employee = insert(tx, &partner, input, Some(parent)).await?;
                record(
                    tx,
                    ("SubUserCreated", "sub_user.create"),
                    employee.user_id,
                    1,
                    parent,
                )
                .await?;
                Ok(employee.user_id)
            })
        })
        .await?;
        self.user(written.value).await
    }

    /// The caller's sub-users.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<User>, ServiceError> {
        let (parent, _) = parent_of(actor)?;
        let rows = user::Entity::find()
            .filter(user::Column::ParentUserId.eq(parent))
            .order_by_asc(user::Column::Id)
            .all(self.infra.db())
            .await?;
        settings::users::views(self.infra.db(), rows, self.infra.clock().now()).await
    }

    /// Disables or enables one of the caller's sub-users; disabling ends its sessions.
    pub async fn set_active(&self, actor: &Actor, id: Uuid, active: bool) -> Result<User, ServiceError> {
        let (parent, partner_id) = parent_of(actor)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                owned(tx, parent, id).await?;
                let partner = locked(tx, partner_id).await?;
                not_suspended(&partner)?;
                let (_, ended) = set_enabled_in(tx, &partner, id, active).await?;
                Ok::<_, ServiceError>(ended)
            })
        })
        .await?;
        user_auth::sessions::publish_revoked(self.infra.kv(), &written.value, &[], &self.config).await;
        self.user(id).await
    }

    /// Removes one of the caller's sub-users. Employees are never deleted:
    /// it is disabled (its sessions end at once, PartnerEmployeeDisabled)
    /// and no longer the caller's sub-user (`parent_user_id` cleared,
    /// SubUserDeleted), so it leaves the caller's list and stays in the
    /// partner's employees as disabled, with its history.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<(), ServiceError> {
        let (parent, partner_id) = parent_of(actor)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                owned(tx, parent, id).await?;
                let partner = locked(tx, partner_id).await?;
                not_suspended(&partner)?;
                let (_, ended) = set_enabled_in(tx, &partner, id, false).await?;
                user::Entity::update_many()
                    .col_expr(user::Column::ParentUserId, Expr::value(Option::<Uuid>::None))
                    .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
                    .col_expr(user::Column::UpdatedAt, Expr::value(tx.now()))
                    .filter(user::Column::Id.eq(id))
                    .exec(tx.db())
                    .await?;
                let after = settings::users::find(tx.db(), id)
                    .await?
                    .ok_or(ServiceError::NotFound("sub-user"))?;
                let deleted = ("SubUserDeleted", "sub_user.delete");
                record(tx, deleted, id, after.version, parent).await?;
                Ok::<_, ServiceError>(ended)
            })
        })
        .await?;
        user_auth::sessions::publish_revoked(self.infra.kv(), &written.value, &[], &self.config).await;
        Ok(())
    }

    async fn user(&self, id: Uuid) -> Result<User, ServiceError> {
        let row = settings::users::find(self.infra.db(), id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        let mut views = settings::users::views(self.infra.db(), vec![row], self.infra.clock().now()).await?;
        views.pop().ok_or(ServiceError::NotFound("user"))
    }
}

/// Refuses (as not found) a user that is not the parent's sub-user.
async fn owned(tx: &WriteTx, parent: Uuid, id: Uuid) -> Result<user::Model, ServiceError> {
    match settings::users::find(tx.db(), id).await? {
        Some(row) if row.parent_user_id == Some(parent) => Ok(row),
        _ => Err(ServiceError::NotFound("sub-user")),
    }
}

/// Records a change to sub-user `id` of `parent`, the user now at `version`.
async fn record(
    tx: &WriteTx,
    (event, action): (&str, &str),
    id: Uuid,
    version: i64,
    parent: Uuid,
) -> Result<(), ServiceError> {
    let payload = serde_json::json!({ "user_id": id, "parent_user_id": parent });
    let change = Change::new(settings::users::TOPIC, event, action, "user", id, version);
    tx.record(change, payload).await
}
