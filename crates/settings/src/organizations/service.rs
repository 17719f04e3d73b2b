//! Organization operations: create (ORG_CREATE), read and list (ORG_READ),
//! update (ORG_UPDATE), soft delete (ORG_DELETE, refused while users belong).

use infra::write::write;
use infra::{Actor, ActorKind, Cache, Infra, Page, PageRequest, Written};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::access::{check_scope, for_change, live};
use super::entity::organization;
use super::input::{CreateOrganization, OrganizationFilter, UpdateOrganization};
use super::model::Organization;
use super::{ORG_CREATE, ORG_DELETE, ORG_READ, ORG_UPDATE, TOPIC};
use crate::error::{SettingsError, require};
use infra::change::{Change, record_update};
use infra::rows::{VersionRule, check_version, save, soft_delete};

/// How long an organization stays cached.
const ORG_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// Organizations over any [`Infra`].
#[derive(Clone)]
pub struct OrganizationService<I: Infra> {
    infra: I,
}

fn to_json<T: serde::Serialize>(value: &Option<T>) -> Result<Option<Value>, SettingsError> {
    value
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(SettingsError::from)
}

fn scaled(value: Option<rust_decimal::Decimal>) -> Option<i64> {
    value.and_then(|v| infra::money::to_scaled(v).ok())
}

impl<I: Infra> OrganizationService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Creates an organization.
    pub async fn create(
        &self,
        actor: &Actor,
        input: CreateOrganization,
    ) -> Result<Written<Organization>, SettingsError> {
        require(actor, ORG_CREATE)?;
        input.fields().validate()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                // The unique index on live names answers a name in use: no
                // statement asks first (`name_taken` below).
                let name = input.name.trim().to_owned();
                let taken = name.clone();
                let now = tx.now();
                let row = organization::ActiveModel {
                    id: Set(infra::ids::new_id()),
                    name_key: Set(name.to_lowercase()),
                    name: Set(name),
                    legal_name: Set(input.legal_name_or_name().to_owned()),
                    org_type: Set(input.org_type),
                    cin: Set(input.cin),
                    pan: Set(input.pan),
                    base_currency: Set(input.base_currency.unwrap_or_else(|| "INR".to_owned())),
                    address: Set(to_json(&input.address)?),
                    contact: Set(to_json(&input.contact)?),
                    threshold_limit: Set(input.threshold_limit.map(|m| m.scaled())),
                    e_invoice_enabled: Set(input.e_invoice_enabled.unwrap_or(false)),
                    tds_rate: Set(scaled(input.tds_rate)),
                    tcs_rate: Set(scaled(input.tcs_rate)),
                    branding: Set(input.branding),
                    extra_config: Set(input.extra_config),
                    is_active: Set(true),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    deleted_at: Set(None),
                }
                .insert(tx.db())
                .await
                .map_err(|e| name_taken(e, taken))?;
                let org = Organization::from(row);
                tx.record(
                    change("OrganizationCreated", "organization.create", &org),
                    json!({ "organization": &org }),
                )
                .await?;
                Ok(org)
            })
        })
        .await
    }

    /// One organization, through the cache.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Organization, SettingsError> {
        require(actor, ORG_READ)?;
        check_scope(actor, id)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                &id.to_string(),
                |_| true,
                || async move { Ok(Organization::from(live(db, id, false).await?)) },
            )
            .await
    }

    fn cache(&self) -> Cache {
        Cache::new(self.infra.kv(), "org", ORG_CACHE_TTL)
    }

    /// A page of live organizations, ordered by id; INTERNAL users see their own.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>, SettingsError> {
        require(actor, ORG_READ)?;
        let mut query = organization::Entity::find()
            .filter(organization::Column::DeletedAt.is_null())
            .order_by_asc(organization::Column::Id)
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(organization::Column::Id.gt(after));
        }
        if let Some(name) = filter.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            let pattern = crate::like::contains_pattern(name);
            query = query.filter(Func::lower(Expr::col(organization::Column::Name)).like(pattern));
        }
        if let Some(active) = filter.active {
            query = query.filter(organization::Column::IsActive.eq(active));
        }
        match actor.kind {
            ActorKind::System | ActorKind::SuperAdmin => {}
            ActorKind::Internal => {
                query = query.filter(organization::Column::Id.eq(actor.organization_id.unwrap_or_default()))
            }
            _ => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
        }
        let rows = query.all(self.infra.db()).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(Organization::from))
    }

    /// Changes the fields present; `expected_version` (If-Match) or `version`
    /// must be current when given. The event lists changed fields, old and new.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: UpdateOrganization,
        expected_version: Option<i64>,
    ) -> Result<Written<Organization>, SettingsError> {
        require(actor, ORG_UPDATE)?;
        check_scope(actor, id)?;
        input.fields().validate()?;
        let expected = expected_version.or(input.version);
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, ORG_UPDATE, id).await?;
                check_version(expected, before.version, VersionRule::Optional)?;
                if let Some(name) = input.name.as_deref() {
                    ensure_name_free(tx.db(), name.trim(), Some(id)).await?;
                }
                let (next, changes) = apply(&before, input)?;
                let after = if changes.is_empty() {
                    before
                } else {
                    save(tx, next).await?
                };
                let org = Organization::from(after);
                let payload = json!({ "changes": &changes });
                record_update(
                    tx,
                    change("OrganizationUpdated", "organization.update", &org),
                    &changes,
                    payload,
                )
                .await?;
                Ok(org)
            })
        })
        .await;
        self.cache().invalidate(&id.to_string()).await;
        written
    }

    /// Hands out the next number of `document_type` (DOCUMENT_NUMBER_ISSUE); see [`super::numbering`].
    pub async fn next_document_number(
        &self,
        actor: &Actor,
        id: Uuid,
        document_type: &str,
    ) -> Result<Written<super::DocumentNumber>, SettingsError> {
        super::numbering::next_number(&self.infra, actor, id, document_type).await
    }

    /// Soft-deletes an organization; refused (409) while users belong to it.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<Written<Organization>, SettingsError> {
        require(actor, ORG_DELETE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, ORG_DELETE, id).await?;
                let members = crate::users::entity::user::Entity::find()
                    .filter(crate::users::entity::user::Column::OrganizationId.eq(id))
                    .count(tx.db())
                    .await?;
                if members > 0 {
                    return Err(SettingsError::conflict(
                        "organization_has_users",
                        format!(
                            "{members} INTERNAL users belong to this organization; move or remove them first"
                        ),
                    ));
                }
                let org = Organization::from(soft_delete(tx, before).await?);
                tx.record(
                    change("OrganizationDeleted", "organization.delete", &org),
                    json!({ "id": id }),
                )
                .await?;
                Ok(org)
            })
        })
        .await;
        self.cache().invalidate(&id.to_string()).await;
        written
    }
}

