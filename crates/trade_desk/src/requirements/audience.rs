//! Who a requirement's events are for, so real time delivers each only to
//! the partners the requirement is visible to: a published PUBLIC one to
//! every partner (no audience: the area's read capability decides); a
//! DRAFT or PRIVATE one to its buyer; a RESTRICTED one to its buyer and
//! invited sellers; staff always (the area is platform-wide for them). The
//! visibility after the change decides. Every payload names the
//! `commodity_id` (the `commodity:{id}:requirements` stream), the
//! `buyer_partner_id`, the `visibility` and the `status`.

use infra::ServiceError;
use infra::change::{Change, record_unchanged};
use infra::outbox::NewEvent;
use infra::write::WriteTx;
use serde_json::{Value, json};
use uuid::Uuid;

use super::entity::requirement;

/// The partners an event about `row` (inviting `invited`) is for; `None`: every partner.
pub fn partners(row: &requirement::Model, invited: &[Uuid]) -> Option<Vec<Uuid>> {
    match (row.status.as_str(), row.visibility.as_str()) {
        ("DRAFT", _) | (_, "PRIVATE") => Some(vec![row.buyer_partner_id]),
        (_, "RESTRICTED") => Some(
            std::iter::once(row.buyer_partner_id)
                .chain(invited.iter().copied())
                .collect(),
        ),
        _ => None,
    }
}

/// Records `change` of `row` with `payload`: the event for the partners it
/// is visible to (see the module documentation) and the audit row.
pub async fn record(
    tx: &WriteTx,
    change: Change<'_>,
    row: &requirement::Model,
    invited: &[Uuid],
    mut payload: Value,
) -> Result<(), ServiceError> {
    if let Some(map) = payload.as_object_mut() {
        for (key, value) in [
            ("commodity_id", json!(row.commodity_id)),
            ("buyer_partner_id", json!(row.buyer_partner_id)),
            ("visibility", json!(row.visibility)),
            ("status", json!(row.status)),
        ] {
            map.entry(key).or_insert(value);
        }
    }
    let mut event = NewEvent::new(
        change.topic,
        change.event,
        change.aggregate,
        change.aggregate_id,
        change.version,
        &payload,
    )?;
    if let Some(partners) = partners(row, invited) {
        event = event.for_partners(partners);
    }
    tx.emit(event).await?;
    record_unchanged(tx, change, payload).await
}
