//! Roles and direct capability grants of a user: replacing the roles,
//! granting a capability (optionally until a time) and revoking it. Each
//! change moves the user one version on and ends the cached capabilities.

use chrono::{DateTime, Utc};
use infra::change::record_unchanged;
use infra::rows::save;
use infra::write::WriteTx;
use infra::write::write;
use infra::{Actor, ActorKind, Infra, ValidationError, Written};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entity::{user_capability, user_role};
use super::input::{GrantCapability, UserKind};
use super::model::User;
use super::service::UserService;
use super::store::{actor_kind, change, editable, load};
use crate::capabilities::{USER_MANAGE, is_code};
use crate::error::{SettingsError, require};
use crate::roles::entity::role;

impl<I: Infra> UserService<I> {
    /// Replaces the user's roles with `roles`.
    pub async fn assign_roles(
        &self,
        actor: &Actor,
        id: Uuid,
        roles: Vec<String>,
    ) -> Result<Written<User>, SettingsError> {
        require(actor, USER_MANAGE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = editable(tx, id).await?;
                let kind = UserKind::parse(&before.kind).unwrap_or(UserKind::Internal);
                if kind == UserKind::SuperAdmin && !roles.is_empty() {
                    return Err(SettingsError::field(
                        "roles",
                        "SUPER_ADMIN users hold every capability and take no roles",
                    ));
                }
                check_roles(tx.db(), kind, &roles).await?;
                if roles.iter().any(|r| r == "PLATFORM_ADMIN") && actor_kind(tx) != ActorKind::SuperAdmin {
                    return Err(SettingsError::OutOfScope(
                        "only a SUPER_ADMIN gives the PLATFORM_ADMIN role",
                    ));
                }
                let current = load(tx.db(), id, tx.now()).await?;
                let mut wanted = roles.clone();
                wanted.sort();
                wanted.dedup();
                let mut held = current.roles.clone();
                held.sort();
                let payload = serde_json::json!({"roles": roles});
                if wanted == held {
                    // The same roles again: audited, no event, no new version.
                    let unchanged = change("UserRolesAssigned", "user.assign_roles", &current);
                    record_unchanged(tx, unchanged, payload).await?;
                    return Ok(current);
                }
                replace_roles(tx, id, &roles).await?;
                save(tx, before).await?;
                let after = load(tx.db(), id, tx.now()).await?;
                tx.record(change("UserRolesAssigned", "user.assign_roles", &after), payload)
                    .await?;
                Ok(after)
            })
        })
        .await;
        crate::capabilities::invalidate(&self.infra, id).await;
        written
    }

    /// Grants a capability directly, optionally until `expires_at`.
    pub async fn grant_capability(
        &self,
        actor: &Actor,
        id: Uuid,
        grant: GrantCapability,
    ) -> Result<Written<User>, SettingsError> {
        require(actor, USER_MANAGE)?;
        if !is_code(&grant.capability) {
            return Err(SettingsError::field(
                "capability",
                "must be a capability code in upper snake case",
            ));
        }
        if !actor.can(&grant.capability) {
            return Err(SettingsError::OutOfScope(
                "a capability can only be granted by someone who holds it",
            ));
        }
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = editable(tx, id).await?;
                let db = tx.db();
                if let Some(at) = grant.expires_at.filter(|at| *at <= tx.now()) {
                    return Err(SettingsError::field(
                        "expires_at",
                        &format!("must be in the future, not {at}"),
                    ));
                }
                let known = crate::capabilities::entity::Entity::find_by_id(grant.capability.clone())
                    .one(db)
                    .await?;
                if known.is_none() {
                    return Err(SettingsError::field("capability", "is not a known capability"));
                }
                revoke_grants(db, id, &grant.capability, tx.now()).await?;
                user_capability::ActiveModel {
                    id: Set(infra::ids::new_id()),
                    user_id: Set(id),
                    capability_code: Set(grant.capability.clone()),
                    granted_at: Set(tx.now()),
                    granted_by: Set(tx.actor().user_id),
                    expires_at: Set(grant.expires_at),
                    revoked_at: Set(None),
                }
                .insert(db)
                .await?;
                save(tx, before).await?;
                let after = load(db, id, tx.now()).await?;
                let details =
                    serde_json::json!({"capability": grant.capability, "expires_at": grant.expires_at});
                tx.record(
                    change("UserCapabilityGranted", "user.grant_capability", &after),
                    details,
                )
                .await?;
                Ok(after)
            })
        })
        .await;
        crate::capabilities::invalidate(&self.infra, id).await;
        written
    }

    /// Ends every direct grant of `capability` to the user.
    pub async fn revoke_capability(
        &self,
        actor: &Actor,
        id: Uuid,
        capability: String,
    ) -> Result<Written<User>, SettingsError> {
        require(actor, USER_MANAGE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = editable(tx, id).await?;
                let ended = revoke_grants(tx.db(), id, &capability, tx.now()).await?;
                if ended == 0 {
                    return Err(SettingsError::NotFound("direct grant of that capability"));
                }
                save(tx, before).await?;
                let after = load(tx.db(), id, tx.now()).await?;
                tx.record(
                    change("UserCapabilityRevoked", "user.revoke_capability", &after),
                    serde_json::json!({"capability": capability}),
                )
                .await?;
                Ok(after)
            })
        })
        .await;
        crate::capabilities::invalidate(&self.infra, id).await;
        written
    }
}

pub(super) async fn check_roles<C: ConnectionTrait>(
    db: &C,
    kind: UserKind,
    roles: &[String],
) -> Result<(), SettingsError> {
    let mut errors = Vec::new();
    for (i, code) in roles.iter().enumerate() {
        let field = format!("roles[{i}]");
        match role::Entity::find_by_id(code.clone()).one(db).await? {
            None => errors.push(infra::FieldError::new(
                field,
                format!("{code} is not a role; see GET /api/v1/settings/roles"),
            )),
            Some(r) if r.user_kind != kind.as_str() => errors.push(infra::FieldError::new(
                field,
                format!(
                    "{code} is a role for {} users, not {}",
                    r.user_kind,
                    kind.as_str()
                ),
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { errors }.into())
    }
}

pub(super) async fn replace_roles(tx: &WriteTx, id: Uuid, roles: &[String]) -> Result<(), SettingsError> {
    let db = tx.db();
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(id))
        .exec(db)
        .await?;
    let mut unique: Vec<&String> = roles.iter().collect();
    unique.sort();
    unique.dedup();
    for code in unique {
        user_role::ActiveModel {
            user_id: Set(id),
            role_code: Set(code.clone()),
            granted_at: Set(tx.now()),
            granted_by: Set(tx.actor().user_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub(super) async fn revoke_grants<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<u64, SettingsError> {
    let result = user_capability::Entity::update_many()
        .col_expr(user_capability::Column::RevokedAt, Expr::value(now))
        .filter(user_capability::Column::UserId.eq(id))
        .filter(user_capability::Column::CapabilityCode.eq(code))
        .filter(user_capability::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(user_capability::Column::ExpiresAt.is_null())
                .add(user_capability::Column::ExpiresAt.gt(now)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
