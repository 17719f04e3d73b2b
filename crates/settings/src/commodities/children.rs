//! One generic service for every child of a commodity (varieties, quality
//! parameters, commission structures): each kind says how it is created and
//! changed; reading (through the cache), listing, deleting, authorization,
//! locking, versions, events and audit rows are written once here.

use std::future::Future;
use std::marker::PhantomData;

use infra::write::{WriteTx, write};
use infra::{Actor, Cache, Infra, Kv, Page, PageRequest, Written};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

use super::commissions::Commissions;
use super::entity::commodity;
use super::parameters::Parameters;
use super::store::live;
use super::varieties::Varieties;
use super::{COMMODITY_READ, COMMODITY_UPDATE, TOPIC};
use crate::changes::{Change, diff, record};
use crate::error::{SettingsError, require};
use crate::rows::col;

/// How long a commodity's children stay cached.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);
/// The cache namespace of children lists, keyed `{commodity_id}:{SEGMENT}`.
const CACHE_NAMESPACE: &str = "commodity-child";

fn children_cache(kv: &Kv) -> Cache {
    Cache::new(kv, CACHE_NAMESPACE, CACHE_TTL)
}

fn cache_key(commodity_id: Uuid, segment: &str) -> String {
    format!("{commodity_id}:{segment}")
}

/// Forgets every cached children list of `commodity_id` (call it after the
/// commit of a change that makes them unreadable, such as deleting the commodity).
pub(crate) async fn forget_children(kv: &Kv, commodity_id: Uuid) {
    let cache = children_cache(kv);
    for segment in [Varieties::SEGMENT, Parameters::SEGMENT, Commissions::SEGMENT] {
        cache.invalidate(&cache_key(commodity_id, segment)).await;
    }
}

/// A kind of commodity child. Its table has `id`, `commodity_id` and `version`.
pub trait CommodityChild: Send + Sync + 'static {
    /// The URL segment under `/commodities/{id}/`, such as `varieties`.
    const SEGMENT: &'static str;
    /// The audit resource type, such as `commodity_variety`.
    const RESOURCE: &'static str;
    /// The event stem: `{EVENT}Added`, `{EVENT}Updated`, `{EVENT}Deleted`.
    const EVENT: &'static str;
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
    /// Validates and inserts a child of `parent`.
    fn create(
        tx: &WriteTx,
        parent: &commodity::Model,
        input: Self::Create,
    ) -> impl Future<Output = Result<Self::View, SettingsError>> + Send;
    /// Validates and applies `input` to `before`, bumping the version when anything changed.
    fn update(
        tx: &WriteTx,
        parent: &commodity::Model,
        before: <Self::Entity as EntityTrait>::Model,
        input: Self::Update,
    ) -> impl Future<Output = Result<Self::View, SettingsError>> + Send;
}

/// Read and change the children of kind `C` over any [`Infra`].
pub struct CommodityChildService<I: Infra, C: CommodityChild> {
    infra: I,
    kind: PhantomData<C>,
}

impl<I: Infra, C: CommodityChild> Clone for CommodityChildService<I, C> {
    fn clone(&self) -> Self {
        Self {
            infra: self.infra.clone(),
            kind: PhantomData,
        }
    }
}

async fn find<C: CommodityChild, D: ConnectionTrait>(
    db: &D,
    commodity_id: Uuid,
    id: Uuid,
) -> Result<<C::Entity as EntityTrait>::Model, SettingsError> {
    C::Entity::find()
        .filter(col("commodity_id").eq(commodity_id))
        .filter(col("id").eq(id))
        .one(db)
        .await?
        .ok_or(SettingsError::NotFound(C::RESOURCE))
}

/// Records a change to a child of `parent`: the event belongs to the
/// commodity (the aggregate) and carries its version, which a change to a
/// child leaves as it is; the audit row names the child.
async fn record_child<C: CommodityChild>(
    tx: &WriteTx,
    parent: &commodity::Model,
    suffix: &str,
    action: &str,
    view: &C::View,
    payload: serde_json::Value,
) -> Result<(), SettingsError> {
    let event = format!("{}{suffix}", C::EVENT);
    let action = format!("{}.{action}", C::RESOURCE);
    let change = Change {
        topic: TOPIC,
        event: &event,
        aggregate: "commodity",
        aggregate_id: parent.id,
        version: parent.version,
        action: &action,
        resource: C::RESOURCE,
        resource_id: C::id(view),
    };
    record(tx, change, payload).await
}

