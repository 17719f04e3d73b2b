//! The commodity as a parent of children (varieties, quality parameters,
//! commission structures), served by the kit's generic
//! [`infra::children::ChildService`]: COMMODITY_READ reads them (through the
//! cache), COMMODITY_UPDATE changes them, and a change locks the commodity's
//! row so changes to one commodity's children run one at a time.

use std::time::Duration;

use infra::children::{ChildCache, Parent, cache_key};
use infra::{Actor, Cache, Kv, ServiceError};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::commissions::Commissions;
use super::entity::commodity;
use super::parameters::Parameters;
use super::store::live;
use super::varieties::Varieties;
use super::{COMMODITY_READ, COMMODITY_UPDATE, TOPIC};

pub use infra::children::{Child, ChildService};

/// Where a commodity's children lists are cached.
const CACHE: ChildCache = ChildCache {
    namespace: "commodity-child",
    ttl: Duration::from_secs(300),
};

/// The parent of commodity children.
pub struct CommodityParent;

impl Parent for CommodityParent {
    const AGGREGATE: &'static str = "commodity";
    const TOPIC: &'static str = TOPIC;
    const COLUMN: &'static str = "commodity_id";
    const READ: &'static str = COMMODITY_READ;
    const UPDATE: &'static str = COMMODITY_UPDATE;
    const CACHE: Option<ChildCache> = Some(CACHE);
    type Model = commodity::Model;

    fn id(parent: &commodity::Model) -> Uuid {
        parent.id
    }

    fn version(parent: &commodity::Model) -> i64 {
        parent.version
    }

    async fn load<C: ConnectionTrait + Sync>(
        db: &C,
        _actor: &Actor,
        id: Uuid,
        lock: bool,
    ) -> Result<commodity::Model, ServiceError> {
        live(db, id, lock).await
    }
}

/// Forgets every cached children list of `commodity_id` (call it after the
/// commit of a change that makes them unreadable, such as deleting the commodity).
pub(crate) async fn forget_children(kv: &Kv, commodity_id: Uuid) {
    let cache = Cache::new(kv, CACHE.namespace, CACHE.ttl);
    for segment in [Varieties::SEGMENT, Parameters::SEGMENT, Commissions::SEGMENT] {
        cache.invalidate(&cache_key(commodity_id, segment)).await;
    }
}
