//! User management: create, read, list, update, disable and enable, roles and
//! direct grants. Needs USER_MANAGE to change and USER_READ to read; INTERNAL
//! callers act within their own organization; only SUPER_ADMIN touches SUPER_ADMIN users.

use infra::change::record_update;
use infra::rows::save_if_changed;
use infra::write::{WriteTx, write};
use infra::{Actor, ActorKind, Infra, Page, PageRequest, Written};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entity::user;
use super::grants::{check_roles, replace_roles};
use super::input::{CreateUser, UpdateUser, UserFilter, UserKind, ValidCreate};
use super::model::User;
use super::store::{change, check_scope, editable, ensure_free, ensure_partner, load, views, visible};
use crate::capabilities::{USER_MANAGE, USER_READ};
use crate::error::{SettingsError, require};

/// User management over any [`Infra`].
#[derive(Clone)]
pub struct UserService<I: Infra> {
    pub(super) infra: I,
}

/// Creates a user inside the caller's write without checking the caller's
/// capability or scope; only for flows that authorized the caller themselves
/// (approving a partner application creates the partner's first admin in the
/// same transaction). The input is validated as [`UserService::create`] does.
pub async fn create_unchecked(
    tx: &WriteTx,
    input: CreateUser,
    password_hash: Option<String>,
) -> Result<User, SettingsError> {
    let valid = input.validate(password_hash.is_some())?;
    insert(tx, input, valid, password_hash).await
}

async fn insert(
    tx: &WriteTx,
    input: CreateUser,
    valid: ValidCreate,
    password_hash: Option<String>,
) -> Result<User, SettingsError> {
    let db = tx.db();
    ensure_free(db, "email", valid.email.as_deref(), None).await?;
    ensure_free(db, "mobile", valid.mobile.as_deref(), None).await?;
    check_roles(db, valid.kind, &input.roles).await?;
    ensure_partner(db, input.partner_id).await?;
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
    tx.record(
        change("UserCreated", "user.create", &created),
        serde_json::json!({"user": &created}),
    )
    .await?;
    Ok(created)
}

impl<I: Infra> UserService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Creates a user; an EXTERNAL one within its partner's employee limit
    /// (409 `employee_limit`, checked under the partner's row lock). `password_hash` is the argon2 hash of `input.password`
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
                if let (UserKind::External, Some(partner)) = (valid.kind, input.partner_id) {
                    super::limit::ensure_room(tx, partner).await?;
                }
                insert(tx, input, valid, password_hash).await
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
                infra::rows::check_version(expected, before.version, infra::rows::VersionRule::Optional)?;
                ensure_free(db, "email", email.as_deref(), Some(id)).await?;
                ensure_free(db, "mobile", mobile.as_deref(), Some(id)).await?;
                let mut changes = serde_json::Map::new();
                let mut next = before.clone();
                if let Some(name) = input
                    .full_name
                    .map(|n| n.trim().to_owned())
                    .filter(|n| *n != before.full_name)
                {
                    changes.insert(
                        "full_name".into(),
                        serde_json::json!({"old": before.full_name, "new": name}),
                    );
                    next.full_name = name;
                }
                if let Some(email) = email.filter(|e| Some(e) != before.email.as_ref()) {
                    changes.insert(
                        "email".into(),
                        serde_json::json!({"old": before.email, "new": email}),
                    );
                    next.email = Some(email);
                }
                if let Some(mobile) = mobile.filter(|m| Some(m) != before.mobile.as_ref()) {
                    changes.insert(
                        "mobile".into(),
                        serde_json::json!({"old": before.mobile, "new": mobile}),
                    );
                    next.mobile = Some(mobile);
                }
                save_if_changed(tx, &before, next).await?;
                let after = load(db, id, tx.now()).await?;
                let payload = serde_json::json!({"changes": &changes});
                record_update(
                    tx,
                    change("UserUpdated", "user.update", &after),
                    &changes,
                    payload,
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }
}
