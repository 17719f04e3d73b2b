//! Reading users and changing them inside a caller's write: activation (used
//! by `user_auth`), lookups for login, who may manage whom, unique e-mail and
//! mobile, and the views with roles and grants in force.

use chrono::{DateTime, Utc};
use infra::change::{Change, record_unchanged};
use infra::rows::save_if_changed;
use infra::write::WriteTx;
use infra::{Actor, ActorKind};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::TOPIC;
use super::entity::{user, user_capability, user_role};
use super::input::UserKind;
use super::model::User;
use crate::capabilities::USER_MANAGE;
use crate::error::{SettingsError, require};

/// Sets a user active or not inside `tx`, checking the caller's rights; used by
/// `user_auth`, which ends the sessions of a disabled user in the same transaction.
pub async fn set_active(tx: &WriteTx, id: Uuid, active: bool) -> Result<User, SettingsError> {
    require(tx.actor(), USER_MANAGE)?;
    if tx.actor().user_id == Some(id) && !active {
        return Err(SettingsError::OutOfScope("users cannot disable themselves"));
    }
    editable(tx, id).await?;
    set_active_unchecked(tx, id, active).await
}

/// Sets a user active or not inside `tx` without checking the caller's rights;
/// only for flows that authorized the caller themselves (a partner user
/// managing the sub-users it created).
pub async fn set_active_unchecked(tx: &WriteTx, id: Uuid, active: bool) -> Result<User, SettingsError> {
    let before = find(tx.db(), id).await?.ok_or(SettingsError::NotFound("user"))?;
    let mut next = before.clone();
    next.is_active = active;
    let changed = save_if_changed(tx, &before, next).await?.1;
    let after = load(tx.db(), id, tx.now()).await?;
    let (event, action) = if active {
        ("UserEnabled", "user.enable")
    } else {
        ("UserDisabled", "user.disable")
    };
    let payload = serde_json::json!({"is_active": active});
    if changed {
        tx.record(change(event, action, &after), payload).await?;
    } else {
        record_unchanged(tx, change(event, action, &after), payload).await?;
    }
    Ok(after)
}

/// The user row with this lower-cased e-mail, for login.
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<user::Model>, SettingsError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// The user row with this id.
pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<user::Model>, SettingsError> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub(super) fn actor_kind(tx: &WriteTx) -> ActorKind {
    tx.actor().kind
}

/// The change of `user` for its event and audit row.
pub(super) fn change<'a>(event: &'a str, action: &'a str, user: &User) -> Change<'a> {
    Change::new(TOPIC, event, action, "user", user.id, user.version)
}

/// The target row, if the caller may change it.
pub(super) async fn editable(tx: &WriteTx, id: Uuid) -> Result<user::Model, SettingsError> {
    let row = find(tx.db(), id).await?.ok_or(SettingsError::NotFound("user"))?;
    let kind = UserKind::parse(&row.kind).unwrap_or(UserKind::Internal);
    check_scope(tx.actor(), kind, row.organization_id, row.partner_id)?;
    Ok(row)
}

/// Who may manage a user of `kind` in `org` / `partner`.
pub(super) fn check_scope(
    actor: &Actor,
    kind: UserKind,
    org: Option<Uuid>,
    partner: Option<Uuid>,
) -> Result<(), SettingsError> {
    let allowed = match actor.kind {
        ActorKind::System | ActorKind::SuperAdmin => true,
        ActorKind::Internal => match kind {
            UserKind::SuperAdmin => false,
            UserKind::Internal => org.is_some() && org == actor.organization_id,
            UserKind::External => true,
        },
        ActorKind::External => kind == UserKind::External && partner.is_some() && partner == actor.partner_id,
        ActorKind::Anonymous => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(SettingsError::OutOfScope(
            "this user belongs to another organization or partner, or is a SUPER_ADMIN",
        ))
    }
}

/// Whether the caller may see `user`.
pub(super) fn visible(actor: &Actor, user: &User) -> Result<(), SettingsError> {
    if actor.user_id == Some(user.id) {
        return Ok(());
    }
    let kind = UserKind::parse(&user.kind).unwrap_or(UserKind::Internal);
    check_scope(actor, kind, user.organization_id, user.partner_id)
        .map_err(|_| SettingsError::NotFound("user"))
}

pub(super) async fn ensure_free<C: ConnectionTrait>(
    db: &C,
    field: &'static str,
    value: Option<&str>,
    except: Option<Uuid>,
) -> Result<(), SettingsError> {
    let Some(value) = value else { return Ok(()) };
    let column = if field == "email" {
        user::Column::Email
    } else {
        user::Column::Mobile
    };
    let mut query = user::Entity::find().filter(column.eq(value));
    if let Some(id) = except {
        query = query.filter(user::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(SettingsError::Taken {
            field,
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Refuses a `partner_id` naming no business partner (422). PostgreSQL also
/// holds a foreign key; SQLite has only this check. The `partners` table
/// belongs to a module above this one, so it is read by name.
pub(super) async fn ensure_partner<C: ConnectionTrait>(
    db: &C,
    partner: Option<Uuid>,
) -> Result<(), SettingsError> {
    let Some(partner) = partner else { return Ok(()) };
    let mut query = sea_orm::sea_query::Query::select();
    query
        .expr(Expr::val(1))
        .from(sea_orm::sea_query::Alias::new("partners"))
        .and_where(Expr::col(sea_orm::sea_query::Alias::new("id")).eq(partner));
    if db.query_one(&query).await?.is_none() {
        return Err(SettingsError::field("partner_id", "is not a business partner"));
    }
    Ok(())
}

/// The views of `rows`, their roles and grants in force read in two queries
/// for the whole batch.
pub async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<user::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<User>, SettingsError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut roles: std::collections::HashMap<Uuid, Vec<String>> = std::collections::HashMap::new();
    let role_rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids.clone()))
        .order_by_asc(user_role::Column::RoleCode)
        .all(db)
        .await?;
    for r in role_rows {
        roles.entry(r.user_id).or_default().push(r.role_code);
    }
    let mut grants: std::collections::HashMap<Uuid, Vec<user_capability::Model>> =
        std::collections::HashMap::new();
    let grant_rows = user_capability::Entity::find()
        .filter(user_capability::Column::UserId.is_in(ids))
        .filter(user_capability::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(user_capability::Column::ExpiresAt.is_null())
                .add(user_capability::Column::ExpiresAt.gt(now)),
        )
        .order_by_asc(user_capability::Column::CapabilityCode)
        .all(db)
        .await?;
    for g in grant_rows {
        grants.entry(g.user_id).or_default().push(g);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let (r, g) = (
                roles.remove(&row.id).unwrap_or_default(),
                grants.remove(&row.id).unwrap_or_default(),
            );
            User::from_parts(row, r, g)
        })
        .collect())
}

pub(super) async fn load<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<User, SettingsError> {
    let row = find(db, id).await?.ok_or(SettingsError::NotFound("user"))?;
    views(db, vec![row], now)
        .await?
        .pop()
        .ok_or(SettingsError::NotFound("user"))
}
