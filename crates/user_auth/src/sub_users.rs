//! Sub-users: an EXTERNAL user (not itself a sub-user) creates up to two people
//! of its partner who log in by OTP; it lists, disables, enables and deletes
//! them. Disabling or deleting ends their sessions at once.

use infra::ServiceError;
use infra::change::Change;
use infra::write::{WriteTx, write};
use infra::{Actor, ActorKind, Infra, Validator};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;
use settings::users::entity::{user, user_role};
use settings::users::{User, UserService, normalize_mobile};
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::sessions;

/// Most sub-users one parent may have.
pub const MAX_SUB_USERS: u64 = 2;
/// The role a sub-user starts with.
pub const SUB_USER_ROLE: &str = "PARTNER_EMPLOYEE";

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
    users: UserService<I>,
    config: AuthConfig,
}

fn parent_of(actor: &Actor) -> Result<(Uuid, Uuid), AuthError> {
    match (actor.kind, actor.user_id, actor.partner_id) {
        (ActorKind::External, Some(user), Some(partner)) => Ok((user, partner)),
        _ => Err(ServiceError::OutOfScope("only partner users manage sub-users").into()),
    }
}

impl<I: Infra> SubUserService<I> {
    /// A service over `infra`.
    pub fn new(infra: I, config: AuthConfig) -> Self {
        Self {
            users: UserService::new(infra.clone()),
            infra,
            config,
        }
    }

    /// Creates a sub-user of the caller (at most two; a sub-user cannot create one).
    pub async fn create(&self, actor: &Actor, input: CreateSubUser) -> Result<User, AuthError> {
        let (parent, partner) = parent_of(actor)?;
        let mut v = Validator::new();
        let mobile = v.take("mobile", normalize_mobile(&input.mobile));
        let name_len = input.full_name.trim().chars().count();
        v.check(
            (2..=200).contains(&name_len),
            "full_name",
            "must be 2 to 200 characters",
        );
        v.finish()?;
        let mobile = mobile.unwrap_or_default();
        let full_name = input.full_name.trim().to_owned();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let db = tx.db();
                // The parent's row lock (PostgreSQL) makes the count below race-free.
                let mut me = user::Entity::find_by_id(parent);
                if db.get_database_backend() == sea_orm::DbBackend::Postgres {
                    me = me.lock_exclusive();
                }
                let me = me.one(db).await?.ok_or(AuthError::Revoked)?;
                if me.parent_user_id.is_some() {
                    return Err(ServiceError::OutOfScope("a sub-user cannot create sub-users").into());
                }
                let existing = user::Entity::find()
                    .filter(user::Column::ParentUserId.eq(parent))
                    .count(db)
                    .await?;
                if existing >= MAX_SUB_USERS {
                    return Err(ServiceError::conflict(
                        "sub_user_limit",
                        format!("a partner user may have at most {MAX_SUB_USERS} sub-users"),
                    )
                    .into());
                }
                if user::Entity::find()
                    .filter(user::Column::Mobile.eq(mobile.as_str()))
                    .one(db)
                    .await?
                    .is_some()
                {
                    return Err(ServiceError::Taken {
                        field: "mobile",
                        value: mobile,
                    }
                    .into());
                }
                let id = infra::ids::new_id();
                user::ActiveModel {
                    id: Set(id),
                    kind: Set("EXTERNAL".to_owned()),
                    email: Set(None),
                    mobile: Set(Some(mobile)),
                    full_name: Set(full_name),
                    password_hash: Set(None),
                    organization_id: Set(None),
                    partner_id: Set(Some(partner)),
                    is_active: Set(true),
                    parent_user_id: Set(Some(parent)),
                    totp_secret: Set(None),
                    totp_enabled: Set(false),
                    totp_last_step: Set(None),
                    version: Set(1),
                    created_at: Set(tx.now()),
                    updated_at: Set(tx.now()),
                }
                .insert(db)
                .await?;
                user_role::ActiveModel {
                    user_id: Set(id),
                    role_code: Set(SUB_USER_ROLE.to_owned()),
                    granted_at: Set(tx.now()),
                    granted_by: Set(Some(parent)),
                }
                .insert(db)
                .await?;
                record(tx, ("SubUserCreated", "sub_user.create"), id, 1, parent).await?;
                Ok::<_, AuthError>(id)
            })
        })
        .await?;
        Ok(self.users.get(&Actor::system(), written.value).await?)
    }

    /// The caller's sub-users.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<User>, AuthError> {
        let (parent, _) = parent_of(actor)?;
        let rows = user::Entity::find()
            .filter(user::Column::ParentUserId.eq(parent))
            .order_by_asc(user::Column::Id)
            .all(self.infra.db())
            .await?;
        Ok(settings::users::views(self.infra.db(), rows, self.infra.clock().now()).await?)
    }

    /// Disables or enables one of the caller's sub-users; disabling ends its sessions.
    pub async fn set_active(&self, actor: &Actor, id: Uuid, active: bool) -> Result<User, AuthError> {
        let (parent, _) = parent_of(actor)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                owned(tx, parent, id).await?;
                let user = settings::users::set_active_unchecked(tx, id, active).await?;
                let ended = if active {
                    Vec::new()
                } else {
                    sessions::revoke_all_for_user(tx, id, "user_disabled").await?
                };
                Ok::<_, AuthError>((user, ended))
            })
        })
        .await?;
        let (user, ended) = written.value;
        sessions::publish_revoked(self.infra.kv(), &ended, &[], &self.config).await;
        Ok(user)
    }

    /// Deletes one of the caller's sub-users, ending its sessions first.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<(), AuthError> {
        let (parent, _) = parent_of(actor)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = owned(tx, parent, id).await?;
                let ended = sessions::revoke_all_for_user(tx, id, "user_deleted").await?;
                user::Entity::delete_by_id(id).exec(tx.db()).await?;
                let deleted = ("SubUserDeleted", "sub_user.delete");
                record(tx, deleted, id, before.version + 1, parent).await?;
                Ok::<_, AuthError>(ended)
            })
        })
        .await?;
        sessions::publish_revoked(self.infra.kv(), &written.value, &[], &self.config).await;
        Ok(())
    }
}

/// Refuses (as not found) a user that is not the parent's sub-user.
async fn owned(tx: &WriteTx, parent: Uuid, id: Uuid) -> Result<user::Model, AuthError> {
    match settings::users::find(tx.db(), id).await? {
        Some(row) if row.parent_user_id == Some(parent) => Ok(row),
        _ => Err(ServiceError::NotFound("sub-user").into()),
    }
}

/// Records a change to sub-user `id` of `parent`, the user now at `version`.
async fn record(
    tx: &WriteTx,
    (event, action): (&str, &str),
    id: Uuid,
    version: i64,
    parent: Uuid,
) -> Result<(), AuthError> {
    let payload = serde_json::json!({ "user_id": id, "parent_user_id": parent });
    let change = Change::new(settings::users::TOPIC, event, action, "user", id, version);
    Ok(tx.record(change, payload).await?)
}
