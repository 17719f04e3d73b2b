//! The embedded reader: the in-process bus the relay publishes to.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use super::{Delivered, Handler};
use crate::{AppInfra, Infra, InfraError};

/// Hands `handler` every event of its topics on the bus until the bus closes.
pub(super) async fn run(infra: &AppInfra, handler: Arc<dyn Handler>) -> Result<(), InfraError> {
    let mut bus = infra.outbox().subscribe();
    let topics = handler.topics();
    loop {
        let row = match bus.recv().await {
            Ok(row) => row,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(
                    consumer = handler.name(),
                    missed,
                    "consumer fell behind the in-process bus"
                );
                continue;
            }
            Err(RecvError::Closed) => return Ok(()),
        };
        if topics.contains(&row.topic.as_str()) {
            handle(infra, &handler, Delivered::from(&*row)).await;
        }
    }
}

/// Tries an event a few times with a pause, as redeliveries would, then logs
/// it as dead (the in-process bus keeps no dead-letter stream).
async fn handle(infra: &AppInfra, handler: &Arc<dyn Handler>, event: Delivered) {
    const TRIES: u32 = 5;
    for attempt in 1..=TRIES {
        match handler.handle(infra, event.clone()).await {
            Ok(()) => return,
            Err(e) if attempt < TRIES => {
                tracing::warn!(consumer = handler.name(), event = %event.event_id, attempt, error = %e, "event not handled; trying again");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            Err(e) => {
                tracing::error!(consumer = handler.name(), event = %event.event_id, error = %e, "event given up after {TRIES} tries");
            }
        }
    }
}
