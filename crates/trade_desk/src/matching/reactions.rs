//! Matching on events: the consumer group `matching` (inbox-deduped)
//! re-matches the side an event changed, so a published requirement finds
//! its offers and an approved availability its buyers without anyone
//! polling; a side that stopped being active expires its open matches. The
//! sweep ([`MatchingReactions::sweep`], every 30 s) applies through the same
//! inbox the events of the last 5 minutes the group has not processed, so a
//! lost event delays a match and never loses it; then it retries the
//! pushes a throttle deferred ([`super::pushes`]).

use std::sync::Arc;
use std::time::Duration;

use infra::events::{Consumer, Delivered, catch_up};
use infra::notify::SharedNotifier;
use infra::write::{WriteTx, write};
use infra::{Actor, AppInfra, Infra, InfraError};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::pushes::{self, MatchPushes};
use super::runs::run_side;
use super::store::Side;
use crate::{AVAILABILITY_TOPIC, REQUIREMENT_TOPIC, events};

/// The consumer group (and inbox key) of the reactions.
pub const CONSUMER: &str = "matching";
/// How far back the sweep looks.
pub const SWEEP_WINDOW: Duration = Duration::from_secs(300);
/// How old an unprocessed event must be before the sweep applies it (the
/// live consumer's time to get to it first).
pub const SWEEP_SETTLE: Duration = Duration::from_secs(10);

/// The availability events that re-match their availability.
pub const AVAILABILITY_TRIGGERS: [&str; 8] = [
    events::AVAILABILITY_APPROVED,
    events::AVAILABILITY_UPDATED,
    events::QUANTITY_RELEASED,
    events::RESERVATION_EXPIRED,
    events::AVAILABILITY_SOLD,
    events::AVAILABILITY_SALE_REVERSED,
    events::AVAILABILITY_EXPIRED,
    events::AVAILABILITY_CANCELLED,
];
/// The requirement events that re-match their requirement.
pub const REQUIREMENT_TRIGGERS: [&str; 6] = [
    events::REQUIREMENT_PUBLISHED,
    events::REQUIREMENT_UPDATED,
    events::REQUIREMENT_CANCELLED,
    events::REQUIREMENT_EXPIRED,
    events::REQUIREMENT_FULFILLED,
    events::REQUIREMENT_FULFILMENT_REVERSED,
];
/// Every event type the reactions act on.
pub const TRIGGERS: [&str; 14] = [
    events::AVAILABILITY_APPROVED,
    events::AVAILABILITY_UPDATED,
    events::QUANTITY_RELEASED,
    events::RESERVATION_EXPIRED,
    events::AVAILABILITY_SOLD,
    events::AVAILABILITY_SALE_REVERSED,
    events::AVAILABILITY_EXPIRED,
    events::AVAILABILITY_CANCELLED,
    events::REQUIREMENT_PUBLISHED,
    events::REQUIREMENT_UPDATED,
    events::REQUIREMENT_CANCELLED,
    events::REQUIREMENT_EXPIRED,
    events::REQUIREMENT_FULFILLED,
    events::REQUIREMENT_FULFILMENT_REVERSED,
];

/// The side `event` changed, when it is one the reactions act on.
pub fn side_of(event: &Delivered) -> Option<Side> {
    let id: Uuid = event.aggregate_id.parse().ok()?;
    let kind = event.event_type.as_str();
    match event.topic.as_str() {
        AVAILABILITY_TOPIC if AVAILABILITY_TRIGGERS.contains(&kind) => Some(Side::Availability(id)),
        REQUIREMENT_TOPIC if REQUIREMENT_TRIGGERS.contains(&kind) => Some(Side::Requirement(id)),
        _ => None,
    }
}

/// The reactions over any [`Infra`]: a [`Consumer`] for the server (or
/// any service importing this crate) to run.
#[derive(Clone)]
pub struct MatchingReactions<I: Infra> {
    pub(crate) infra: I,
}

impl<I: Infra> MatchingReactions<I> {
    /// The reactions over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }
}

#[infra::events::async_trait]
impl<I: Infra + 'static> Consumer for MatchingReactions<I> {
    fn name(&self) -> &'static str {
        CONSUMER
    }

    fn topics(&self) -> Vec<&'static str> {
        vec![AVAILABILITY_TOPIC, REQUIREMENT_TOPIC]
    }

    fn event_types(&self) -> &'static [&'static str] {
        &TRIGGERS
    }

    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
        let Some(side) = side_of(event) else {
            return Ok(());
        };
        let units = Units::load(&self.infra)
            .await
            .map_err(|e| refused(format!("the units could not be read: {e}")))?;
        match run_side(tx, &units, side, false).await {
            Ok(_) => Ok(()),
            // A side deleted since: nothing left to match.
            Err(infra::ServiceError::NotFound(_)) => Ok(()),
            Err(infra::ServiceError::Infra(e)) => Err(e),
            Err(e) => Err(refused(format!("matching refused: {e}"))),
        }
    }
}

/// An error that leaves the event pending for another delivery.
fn refused(message: String) -> InfraError {
    InfraError::Database(sea_orm::DbErr::Custom(message))
}

/// Most requirements one sweep retries the deferred pushes of.
pub const DEFERRED_LIMIT: u64 = 200;

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Events applied that the consumers had not processed.
    pub caught_up: u64,
    /// Deferred pushes made.
    pub pushed: u64,
}

/// One sweep over `infra`: the events of the last 5 minutes the reactions
/// and the pushes have not processed, applied through their inboxes; then
/// the pushes a throttle deferred, tried again (telling users through
/// `notifier`).
pub async fn sweep(infra: &AppInfra, notifier: SharedNotifier) -> Result<Swept, InfraError> {
    let reactions = Arc::new(MatchingReactions::new(infra.clone()));
    let told = Arc::new(MatchPushes::new(infra.clone()).with_notifier(notifier.clone()));
    let mut swept = Swept {
        caught_up: catch_up(infra, reactions, SWEEP_WINDOW, SWEEP_SETTLE).await?,
        pushed: 0,
    };
    swept.caught_up += catch_up(infra, told, SWEEP_WINDOW, SWEEP_SETTLE).await?;
    let waiting = pushes::deferred(infra.db(), DEFERRED_LIMIT)
        .await
        .map_err(|e| refused(e.to_string()))?;
    for id in waiting {
        let (kv, notifier) = (infra.kv().clone(), notifier.clone());
        let done = write(infra, &Actor::system(), move |tx| {
            Box::pin(async move { pushes::push(tx, &kv, notifier.as_ref(), id).await })
        })
        .await
        .map_err(|e| refused(e.to_string()))?;
        swept.pushed += u64::from(done.value);
    }
    Ok(swept)
}
