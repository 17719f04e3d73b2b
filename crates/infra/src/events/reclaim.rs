//! Reclaiming what dead consumers left: entries idle in their hands
//! (`XAUTOCLAIM`), and the consumers themselves once long gone.

use std::sync::Arc;

use super::reader::{Streams, handle};
use super::{ConsumerOptions, Handler};
use crate::kv::StreamConnection;
use crate::{AppInfra, InfraError};

/// Entries claimed per `XAUTOCLAIM`.
const CLAIM_BATCH: usize = 50;

/// Claims and handles every entry of `streams` idle for `claim_idle` in
/// another consumer's hands, following the cursor to the end.
pub(super) async fn claim_idle(
    infra: &AppInfra,
    handler: &Arc<dyn Handler>,
    options: &ConsumerOptions,
    conn: &mut StreamConnection,
    streams: &Streams,
) -> Result<(), InfraError> {
    let group = handler.name();
    for (key, topic) in streams {
        let mut cursor = "0-0".to_owned();
        loop {
            let (next, entries) = conn
                .autoclaim(
                    key,
                    group,
                    &options.consumer_id,
                    options.claim_idle,
                    &cursor,
                    CLAIM_BATCH,
                )
                .await?;
            handle(infra, handler, options, conn, (key, topic), entries, false).await?;
            if next == "0-0" {
                break;
            }
            cursor = next;
        }
    }
    Ok(())
}

/// Removes from the group the consumers of instances long gone: nothing
/// pending (what they left was reclaimed) and idle for ten claim periods.
/// Every instance names itself anew when it starts, so without this the
/// group would list every instance that ever ran.
pub(super) async fn forget_departed(
    conn: &mut StreamConnection,
    key: &str,
    group: &str,
    options: &ConsumerOptions,
) -> Result<(), InfraError> {
    for consumer in conn.group_consumers(key, group).await? {
        let departed = consumer.pending == 0
            && consumer.idle > options.claim_idle * 10
            && consumer.name != options.consumer_id;
        if departed {
            conn.delete_consumer(key, group, &consumer.name).await?;
        }
    }
    Ok(())
}
