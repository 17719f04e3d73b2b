//! User management: create, read, list, update, disable and enable, roles and
//! direct grants. Needs USER_MANAGE to change and USER_READ to read; INTERNAL
//! callers act within their own organization; only SUPER_ADMIN touches SUPER_ADMIN users.

use chrono::{DateTime, Utc};
use infra::write::{WriteTx, write};
use infra::{Actor, ActorKind, Infra, NewEvent, Page, PageRequest, ValidationError, Written};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::TOPIC;
use super::entity::{user, user_capability, user_role};
use super::input::{CreateUser, GrantCapability, UpdateUser, UserFilter, UserKind};
use super::model::User;
use crate::capabilities::{USER_MANAGE, USER_READ, is_code};
use crate::error::{SettingsError, require};
use crate::roles::entity::role;

/// User management over any [`Infra`].
#[derive(Clone)]
pub struct UserService<I: Infra> {
    infra: I,
}

impl<I: Infra> UserService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Creates a user. `password_hash` is the argon2 hash of `input.password`
    /// (the caller hashes, outside the transaction).
    pub async fn create(
        &self,
        actor: &Actor,
        input: CreateUser,
        password_hash: Option<String>,
    ) -> Result<Written<User>, SettingsError> {
        require(actor, USER_MANAGE)?;
        let valid = input.validate(password_hash.is_some())?;
        check_scope(actor, valid.kind, input.organization_id, input.partner_id)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let db = tx.db();
                ensure_free(db, "email", valid.email.as_deref(), None).await?;
                ensure_free(db, "mobile", valid.mobile.as_deref(), None).await?;
                check_roles(db, valid.kind, &input.roles).await?;
                let id = infra::ids::new_id();
                let now = tx.now();
                user::ActiveModel {
                    id: Set(id),
                    kind: Set(valid.kind.as_str().to_owned()),
                    email: Set(valid.email),
                    mobile: Set(valid.mobile),
                    full_name: Set(input.full_name.trim().to_owned()),
                    password_hash: Set(password_hash),
                    organization_id: Set(input.organization_id),
                    partner_id: Set(input.partner_id),
                    is_active: Set(true),
                    parent_user_id: Set(None),
                    totp_secret: Set(None),
                    totp_enabled: Set(false),
                    totp_last_step: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
                replace_roles(tx, id, &input.roles).await?;
                let created = load(db, id, now).await?;
                record(
                    tx,
                    "UserCreated",
                    "user.create",
                    &created,
                    serde_json::json!({"user": &created}),
                )
                .await?;
                Ok(created)
            })
        })
        .await
    }

    /// One user; needs USER_READ (or is the caller).
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<User, SettingsError> {
        if actor.user_id != Some(id) {
            require(actor, USER_READ)?;
        }
        let now = self.infra.clock().now();
        let found = load(self.infra.db(), id, now).await?;
        visible(actor, &found)?;
        Ok(found)
    }

    /// A page of users, ordered by id; INTERNAL callers see their organization
    /// and partner users.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: UserFilter,
        page: PageRequest,
    ) -> Result<Page<User>, SettingsError> {
        require(actor, USER_READ)?;
        let mut query = user::Entity::find()
            .order_by_asc(user::Column::Id)
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(user::Column::Id.gt(after));
        }
        if let Some(kind) = &filter.kind {
            let kind = UserKind::parse(kind)
                .ok_or_else(|| SettingsError::field("kind", "must be SUPER_ADMIN, INTERNAL or EXTERNAL"))?;
            query = query.filter(user::Column::Kind.eq(kind.as_str()));
        }
        if let Some(org) = filter.organization_id {
            query = query.filter(user::Column::OrganizationId.eq(org));
        }
        if let Some(partner) = filter.partner_id {
            query = query.filter(user::Column::PartnerId.eq(partner));
        }
        if let Some(active) = filter.active {
            query = query.filter(user::Column::IsActive.eq(active));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = crate::like::contains_pattern(q);
            query = query.filter(
                Condition::any()
                    .add(Expr::col(user::Column::Email).like(pattern.clone()))
                    .add(Func::lower(Expr::col(user::Column::FullName)).like(pattern)),
            );
        }
        query = match (actor.kind, actor.organization_id, actor.partner_id) {
            (ActorKind::Internal, Some(org), _) => query.filter(
                Condition::any()
                    .add(user::Column::OrganizationId.eq(org))
                    .add(user::Column::Kind.eq("EXTERNAL")),
            ),
            (ActorKind::External, _, Some(partner)) => query.filter(user::Column::PartnerId.eq(partner)),
            _ => query,
        };
        let rows = query.all(self.infra.db()).await?;
        let now = self.infra.clock().now();
        let page = Page::from_rows(rows, page, |r| r.id);
        Ok(Page {
            items: views(self.infra.db(), page.items, now).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// Changes name, e-mail or mobile; `expected_version` (from `If-Match` or
    /// the body) must be the current version when given.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: UpdateUser,
        expected_version: Option<i64>,
    ) -> Result<Written<User>, SettingsError> {
        require(actor, USER_MANAGE)?;
        let (email, mobile) = input.validate()?;
        let expected = expected_version.or(input.version);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let db = tx.db();
                let before = editable(tx, id).await?;
                if let Some(sent) = expected.filter(|v| *v != before.version) {
                    return Err(SettingsError::StaleVersion {
                        sent,
                        current: before.version,
                    });
                }
                ensure_free(db, "email", email.as_deref(), Some(id)).await?;
                ensure_free(db, "mobile", mobile.as_deref(), Some(id)).await?;
                let mut changes = serde_json::Map::new();
                let mut row: user::ActiveModel = before.clone().into();
                if let Some(name) = input
                    .full_name
                    .map(|n| n.trim().to_owned())
                    .filter(|n| *n != before.full_name)
                {
                    changes.insert(
                        "full_name".into(),
                        serde_json::json!({"old": before.full_name, "new": name}),
                    );
                    row.full_name = Set(name);
                }
                if let Some(email) = email.filter(|e| Some(e) != before.email.as_ref()) {
                    changes.insert(
                        "email".into(),
                        serde_json::json!({"old": before.email, "new": email}),
                    );
                    row.email = Set(Some(email));
                }
                if let Some(mobile) = mobile.filter(|m| Some(m) != before.mobile.as_ref()) {
                    changes.insert(
                        "mobile".into(),
                        serde_json::json!({"old": before.mobile, "new": mobile}),
                    );
                    row.mobile = Set(Some(mobile));
                }
                if !changes.is_empty() {
                    bump(&mut row, &before, tx.now());
                    row.update(db).await?;
                }
                let after = load(db, id, tx.now()).await?;
                record(
                    tx,
                    "UserUpdated",
                    "user.update",
                    &after,
                    serde_json::json!({"changes": changes}),
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

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
                replace_roles(tx, id, &roles).await?;
                let mut row: user::ActiveModel = before.clone().into();
                bump(&mut row, &before, tx.now());
                row.update(tx.db()).await?;
                let after = load(tx.db(), id, tx.now()).await?;
                record(
                    tx,
                    "UserRolesAssigned",
                    "user.assign_roles",
                    &after,
                    serde_json::json!({"roles": roles}),
                )
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
                let mut row: user::ActiveModel = before.clone().into();
                bump(&mut row, &before, tx.now());
                row.update(db).await?;
                let after = load(db, id, tx.now()).await?;
                let details =
                    serde_json::json!({"capability": grant.capability, "expires_at": grant.expires_at});
                record(
                    tx,
                    "UserCapabilityGranted",
                    "user.grant_capability",
                    &after,
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
                let mut row: user::ActiveModel = before.clone().into();
                bump(&mut row, &before, tx.now());
                row.update(tx.db()).await?;
                let after = load(tx.db(), id, tx.now()).await?;
                record(
                    tx,
                    "UserCapabilityRevoked",
                    "user.revoke_capability",
                    &after,
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
    if before.is_active != active {
        let mut row: user::ActiveModel = before.clone().into();
        row.is_active = Set(active);
        bump(&mut row, &before, tx.now());
        row.update(tx.db()).await?;
    }
    let after = load(tx.db(), id, tx.now()).await?;
    let (event, action) = if active {
        ("UserEnabled", "user.enable")
    } else {
        ("UserDisabled", "user.disable")
    };
    record(
        tx,
        event,
        action,
        &after,
        serde_json::json!({"is_active": active}),
    )
    .await?;
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

fn actor_kind(tx: &WriteTx) -> ActorKind {
    tx.actor().kind
}

fn bump(row: &mut user::ActiveModel, before: &user::Model, now: DateTime<Utc>) {
    row.version = Set(before.version + 1);
    row.updated_at = Set(now);
}

async fn record(
    tx: &WriteTx,
    event: &str,
    action: &str,
    user: &User,
    payload: serde_json::Value,
) -> Result<(), SettingsError> {
    tx.emit(NewEvent::new(
        TOPIC,
        event,
        "user",
        user.id,
        user.version,
        &payload,
    )?)
    .await?;
    tx.audit(action, "user", &user.id.to_string(), Some(payload))
        .await?;
    Ok(())
}

/// The target row, if the caller may change it.
async fn editable(tx: &WriteTx, id: Uuid) -> Result<user::Model, SettingsError> {
    let row = find(tx.db(), id).await?.ok_or(SettingsError::NotFound("user"))?;
    let kind = UserKind::parse(&row.kind).unwrap_or(UserKind::Internal);
    check_scope(tx.actor(), kind, row.organization_id, row.partner_id)?;
    Ok(row)
}

/// Who may manage a user of `kind` in `org` / `partner`.
fn check_scope(
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
fn visible(actor: &Actor, user: &User) -> Result<(), SettingsError> {
    if actor.user_id == Some(user.id) {
        return Ok(());
    }
    let kind = UserKind::parse(&user.kind).unwrap_or(UserKind::Internal);
    check_scope(actor, kind, user.organization_id, user.partner_id)
        .map_err(|_| SettingsError::NotFound("user"))
}

async fn ensure_free<C: ConnectionTrait>(
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

async fn check_roles<C: ConnectionTrait>(
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

async fn replace_roles(tx: &WriteTx, id: Uuid, roles: &[String]) -> Result<(), SettingsError> {
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

async fn revoke_grants<C: ConnectionTrait>(
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

async fn load<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<User, SettingsError> {
    let row = find(db, id).await?.ok_or(SettingsError::NotFound("user"))?;
    views(db, vec![row], now)
        .await?
        .pop()
        .ok_or(SettingsError::NotFound("user"))
}
