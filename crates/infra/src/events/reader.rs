//! The Redis reader: one consumer group per handler over its topics' streams,
//! one blocking `XREADGROUP` over all of them, reclaim every half claim period.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{ConsumerOptions, Handler, dead_letter, reclaim, stream_key};
use crate::kv::StreamConnection;
use crate::{AppInfra, Infra, InfraError};

/// A handler's streams: full key and topic of each.
pub(super) type Streams = Vec<(String, &'static str)>;

/// Reads for `handler` until the connection fails.
pub(super) async fn run(
    infra: &AppInfra,
    handler: Arc<dyn Handler>,
    options: &ConsumerOptions,
) -> Result<(), InfraError> {
    let Some(redis) = infra.kv().as_redis() else {
        return Ok(());
    };
    // Blocking reads get a connection of their own, without the pool's
    // response timeout; they wait `block`, anything much longer means a dead
    // connection.
    let mut conn = redis
        .stream_connection(options.block + Duration::from_secs(10))
        .await?;
    let group = handler.name();
    let streams: Streams = handler
        .topics()
        .into_iter()
        .map(|t| (infra.kv().full(&stream_key(t)), t))
        .collect();
    for (key, _) in &streams {
        conn.create_group(key, group, handler.replays_history()).await?;
        reclaim::forget_departed(&mut conn, key, group, options).await?;
    }
    let keys: Vec<String> = streams.iter().map(|(k, _)| k.clone()).collect();
    let mut last_claim: Option<Instant> = None;
    loop {
        if last_claim.is_none_or(|at| at.elapsed() >= options.claim_idle / 2) {
            last_claim = Some(Instant::now());
            reclaim::claim_idle(infra, &handler, options, &mut conn, &streams).await?;
        }
        // One blocking read over every stream: an entry on any of them wakes it.
        let batches = conn
            .read_group(group, &options.consumer_id, &keys, 100, options.block)
            .await?;
        for (key, entries) in batches {
            let Some((_, topic)) = streams.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            handle(infra, &handler, options, &mut conn, (&key, topic), entries, true).await?;
        }
    }
}

/// Hands each entry of stream `key` (topic `topic`) to `handler` and
/// acknowledges it once handled, or once moved to the dead-letter stream; an
/// entry whose handling failed stays pending for another delivery. `fresh`
/// entries (read with `>`) are on their first delivery, so their count is not
/// asked of Redis; reclaimed ones are.
pub(super) async fn handle(
    infra: &AppInfra,
    handler: &Arc<dyn Handler>,
    options: &ConsumerOptions,
    conn: &mut StreamConnection,
    (key, topic): (&str, &str),
    entries: Vec<crate::kv::StreamEntry>,
    fresh: bool,
) -> Result<(), InfraError> {
    let group = handler.name();
    for (entry_id, fields) in entries {
        let deliveries = if fresh {
            1
        } else {
            conn.deliveries(key, group, &entry_id).await?
        };
        let event = super::Delivered::from_fields(topic, &fields);
        let done = match event.filter(|_| deliveries <= options.max_deliveries) {
            None => {
                let reason = if deliveries > options.max_deliveries {
                    dead_letter::Reason::TooManyDeliveries
                } else {
                    dead_letter::Reason::Unreadable
                };
                let dead = dead_letter::Dead {
                    topic,
                    group,
                    entry_id: &entry_id,
                    fields: &fields,
                    deliveries,
                    reason,
                };
                dead_letter::bury(infra, conn, dead).await?;
                true
            }
            Some(event) => match handler.handle(infra, event).await {
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(consumer = group, entry = %entry_id, error = %e, "event not applied; it will be delivered again");
                    false
                }
            },
        };
        if done {
            conn.ack(key, group, &entry_id).await?;
        }
    }
    Ok(())
}