impl<I: Infra, C: CommodityChild> CommodityChildService<I, C> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            kind: PhantomData,
        }
    }

    fn cache(&self) -> Cache {
        children_cache(self.infra.kv())
    }

    fn key(commodity_id: Uuid) -> String {
        cache_key(commodity_id, C::SEGMENT)
    }

    /// Every child of the live commodity, ordered by id, through the cache (COMMODITY_READ).
    pub async fn all(&self, actor: &Actor, commodity_id: Uuid) -> Result<Vec<C::View>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                &Self::key(commodity_id),
                |_| true,
                || async move {
                    live(db, commodity_id, false).await?;
                    let rows = C::Entity::find()
                        .filter(col("commodity_id").eq(commodity_id))
                        .order_by_asc(col("id"))
                        .all(db)
                        .await?;
                    Ok::<_, SettingsError>(rows.into_iter().map(C::View::from).collect::<Vec<_>>())
                },
            )
            .await
    }

    /// A page of children ordered by id (COMMODITY_READ).
    pub async fn list(
        &self,
        actor: &Actor,
        commodity_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<C::View>, SettingsError> {
        Ok(Page::of_sorted(self.all(actor, commodity_id).await?, page, C::id))
    }

    /// One child (COMMODITY_READ).
    pub async fn get(&self, actor: &Actor, commodity_id: Uuid, id: Uuid) -> Result<C::View, SettingsError> {
        self.all(actor, commodity_id)
            .await?
            .into_iter()
            .find(|v| C::id(v) == id)
            .ok_or(SettingsError::NotFound(C::RESOURCE))
    }

    async fn invalidate(&self, commodity_id: Uuid) {
        self.cache().invalidate(&Self::key(commodity_id)).await;
    }

    /// Adds a child (COMMODITY_UPDATE).
    pub async fn create(
        &self,
        actor: &Actor,
        commodity_id: Uuid,
        input: C::Create,
    ) -> Result<Written<C::View>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let parent = live(tx.db(), commodity_id, true).await?;
                let view = C::create(tx, &parent, input).await?;
                let payload = json!({ "commodity_id": commodity_id, "item": &view });
                record_child::<C>(tx, &parent, "Added", "create", &view, payload).await?;
                Ok(view)
            })
        })
        .await;
        self.invalidate(commodity_id).await;
        written
    }

    /// Changes a child (COMMODITY_UPDATE); `expected_version` from `If-Match` or the body.
    pub async fn update(
        &self,
        actor: &Actor,
        commodity_id: Uuid,
        id: Uuid,
        input: C::Update,
        expected_version: Option<i64>,
    ) -> Result<Written<C::View>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let parent = live(tx.db(), commodity_id, true).await?;
                let before = find::<C, _>(tx.db(), commodity_id, id).await?;
                let old = C::View::from(before.clone());
                if let Some(sent) = expected_version.filter(|v| *v != C::version(&old)) {
                    return Err(SettingsError::StaleVersion {
                        sent,
                        current: C::version(&old),
                    });
                }
                let view = C::update(tx, &parent, before, input).await?;
                let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&view)?);
                let payload = json!({ "commodity_id": commodity_id, "id": id, "changes": changes });
                if changes.is_empty() {
                    // Nothing changed: the request is audited, no event is emitted.
                    let action = format!("{}.update", C::RESOURCE);
                    tx.audit(&action, C::RESOURCE, &id.to_string(), Some(payload))
                        .await?;
                } else {
                    record_child::<C>(tx, &parent, "Updated", "update", &view, payload).await?;
                }
                Ok(view)
            })
        })
        .await;
        self.invalidate(commodity_id).await;
        written
    }

    /// Deletes a child (COMMODITY_UPDATE).
    pub async fn delete(
        &self,
        actor: &Actor,
        commodity_id: Uuid,
        id: Uuid,
    ) -> Result<Written<C::View>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let parent = live(tx.db(), commodity_id, true).await?;
                let view = C::View::from(find::<C, _>(tx.db(), commodity_id, id).await?);
                C::Entity::delete_many()
                    .filter(col("id").eq(id))
                    .exec(tx.db())
                    .await?;
                let payload = json!({ "commodity_id": commodity_id, "item": &view });
                record_child::<C>(tx, &parent, "Deleted", "delete", &view, payload).await?;
                Ok(view)
            })
        })
        .await;
        self.invalidate(commodity_id).await;
        written
    }
}
