//! [`ChildService`]: the generic reads and writes of one kind of child.

use std::marker::PhantomData;

use futures::future::BoxFuture;

use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Child, Parent};
use crate::actor::Actor;
use crate::cache::Cache;
use crate::change::{Change, diff_of, record, record_update};
use crate::infra::Infra;
use crate::paging::{Page, PageRequest};
use crate::rows::{check_version, col};
use crate::service_error::{ServiceError, require};
use crate::write::{WriteTx, Written, write};

/// The cache key of the children list of kind `segment` of `parent_id`.
pub fn cache_key(parent_id: Uuid, segment: &str) -> String {
    format!("{parent_id}:{segment}")
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

async fn find<C: Child, D: ConnectionTrait>(
    db: &D,
    parent_id: Uuid,
    id: Uuid,
) -> Result<<C::Entity as EntityTrait>::Model, ServiceError> {
    C::Entity::find()
        .filter(col(C::Parent::COLUMN).eq(parent_id))
        .filter(col("id").eq(id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound(C::RESOURCE))
}

/// The change of `view` of `parent`: the parent's aggregate and version, the
/// audit row on the child.
fn change<'a, C: Child>(
    parent: &<C::Parent as Parent>::Model,
    event: &'a str,
    action: &'a str,
    view: &C::View,
) -> Change<'a> {
    Change::new(
        C::Parent::TOPIC,
        event,
        action,
        C::Parent::AGGREGATE,
        C::Parent::id(parent),
        C::Parent::version(parent),
    )
    .on(C::RESOURCE, C::id(view))
}

/// The payload of a change to `view`: the parent's id, the child's id and version, and `rest`.
fn payload<C: Child>(parent_id: Uuid, view: &C::View, rest: Value) -> Value {
    let mut payload = json!({
        C::Parent::COLUMN: parent_id,
        "child_id": C::id(view),
        "child_version": C::version(view),
    });
    if let (Some(map), Value::Object(rest)) = (payload.as_object_mut(), rest) {
        map.extend(rest);
    }
    payload
}

