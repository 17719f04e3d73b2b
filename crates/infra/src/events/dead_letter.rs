//! Dead letters: an entry that is unreadable or was delivered too often goes
//! to its topic's dead-letter stream `{prefix}events-dead:{topic}` (trimmed by
//! the same age as the topic's), with the group, the deliveries and a reason.

use super::{dead_letter_key, oldest_kept};
use crate::kv::StreamConnection;
use crate::{AppInfra, Infra, InfraError};

/// Why an entry was given up.
#[derive(Clone, Copy, Debug)]
pub(super) enum Reason {
    /// Some field could not be read as an event.
    Unreadable,
    /// It was delivered more than `max_deliveries` times.
    TooManyDeliveries,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable",
            Reason::TooManyDeliveries => "too many deliveries",
        }
    }
}

/// One entry given up.
pub(super) struct Dead<'a> {
    pub topic: &'a str,
    pub group: &'a str,
    pub entry_id: &'a str,
    pub fields: &'a [(String, String)],
    pub deliveries: u64,
    pub reason: Reason,
}

/// Appends `dead` to its topic's dead-letter stream (the caller acknowledges it).
pub(super) async fn bury(
    infra: &AppInfra,
    conn: &mut StreamConnection,
    dead: Dead<'_>,
) -> Result<(), InfraError> {
    let key = infra.kv().full(&dead_letter_key(dead.topic));
    let reason = dead.reason.as_str();
    let mut fields = dead.fields.to_vec();
    fields.push(("consumer".to_owned(), dead.group.to_owned()));
    fields.push(("deliveries".to_owned(), dead.deliveries.to_string()));
    fields.push(("reason".to_owned(), reason.to_owned()));
    conn.add(&key, &fields, Some(oldest_kept())).await?;
    tracing::warn!(consumer = dead.group, entry = %dead.entry_id, deliveries = dead.deliveries, reason, "event moved to the dead-letter stream");
    Ok(())
}
