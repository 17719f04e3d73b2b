//! One generic service for every child of a parent row: the GST registrations,
//! bank accounts, financial years and document series of an organization; the
//! varieties, quality parameters and commission structures of a commodity; a
//! partner's contacts and locations. A [`Parent`] says how its live row is
//! found and who may read and change its children; each [`Child`] kind says how
//! it is created and changed. Reading (through the cache where the parent asks
//! for one), listing, deleting, authorization, locking, the version check,
//! events and audit rows are written once, in [`ChildService`].
//!
//! Events follow the kit's rule (see [`crate::change`]): a child's events
//! belong to its parent's aggregate (`aggregate_id` = the parent, `version` =
//! the parent's, which a child's change leaves as it is), with `child_id` and
//! `child_version` in the payload; an update that changes nothing writes an
//! audit row, no event and no new version.

mod service;

use std::future::Future;
use std::time::Duration;

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::actor::Actor;
use crate::rows::VersionRule;
use crate::service_error::ServiceError;
use crate::write::WriteTx;

pub use service::{ChildService, cache_key};

/// How children lists of a parent are cached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildCache {
    /// The cache namespace; keys are `{parent_id}:{segment}` ([`cache_key`]).
    pub namespace: &'static str,
    /// How long a list stays cached.
    pub ttl: Duration,
}

/// The parent of a kind of child: its aggregate, the capabilities that read
/// and change its children, and how its live row is found.
pub trait Parent: Send + Sync + 'static {
    /// The aggregate type of the events, such as `organization`.
    const AGGREGATE: &'static str;
    /// The outbox topic of the events, such as `organization-events`.
    const TOPIC: &'static str;
    /// The column of a child's table that holds the parent's id, such as
    /// `organization_id`; also the parent's key in event payloads.
    const COLUMN: &'static str;
    /// The capability that reads the children.
    const READ: &'static str;
    /// The capability that changes them.
    const UPDATE: &'static str;
    /// Where children lists are cached; `None` reads the table every time.
    const CACHE: Option<ChildCache> = None;
    /// The parent row.
    type Model: Send + Sync + 'static;
    /// The parent's id.
    fn id(parent: &Self::Model) -> Uuid;
    /// The parent's version (the events' version).
    fn version(parent: &Self::Model) -> i64;
    /// The live parent `id` if `actor` may reach it (the capability is checked
    /// already); `lock` (inside a write) locks its row on PostgreSQL so that
    /// changes to one parent's children run one at a time. Unreachable parents
    /// are answered as not found.
    fn load<C: ConnectionTrait + Sync>(
        db: &C,
        actor: &Actor,
        id: Uuid,
        lock: bool,
    ) -> impl Future<Output = Result<Self::Model, ServiceError>> + Send;
}

/// A kind of child. Its table has `id`, the parent's column and `version`.
pub trait Child: Send + Sync + 'static {
    /// The parent kind.
    type Parent: Parent;
    /// The URL segment under the parent, such as `gst-registrations`.
    const SEGMENT: &'static str;
    /// The audit resource type, such as `organization_gst_registration`.
    const RESOURCE: &'static str;
    /// The event stem: `{EVENT}Added`, `{EVENT}Updated`, `{EVENT}Deleted`.
    const EVENT: &'static str;
    /// Whether updates must carry the version.
    const VERSION_RULE: VersionRule = VersionRule::Optional;
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
        parent: &<Self::Parent as Parent>::Model,
        input: Self::Create,
    ) -> impl Future<Output = Result<Self::View, ServiceError>> + Send;
    /// Validates and applies `input` to `before`, saving it one version on
    /// ([`crate::rows::save`]) when anything changed and returning it as it was otherwise.
    fn update(
        tx: &WriteTx,
        parent: &<Self::Parent as Parent>::Model,
        before: <Self::Entity as EntityTrait>::Model,
        input: Self::Update,
    ) -> impl Future<Output = Result<Self::View, ServiceError>> + Send;
    /// Fills what the views read from elsewhere (a document series' counter
    /// from [`crate::numbering`]); called on every view the service returns.
    /// Nothing by default.
    fn complete<D: ConnectionTrait + Sync>(
        _db: &D,
        _views: &mut [Self::View],
    ) -> impl Future<Output = Result<(), ServiceError>> + Send {
        async { Ok(()) }
    }
    /// Refuses a deletion that would break a reference (409); allowed by default.
    fn before_delete(
        _tx: &WriteTx,
        _view: &Self::View,
    ) -> impl Future<Output = Result<(), ServiceError>> + Send {
        async { Ok(()) }
    }
}
