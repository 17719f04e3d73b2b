//! One generic service for every child of an organization (GST registrations,
//! bank accounts, financial years, document series): each child says how it is
//! created and changed; reading, listing, deleting, authorization, locking,
//! versions, events and audit rows are written once here.

use std::future::Future;
use std::marker::PhantomData;

use infra::write::{WriteTx, write};
use infra::{Actor, Infra, NewEvent, Page, PageRequest, Written};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

use super::access::{for_change, readable};
use super::service::diff;
use super::{ORG_READ, ORG_UPDATE, TOPIC};
use crate::error::SettingsError;

/// A kind of organization child. Its table has `id`, `organization_id` and `version`.
pub trait Child: Send + Sync + 'static {
    /// The URL segment under `/organizations/{org_id}/`, such as `gst-registrations`.
    const SEGMENT: &'static str;
    /// The audit resource type, such as `organization_gst_registration`.
    const RESOURCE: &'static str;
    /// The event stem: `{EVENT}Added`, `{EVENT}Updated`, `{EVENT}Deleted`.
    const EVENT: &'static str;
    /// Whether updates must carry the version (a stale one is then 409, else 412).
    const VERSION_REQUIRED: bool = false;
    /// The table.
    type Entity: EntityTrait;
    /// What callers see.
    type View: From<<Self::Entity as EntityTrait>::Model>
        + Serialize
        + DeserializeOwned
        + Clone
        + Send
        + Sync
        + 'static;
    /// The create input.
    type Create: DeserializeOwned + Send + 'static;
    /// The update input.
    type Update: DeserializeOwned + Send + 'static;
    /// The `version` an update body says it is based on (`If-Match` wins).
    fn based_on(update: &Self::Update) -> Option<i64>;

    /// The view's id.
    fn id(view: &Self::View) -> Uuid;
    /// The view's version.
    fn version(view: &Self::View) -> i64;
    /// Validates and inserts a child of `org_id`.
    fn create(
        tx: &WriteTx,
        org_id: Uuid,
        input: Self::Create,
    ) -> impl Future<Output = Result<Self::View, SettingsError>> + Send;
    /// Validates and applies `input` to `before`, bumping the version when anything changed.
    fn update(
        tx: &WriteTx,
        before: <Self::Entity as EntityTrait>::Model,
        input: Self::Update,
    ) -> impl Future<Output = Result<Self::View, SettingsError>> + Send;
    /// Refuses a deletion that would break a reference (409); allowed by default.
    fn before_delete(
        _tx: &WriteTx,
        _view: &Self::View,
    ) -> impl Future<Output = Result<(), SettingsError>> + Send {
        async { Ok(()) }
    }
}

use crate::rows::col;

/// Whether `org_id` has no child of table `E` yet (its first one gets the flag).
pub(crate) async fn is_first<E: EntityTrait, D: ConnectionTrait>(
    db: &D,
    org_id: Uuid,
) -> Result<bool, SettingsError> {
    crate::rows::is_first::<E, D>(db, "organization_id", org_id).await
}

/// Clears boolean column `flag` on every other child of the organization, so
/// at most one holds it (one primary GSTIN, one default account).
pub(crate) async fn clear_flag<E: EntityTrait, D: ConnectionTrait>(
    db: &D,
    org_id: Uuid,
    keep: Uuid,
    flag: &'static str,
) -> Result<(), SettingsError> {
    crate::rows::clear_flag::<E, D>(db, "organization_id", org_id, keep, flag).await
}

async fn find<C: Child, D: ConnectionTrait>(
    db: &D,
    org_id: Uuid,
    id: Uuid,
) -> Result<<C::Entity as EntityTrait>::Model, SettingsError> {
    C::Entity::find()
        .filter(col("organization_id").eq(org_id))
        .filter(col("id").eq(id))
        .one(db)
        .await?
        .ok_or(SettingsError::NotFound(C::RESOURCE))
}

/// Read and change the children of kind `C` over any [`Infra`].
pub struct ChildService<I: Infra, C: Child> {
    infra: I,
    kind: PhantomData<C>,
}

impl<I: Infra, C: Child> Clone for ChildService<I, C> {
    fn clone(&self) -> Self {
        Self {
            infra: self.infra.clone(),
            kind: PhantomData,
        }
    }
}