/// The organization after `input`, and the changed fields (`{"field": {"old": …, "new": …}}`).
fn apply(
    before: &organization::Model,
    input: UpdateOrganization,
) -> Result<(organization::Model, Map<String, Value>), SettingsError> {
    let mut next = before.clone();
    if let Some(name) = input.name.map(|n| n.trim().to_owned()) {
        next.name_key = name.to_lowercase();
        next.name = name;
    }
    if let Some(v) = input.legal_name {
        next.legal_name = v.trim().to_owned();
    }
    next.org_type = input.org_type.or(next.org_type);
    next.cin = input.cin.or(next.cin);
    next.pan = input.pan.or(next.pan);
    next.base_currency = input.base_currency.unwrap_or(next.base_currency);
    next.address = to_json(&input.address)?.or(next.address);
    next.contact = to_json(&input.contact)?.or(next.contact);
    next.threshold_limit = input.threshold_limit.map(|m| m.scaled()).or(next.threshold_limit);
    next.e_invoice_enabled = input.e_invoice_enabled.unwrap_or(next.e_invoice_enabled);
    next.tds_rate = scaled(input.tds_rate).or(next.tds_rate);
    next.tcs_rate = scaled(input.tcs_rate).or(next.tcs_rate);
    next.branding = input.branding.or(next.branding);
    next.extra_config = input.extra_config.or(next.extra_config);
    next.is_active = input.is_active.unwrap_or(next.is_active);
    let changes = diff(
        &serde_json::to_value(Organization::from(before.clone()))?,
        &serde_json::to_value(Organization::from(next.clone()))?,
    );
    Ok((next, changes))
}

pub(crate) use infra::change::diff;

async fn ensure_name_free<C: ConnectionTrait>(
    db: &C,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), SettingsError> {
    let mut query = organization::Entity::find()
        .filter(organization::Column::NameKey.eq(name.to_lowercase()))
        .filter(organization::Column::DeletedAt.is_null());
    if let Some(id) = except {
        query = query.filter(organization::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(SettingsError::Taken {
            field: "name",
            value: name.to_owned(),
        });
    }
    Ok(())
}

/// A live organization holding `name` already (the unique index on
/// `name_key`) as [`SettingsError::Taken`]; any other failure as itself.
fn name_taken(e: sea_orm::DbErr, name: String) -> SettingsError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(m)) if m.contains("name") => SettingsError::Taken {
            field: "name",
            value: name,
        },
        _ => SettingsError::from(e),
    }
}

/// The change of `org` for its event and audit row.
fn change<'a>(event: &'a str, action: &'a str, org: &Organization) -> Change<'a> {
    Change::new(TOPIC, event, action, "organization", org.id, org.version)
}
