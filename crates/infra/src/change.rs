//! Recording a change: one outbox event and one audit row, in the change's
//! transaction, and the field diff an update records.
//!
//! The event rule every module follows: an event's `aggregate_id` names the
//! aggregate and its `version` is that aggregate's version after the change. A
//! child (a GST registration of an organization, a variety of a commodity)
//! belongs to its parent's aggregate: the event carries the parent's id and
//! version, and the payload names the child (`child_id`, `child_version`). An
//! update that changes nothing records an audit row and no event
//! ([`record_unchanged`]).
//!
//! ```no_run
//! # use infra::change::{Change, diff};
//! # use infra::write::WriteTx;
//! # async fn demo(tx: &WriteTx, id: uuid::Uuid) -> Result<(), infra::ServiceError> {
//! let old = serde_json::json!({"name": "Old"});
//! let new = serde_json::json!({"name": "New"});
//! let change = Change::new("location-events", "LocationUpdated", "location.update", "location", id, 2);
//! tx.record(change, serde_json::json!({"id": id, "changes": diff(&old, &new)})).await?;
//! # Ok(()) }
//! ```

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::outbox::NewEvent;
use crate::service_error::ServiceError;
use crate::write::WriteTx;

/// What changed, for the event and the audit row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change<'a> {
    /// The outbox topic, such as `commodity-events`.
    pub topic: &'a str,
    /// The event type, such as `CommodityCreated`.
    pub event: &'a str,
    /// The aggregate the event belongs to, such as `commodity`.
    pub aggregate: &'a str,
    /// Its id.
    pub aggregate_id: Uuid,
    /// The aggregate's version after the change (the event's version).
    pub version: i64,
    /// The audit action, such as `commodity.create`.
    pub action: &'a str,
    /// The audit resource type.
    pub resource: &'a str,
    /// The changed item's id (the aggregate's unless a child changed).
    pub resource_id: Uuid,
}

impl<'a> Change<'a> {
    /// Event `event` on `topic` about aggregate `aggregate` `aggregate_id`,
    /// now at `version`, audited as `action` on the aggregate itself; a
    /// change to a child names the child with [`Change::on`].
    pub fn new(
        topic: &'a str,
        event: &'a str,
        action: &'a str,
        aggregate: &'a str,
        aggregate_id: Uuid,
        version: i64,
    ) -> Self {
        Self {
            topic,
            event,
            aggregate,
            aggregate_id,
            version,
            action,
            resource: aggregate,
            resource_id: aggregate_id,
        }
    }

    /// The audit row names `resource` `resource_id` (a child) instead of the aggregate.
    pub fn on(mut self, resource: &'a str, resource_id: Uuid) -> Self {
        self.resource = resource;
        self.resource_id = resource_id;
        self
    }
}

/// Appends the event and the audit row of `change` with `payload`.
pub async fn record(tx: &WriteTx, change: Change<'_>, payload: Value) -> Result<(), ServiceError> {
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

/// Records an update that changed nothing: the audit row alone, no event.
pub async fn record_unchanged(tx: &WriteTx, change: Change<'_>, payload: Value) -> Result<(), ServiceError> {
    tx.audit(
        change.action,
        change.resource,
        &change.resource_id.to_string(),
        Some(payload),
    )
    .await?;
    Ok(())
}

/// Records an update: the event and the audit row when `changes` is not
/// empty, the audit row alone when nothing changed.
pub async fn record_update(
    tx: &WriteTx,
    change: Change<'_>,
    changes: &Map<String, Value>,
    payload: Value,
) -> Result<(), ServiceError> {
    if changes.is_empty() {
        record_unchanged(tx, change, payload).await
    } else {
        record(tx, change, payload).await
    }
}

impl WriteTx {
    /// Appends the event and the audit row of `change` with `payload` ([`record`]).
    pub async fn record(&self, change: Change<'_>, payload: Value) -> Result<(), ServiceError> {
        record(self, change, payload).await
    }
}

/// Fields whose values differ between two JSON objects, ignoring bookkeeping
/// (`version`, `updated_at`, `created_at`): `{field: {"old": …, "new": …}}`.
pub fn diff(old: &Value, new: &Value) -> Map<String, Value> {
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

/// The diff of two serializable values ([`diff`] of their JSON).
pub fn diff_of<T: serde::Serialize>(old: &T, new: &T) -> Result<Map<String, Value>, ServiceError> {
    Ok(diff(&serde_json::to_value(old)?, &serde_json::to_value(new)?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn diff_names_changed_fields_only() {
        let old = json!({"name": "A", "code": "X", "version": 1});
        let new = json!({"name": "B", "code": "X", "version": 2});
        let changes = super::diff(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes["name"], json!({"old": "A", "new": "B"}));
    }
}
