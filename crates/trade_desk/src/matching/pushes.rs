//! Pushing new matches: the consumer group `matching-pushes` reads
//! MatchFound. The seller's users hear of it on `availability:{id}` (a
//! MatchFound on `availability-events`, the seller the audience). The
//! buyer's users get the top 5 NEW matches of the requirement, on
//! `requirement:{id}` (a MatchFound on `requirement-events`, the buyer the
//! audience) and on their `user:{id}` (a notification through the kit's
//! [`Notifier`]), at most once a minute per buyer (the kv store's GCRA)
//! and never the same pair again within 5 minutes (a set-if-absent mark
//! with that expiry). The pushed matches become NOTIFIED; a throttled push
//! leaves them NEW, and the sweep pushes them in a later window: deferred,
//! never dropped.

use std::time::Duration;

use infra::events::{Consumer, Delivered};
use infra::kv::Quota;
use infra::notify::{Notification, Notifier, SharedNotifier, default_notifier};
use infra::outbox::NewEvent;
use infra::write::WriteTx;
use infra::{Infra, InfraError, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use settings::users::entity::user;
use uuid::Uuid;

use super::entity::matched;
use super::model::Match;
use super::store;
use crate::availabilities::entity::availability;
use crate::requirements::entity::requirement;
use crate::{AVAILABILITY_TOPIC, MATCH_TOPIC, REQUIREMENT_TOPIC, events};

/// The consumer group (and inbox key) of the pushes.
pub const CONSUMER: &str = "matching-pushes";
/// The most matches one push names.
pub const TOP: u64 = 5;
/// The quiet time of a pair once pushed.
pub const PAIR_QUIET: Duration = Duration::from_secs(300);

/// The window a buyer is pushed to at most once in.
pub const BUYER_WINDOW: Duration = Duration::from_secs(60);

/// One push per buyer per [`BUYER_WINDOW`].
pub fn buyer_quota() -> Quota {
    Quota {
        rate: 1,
        period: BUYER_WINDOW,
        burst: 1,
    }
}

/// The pushes over any [`Infra`]: a [`Consumer`] for the server to run.
#[derive(Clone)]
pub struct MatchPushes<I: Infra> {
    pub(crate) infra: I,
    pub(crate) notifier: SharedNotifier,
}

impl<I: Infra> MatchPushes<I> {
    /// The pushes over `infra`, telling users through the default notifier.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            notifier: default_notifier(),
        }
    }

    /// The same pushes telling users through `notifier`.
    pub fn with_notifier(mut self, notifier: SharedNotifier) -> Self {
        self.notifier = notifier;
        self
    }
}

#[infra::events::async_trait]
impl<I: Infra + 'static> Consumer for MatchPushes<I> {
    fn name(&self) -> &'static str {
        CONSUMER
    }

    fn topics(&self) -> Vec<&'static str> {
        vec![MATCH_TOPIC]
    }

    fn event_types(&self) -> &'static [&'static str] {
        &[events::MATCH_FOUND]
    }

    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
        let found: Match = serde_json::from_value(event.payload.clone())?;
        tell_seller(tx, &found).await.map_err(ServiceError::into_infra)?;
        push(tx, self.infra.kv(), self.notifier.as_ref(), found.requirement_id)
            .await
            .map_err(ServiceError::into_infra)?;
        Ok(())
    }
}

/// MatchFound on the availability's channel, for its seller.
async fn tell_seller(tx: &WriteTx, found: &Match) -> Result<(), ServiceError> {
    let Some(offer) = availability::Entity::find_by_id(found.availability_id)
        .one(tx.db())
        .await?
    else {
        return Ok(());
    };
    let payload = json!({ "id": offer.id, "commodity_id": offer.commodity_id, "match": found });
    let event = NewEvent::new(
        AVAILABILITY_TOPIC,
        events::MATCH_FOUND,
        "availability",
        offer.id,
        offer.version,
        &payload,
    )?
    .for_partners([offer.seller_partner_id]);
    tx.emit(event).await?;
    Ok(())
}

/// Pushes the top NEW matches of requirement `id` to its buyer unless the
/// buyer was pushed to within the minute (then they stay NEW for a later
/// window); answers whether it pushed. Audited as `matching.push`.
pub async fn push(
    tx: &WriteTx,
    kv: &infra::kv::Kv,
    notifier: &dyn Notifier,
    id: Uuid,
) -> Result<bool, ServiceError> {
    let pushed = push_top(tx, kv, notifier, id).await?;
    let details = json!({ "side": "requirement", "pushed": pushed });
    tx.audit("matching.push", "matching", &id.to_string(), Some(details))
        .await?;
    Ok(pushed)
}

async fn push_top(
    tx: &WriteTx,
    kv: &infra::kv::Kv,
    notifier: &dyn Notifier,
    id: Uuid,
) -> Result<bool, ServiceError> {
    let top = matched::Entity::find()
        .filter(matched::Column::RequirementId.eq(id))
        .filter(matched::Column::Status.eq("NEW"))
        .order_by_desc(matched::Column::Score)
        .order_by_desc(matched::Column::Id)
        .limit(TOP)
        .all(tx.db())
        .await?;
    let Some(first) = top.first() else {
        return Ok(false);
    };
    let buyer = first.buyer_partner_id;
    let decision = kv
        .gcra_take(&format!("matching:push:{buyer}"), buyer_quota(), 1)
        .await?;
    if !decision.allowed {
        return Ok(false);
    }
    let mut told = Vec::new();
    for row in top {
        let pair = format!("matching:pair:{}:{}", row.requirement_id, row.availability_id);
        let fresh = kv.set_if_absent(&pair, b"1", PAIR_QUIET).await?;
        let view = store::notified(tx, row, fresh).await?;
        if fresh {
            told.push(view);
        }
    }
    if told.is_empty() {
        return Ok(false);
    }
    let Some(need) = requirement::Entity::find_by_id(id).one(tx.db()).await? else {
        return Ok(false);
    };
    let payload = json!({ "id": need.id, "number": need.number, "buyer_partner_id": buyer,
        "commodity_id": need.commodity_id, "matches": told });
    let event = NewEvent::new(
        REQUIREMENT_TOPIC,
        events::MATCH_FOUND,
        "requirement",
        need.id,
        need.version,
        &payload,
    )?
    .for_partners([buyer]);
    tx.emit(event).await?;
    let users: Vec<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::PartnerId.eq(buyer))
        .filter(user::Column::IsActive.eq(true))
        .into_tuple()
        .all(tx.db())
        .await?;
    let message = format!("{} new matches for requirement {}", told.len(), need.number);
    let notice = Notification::new("matching.found", message, users)
        .about("requirement", need.id)
        .with_data(json!({ "requirement_id": need.id, "matches": told }));
    notifier.notify(tx, &notice).await?;
    Ok(true)
}

/// The requirements holding NEW matches unchanged since `before` (a
/// throttled push left them; fresher ones are the pushes consumer's), at
/// most `limit`.
pub async fn deferred<C: sea_orm::ConnectionTrait>(
    db: &C,
    before: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, ServiceError> {
    let ids: Vec<Uuid> = matched::Entity::find()
        .select_only()
        .column(matched::Column::RequirementId)
        .distinct()
        .filter(matched::Column::Status.eq("NEW"))
        .filter(matched::Column::UpdatedAt.lt(before))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids)
}
