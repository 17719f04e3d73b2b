//! Catching up: a consumer's events that never reached it (a stream entry
//! lost, a consumer down past the stream's reach) applied from the outbox,
//! through the inbox, so a lost delivery delays an effect and never loses
//! it. A pass reads the events of the consumer's topics committed within a
//! window (by their UUID v7 ids, the primary key's order) that are older
//! than a settling time, of the types it acts on, and whose ids its inbox
//! does not hold; each is applied once, as a delivery would be.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::inbox::apply_once;
use super::{Consumer, Delivered};
use crate::outbox::entity;
use crate::{AppInfra, Infra, InfraError};

/// Most events one pass applies.
pub const PASS_LIMIT: u64 = 500;

/// The smallest UUID v7 of the millisecond `at` (a lower bound of every id
/// made from then on).
pub fn floor_id(at: chrono::DateTime<chrono::Utc>) -> Uuid {
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70;
    bytes[8] = 0x80;
    Uuid::from_bytes(bytes)
}

/// Applies through the inbox the events of `consumer`'s topics committed
/// between `window` and `settle` ago, of the types it acts on, that it has not applied;
/// answers how many it read (each applied at most once, whoever else
/// applies it meanwhile).
pub async fn catch_up(
    infra: &AppInfra,
    consumer: Arc<dyn Consumer>,
    window: Duration,
    settle: Duration,
) -> Result<u64, InfraError> {
    let now = infra.clock().now();
    let span = |d: Duration| chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::zero());
    let (from, until) = (floor_id(now - span(window)), floor_id(now - span(settle)));
    let applied = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new("inbox"))
        .and_where(Expr::col((Alias::new("inbox"), Alias::new("consumer"))).eq(consumer.name()))
        .and_where(
            Expr::col((Alias::new("inbox"), Alias::new("event_id")))
                .equals((Alias::new("outbox_events"), Alias::new("id"))),
        )
        .to_owned();
    let mut query = entity::Entity::find().filter(entity::Column::Topic.is_in(consumer.topics()));
    if !consumer.event_types().is_empty() {
        query = query.filter(entity::Column::EventType.is_in(consumer.event_types().iter().copied()));
    }
    let rows = query
        .filter(entity::Column::Id.gte(from))
        .filter(entity::Column::Id.lt(until))
        .filter(Expr::exists(applied).not())
        .order_by_asc(entity::Column::Id)
        .limit(PASS_LIMIT)
        .all(infra.db())
        .await?;
    let mut read = 0;
    for row in &rows {
        apply_once(infra, consumer.clone(), Delivered::from(row)).await?;
        read += 1;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::floor_id;

    #[test]
    fn the_floor_of_a_millisecond_orders_below_its_ids() {
        let at = chrono::Utc::now();
        let floor = floor_id(at);
        let later = crate::ids::new_id();
        assert!(floor <= later, "{floor} <= {later}");
        assert_eq!(floor.get_version_num(), 7);
        let earlier = floor_id(at - chrono::Duration::milliseconds(1));
        assert!(earlier < floor);
    }
}