impl<I: Infra, C: Child> ChildService<I, C> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            kind: PhantomData,
        }
    }

    fn cache(&self) -> Option<Cache> {
        C::Parent::CACHE.map(|c| Cache::new(self.infra.kv(), c.namespace, c.ttl))
    }

    /// Runs `change` as one write on the live parent `parent_id`, locked
    /// (the update capability), and forgets the cached list after the commit.
    async fn change<F>(
        &self,
        actor: &Actor,
        parent_id: Uuid,
        change: F,
    ) -> Result<Written<C::View>, ServiceError>
    where
        F: for<'c> FnOnce(
                &'c WriteTx,
                <C::Parent as Parent>::Model,
            ) -> BoxFuture<'c, Result<C::View, ServiceError>>
            + Send
            + 'static,
    {
        require(actor, C::Parent::UPDATE)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let parent = C::Parent::load(tx.db(), tx.actor(), parent_id, true).await?;
                change(tx, parent).await
            })
        })
        .await;
        self.invalidate(parent_id).await;
        written
    }

    async fn load_all(&self, actor: &Actor, parent_id: Uuid) -> Result<Vec<C::View>, ServiceError> {
        let db = self.infra.db();
        C::Parent::load(db, actor, parent_id, false).await?;
        let rows = C::Entity::find()
            .filter(col(C::Parent::COLUMN).eq(parent_id))
            .order_by_asc(col("id"))
            .all(db)
            .await?;
        let mut views: Vec<C::View> = rows.into_iter().map(C::View::from).collect();
        C::complete(db, &mut views).await?;
        Ok(views)
    }

    /// Every child of the live parent, ordered by id, through the cache when
    /// the parent has one (the read capability).
    pub async fn all(&self, actor: &Actor, parent_id: Uuid) -> Result<Vec<C::View>, ServiceError> {
        require(actor, C::Parent::READ)?;
        match self.cache() {
            Some(cache) => {
                cache
                    .get_or_load(
                        &cache_key(parent_id, C::SEGMENT),
                        |_| true,
                        || self.load_all(actor, parent_id),
                    )
                    .await
            }
            None => self.load_all(actor, parent_id).await,
        }
    }

    /// One child (the read capability).
    pub async fn get(&self, actor: &Actor, parent_id: Uuid, id: Uuid) -> Result<C::View, ServiceError> {
        require(actor, C::Parent::READ)?;
        if self.cache().is_some() {
            return self
                .all(actor, parent_id)
                .await?
                .into_iter()
                .find(|v| C::id(v) == id)
                .ok_or(ServiceError::NotFound(C::RESOURCE));
        }
        let db = self.infra.db();
        C::Parent::load(db, actor, parent_id, false).await?;
        let mut view = C::View::from(find::<C, _>(db, parent_id, id).await?);
        C::complete(db, std::slice::from_mut(&mut view)).await?;
        Ok(view)
    }

    /// A page of children ordered by id (the read capability).
    pub async fn list(
        &self,
        actor: &Actor,
        parent_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<C::View>, ServiceError> {
        require(actor, C::Parent::READ)?;
        if self.cache().is_some() {
            return Ok(Page::of_sorted(self.all(actor, parent_id).await?, page, C::id));
        }
        let db = self.infra.db();
        C::Parent::load(db, actor, parent_id, false).await?;
        let mut query = C::Entity::find()
            .filter(col(C::Parent::COLUMN).eq(parent_id))
            .order_by_asc(col("id"))
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(col("id").gt(after));
        }
        let mut rows: Vec<C::View> = query.all(db).await?.into_iter().map(C::View::from).collect();
        C::complete(db, &mut rows).await?;
        Ok(Page::from_rows(rows, page, C::id))
    }

    /// Forgets the cached list of `parent_id` (after the commit).
    async fn invalidate(&self, parent_id: Uuid) {
        if let Some(cache) = self.cache() {
            cache.invalidate(&cache_key(parent_id, C::SEGMENT)).await;
        }
    }

    /// Adds a child (the update capability).
    pub async fn create(
        &self,
        actor: &Actor,
        parent_id: Uuid,
        input: C::Create,
    ) -> Result<Written<C::View>, ServiceError> {
        self.change(actor, parent_id, move |tx, parent| {
            Box::pin(async move {
                let mut view = C::create(tx, &parent, input).await?;
                C::complete(tx.db(), std::slice::from_mut(&mut view)).await?;
                let (event, action) = names::<C>("Added", "create");
                let body = payload::<C>(parent_id, &view, json!({ "item": &view }));
                record(tx, change::<C>(&parent, &event, &action, &view), body).await?;
                Ok(view)
            })
        })
        .await
    }

    /// Changes a child (the update capability); `expected_version` from
    /// `If-Match` or the body, checked under the child's [`crate::rows::VersionRule`].
    pub async fn update(
        &self,
        actor: &Actor,
        parent_id: Uuid,
        id: Uuid,
        input: C::Update,
        expected_version: Option<i64>,
    ) -> Result<Written<C::View>, ServiceError> {
        self.change(actor, parent_id, move |tx, parent| {
            Box::pin(async move {
                let before = find::<C, _>(tx.db(), parent_id, id).await?;
                let mut old = C::View::from(before.clone());
                check_version(expected_version, C::version(&old), C::VERSION_RULE)?;
                C::complete(tx.db(), std::slice::from_mut(&mut old)).await?;
                let mut view = C::update(tx, &parent, before, input).await?;
                C::complete(tx.db(), std::slice::from_mut(&mut view)).await?;
                let changes = diff_of(&old, &view)?;
                let (event, action) = names::<C>("Updated", "update");
                let body = payload::<C>(parent_id, &view, json!({ "id": id, "changes": &changes }));
                record_update(tx, change::<C>(&parent, &event, &action, &view), &changes, body).await?;
                Ok(view)
            })
        })
        .await
    }

    /// Deletes a child (the update capability), unless something still refers to it.
    pub async fn delete(
        &self,
        actor: &Actor,
        parent_id: Uuid,
        id: Uuid,
    ) -> Result<Written<C::View>, ServiceError> {
        self.change(actor, parent_id, move |tx, parent| {
            Box::pin(async move {
                let mut view = C::View::from(find::<C, _>(tx.db(), parent_id, id).await?);
                C::complete(tx.db(), std::slice::from_mut(&mut view)).await?;
                C::before_delete(tx, &view).await?;
                C::Entity::delete_many()
                    .filter(col("id").eq(id))
                    .exec(tx.db())
                    .await?;
                let (event, action) = names::<C>("Deleted", "delete");
                let body = payload::<C>(parent_id, &view, json!({ "item": &view }));
                record(tx, change::<C>(&parent, &event, &action, &view), body).await?;
                Ok(view)
            })
        })
        .await
    }
}

/// The event type (`{EVENT}{suffix}`) and audit action (`{RESOURCE}.{verb}`) of a change to kind `C`.
fn names<C: Child>(suffix: &str, verb: &str) -> (String, String) {
    (format!("{}{suffix}", C::EVENT), format!("{}.{verb}", C::RESOURCE))
}
