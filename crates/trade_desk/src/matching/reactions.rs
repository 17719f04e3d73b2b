//! Matching on events: the consumer group `matching` (inbox-deduped)
//! re-matches the side an event changed, so a published requirement finds
//! its offers and an approved availability its buyers without anyone
//! polling; a side that stopped being active expires its open matches. The
//! sweep ([`MatchingReactions::sweep`], every 30 s) applies through the same
//! inbox the events of the last 5 minutes the group has not processed, so a
//! lost event delays a match and never loses it; then it retries the
//! pushes a throttle deferred a window ago or more ([`super::pushes`]).

use std::sync::Arc;
use std::time::Duration;

use infra::events::{Consumer, Delivered, catch_up};
use infra::notify::SharedNotifier;
use infra::write::{WriteTx, write};
use infra::{Actor, AppInfra, Infra, InfraError, ServiceError};
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

/// The event types the reactions act on: on `availability-events` they
/// re-match the availability, on `requirement-events` the requirement.
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
    if !TRIGGERS.contains(&event.event_type.as_str()) {
        return None;
    }
    match event.topic.as_str() {
        AVAILABILITY_TOPIC => Some(Side::Availability(id)),
        REQUIREMENT_TOPIC => Some(Side::Requirement(id)),
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
        let units = Units::load(&self.infra).await.map_err(ServiceError::into_infra)?;
        match run_side(tx, &units, side, false).await {
            Ok(_) => Ok(()),
            // A side deleted since: nothing left to match.
            Err(ServiceError::NotFound(_)) => Ok(()),
            Err(e) => Err(e.into_infra()),
        }
    }
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
    let waited = infra.clock().now() - chrono::Duration::from_std(pushes::BUYER_WINDOW).unwrap_or_default();
    let waiting = pushes::deferred(infra.db(), waited, DEFERRED_LIMIT)
        .await
        .map_err(ServiceError::into_infra)?;
    for id in waiting {
        let (kv, notifier) = (infra.kv().clone(), notifier.clone());
        let done = write(infra, &Actor::system(), move |tx| {
            Box::pin(async move { pushes::push(tx, &kv, notifier.as_ref(), id).await })
        })
        .await
        .map_err(ServiceError::into_infra)?;
        swept.pushed += u64::from(done.value);
    }
    Ok(swept)
}
