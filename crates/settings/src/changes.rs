//! Recording a change: one outbox event and one audit row, in the change's transaction.

use infra::NewEvent;
use infra::write::WriteTx;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::error::SettingsError;

/// What changed, for the event and the audit row.
pub(crate) struct Change<'a> {
    /// The outbox topic, such as `commodity-events`.
    pub topic: &'static str,
    /// The event type, such as `CommodityCreated`.
    pub event: &'a str,
    /// The aggregate the event belongs to, such as `commodity`.
    pub aggregate: &'static str,
    /// Its id.
    pub aggregate_id: Uuid,
    /// The aggregate's version after the change (the event's version).
    pub version: i64,
    /// The audit action, such as `commodity.create`.
    pub action: &'a str,
    /// The audit resource type.
    pub resource: &'static str,
    /// The changed item's id.
    pub resource_id: Uuid,
}

/// Appends the event and the audit row of `change` with `payload`.
pub(crate) async fn record(tx: &WriteTx, change: Change<'_>, payload: Value) -> Result<(), SettingsError> {
    tx.emit(NewEvent::new(
        change.topic,
        change.event,
        change.aggregate,
        change.aggregate_id,
        change.version,
        &payload,
    )?)
    .await?;
    tx.audit(
        change.action,
        change.resource,
        &change.resource_id.to_string(),
        Some(payload),
    )
    .await?;
    Ok(())
}

/// Fields whose values differ between two JSON objects, ignoring bookkeeping.
pub(crate) fn diff(old: &Value, new: &Value) -> Map<String, Value> {
    let mut changes = Map::new();
    if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
        for (field, value) in new {
            if matches!(field.as_str(), "version" | "updated_at" | "created_at") {
                continue;
            }
            if old.get(field) != Some(value) {
                changes.insert(field.clone(), json!({ "old": old.get(field), "new": value }));
            }
        }
    }
    changes
}