async fn record<C: Child>(
    tx: &WriteTx,
    org_id: Uuid,
    suffix: &str,
    action: &str,
    view: &C::View,
    payload: serde_json::Value,
) -> Result<(), SettingsError> {
    let event = format!("{}{suffix}", C::EVENT);
    tx.emit(NewEvent::new(
        TOPIC,
        &event,
        "organization",
        org_id,
        C::version(view),
        &payload,
    )?)
    .await?;
    tx.audit(
        &format!("{}.{action}", C::RESOURCE),
        C::RESOURCE,
        &C::id(view).to_string(),
        Some(payload),
    )
    .await?;
    Ok(())
}

impl<I: Infra, C: Child> ChildService<I, C> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            kind: PhantomData,
        }
    }

    /// Adds a child (ORG_UPDATE).
    pub async fn create(
        &self,
        actor: &Actor,
        org_id: Uuid,
        input: C::Create,
    ) -> Result<Written<C::View>, SettingsError> {
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                for_change(tx, ORG_UPDATE, org_id).await?;
                let view = C::create(tx, org_id, input).await?;
                record::<C>(
                    tx,
                    org_id,
                    "Added",
                    "create",
                    &view,
                    json!({ "organization_id": org_id, "item": &view }),
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }

    /// One child (ORG_READ).
    pub async fn get(&self, actor: &Actor, org_id: Uuid, id: Uuid) -> Result<C::View, SettingsError> {
        readable(self.infra.db(), actor, ORG_READ, org_id).await?;
        Ok(find::<C, _>(self.infra.db(), org_id, id).await?.into())
    }

    /// A page of children ordered by id (ORG_READ).
    pub async fn list(
        &self,
        actor: &Actor,
        org_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<C::View>, SettingsError> {
        readable(self.infra.db(), actor, ORG_READ, org_id).await?;
        let mut query = C::Entity::find()
            .filter(col("organization_id").eq(org_id))
            .order_by_asc(col("id"))
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(col("id").gt(after));
        }
        let rows: Vec<C::View> = query
            .all(self.infra.db())
            .await?
            .into_iter()
            .map(C::View::from)
            .collect();
        Ok(Page::from_rows(rows, page, C::id))
    }

    /// Changes a child (ORG_UPDATE); `expected_version` from `If-Match` or the body.
    pub async fn update(
        &self,
        actor: &Actor,
        org_id: Uuid,
        id: Uuid,
        input: C::Update,
        expected_version: Option<i64>,
    ) -> Result<Written<C::View>, SettingsError> {
        if C::VERSION_REQUIRED && expected_version.is_none() {
            return Err(SettingsError::field(
                "version",
                "is required: send the version you read (or If-Match)",
            ));
        }
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                for_change(tx, ORG_UPDATE, org_id).await?;
                let before = find::<C, _>(tx.db(), org_id, id).await?;
                let old = C::View::from(before.clone());
                if let Some(sent) = expected_version.filter(|v| *v != C::version(&old)) {
                    let current = C::version(&old);
                    return Err(if C::VERSION_REQUIRED {
                        SettingsError::VersionConflict { sent, current }
                    } else {
                        SettingsError::StaleVersion { sent, current }
                    });
                }
                let view = C::update(tx, before, input).await?;
                let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&view)?);
                let payload = json!({ "organization_id": org_id, "id": id, "changes": changes });
                record::<C>(tx, org_id, "Updated", "update", &view, payload).await?;
                Ok(view)
            })
        })
        .await
    }

    /// Deletes a child (ORG_UPDATE), unless something still refers to it.
    pub async fn delete(
        &self,
        actor: &Actor,
        org_id: Uuid,
        id: Uuid,
    ) -> Result<Written<C::View>, SettingsError> {
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                for_change(tx, ORG_UPDATE, org_id).await?;
                let view = C::View::from(find::<C, _>(tx.db(), org_id, id).await?);
                C::before_delete(tx, &view).await?;
                C::Entity::delete_many()
                    .filter(col("id").eq(id))
                    .exec(tx.db())
                    .await?;
                record::<C>(
                    tx,
                    org_id,
                    "Deleted",
                    "delete",
                    &view,
                    json!({ "organization_id": org_id, "item": &view }),
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }
}
