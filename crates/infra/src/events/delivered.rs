//! An event as a consumer receives it, and its shape in a stream entry.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{oldest_kept, stream_key};
use crate::outbox::entity::Model;
use crate::{AppInfra, Infra, KvError};

/// An event as a consumer receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivered {
    /// The outbox event id (the dedupe key).
    pub event_id: Uuid,
    /// The topic.
    pub topic: String,
    /// PascalCase past tense.
    pub event_type: String,
    /// Kind of entity.
    pub aggregate_type: String,
    /// Entity id.
    pub aggregate_id: String,
    /// The body.
    pub payload: serde_json::Value,
    /// The entity's version after the change.
    pub version: i64,
    /// Actor and request id of the change.
    pub metadata: serde_json::Value,
    /// The idempotency key of the request that caused it.
    pub idempotency_key: Option<String>,
    /// When the change committed.
    pub created_at: DateTime<Utc>,
}

impl From<&Model> for Delivered {
    fn from(row: &Model) -> Self {
        Self {
            event_id: row.id,
            topic: row.topic.clone(),
            event_type: row.event_type.clone(),
            aggregate_type: row.aggregate_type.clone(),
            aggregate_id: row.aggregate_id.clone(),
            payload: row.payload.clone(),
            version: row.version,
            metadata: row.metadata.clone(),
            idempotency_key: row.idempotency_key.clone(),
            created_at: row.created_at,
        }
    }
}

/// The fields of the stream entry of an outbox row.
pub fn stream_fields(row: &Model) -> Vec<(&'static str, String)> {
    vec![
        ("event_id", row.id.to_string()),
        ("event_type", row.event_type.clone()),
        ("aggregate_type", row.aggregate_type.clone()),
        ("aggregate_id", row.aggregate_id.clone()),
        ("version", row.version.to_string()),
        ("payload", row.payload.to_string()),
        ("metadata", row.metadata.to_string()),
        ("idempotency_key", row.idempotency_key.clone().unwrap_or_default()),
        ("created_at", row.created_at.to_rfc3339()),
    ]
}

fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl Delivered {
    /// The event of a stream entry, as the relay wrote it; `None` when any
    /// field is unreadable (such an entry goes to the dead-letter stream).
    pub fn from_fields(topic: &str, fields: &[(String, String)]) -> Option<Self> {
        Some(Self {
            event_id: field(fields, "event_id").parse().ok()?,
            topic: topic.to_owned(),
            event_type: field(fields, "event_type"),
            aggregate_type: field(fields, "aggregate_type"),
            aggregate_id: field(fields, "aggregate_id"),
            payload: serde_json::from_str(&field(fields, "payload")).ok()?,
            version: field(fields, "version").parse().ok()?,
            metadata: serde_json::from_str(&field(fields, "metadata")).ok()?,
            idempotency_key: Some(field(fields, "idempotency_key")).filter(|k| !k.is_empty()),
            created_at: DateTime::parse_from_rfc3339(&field(fields, "created_at"))
                .ok()?
                .with_timezone(&Utc),
        })
    }
}

/// Appends `rows` to their topics' streams in one pipeline, trimming entries
/// older than the retention; embedded, publishes them on the in-process bus.
pub async fn publish(infra: &AppInfra, rows: &[Model]) -> Result<(), KvError> {
    let kv = infra.kv();
    let Some(redis) = kv.as_redis() else {
        for row in rows {
            infra.outbox().publish_local(row.clone());
        }
        return Ok(());
    };
    let entries: Vec<_> = rows
        .iter()
        .map(|row| (kv.full(&stream_key(&row.topic)), stream_fields(row)))
        .collect();
    redis.stream_append(&entries, oldest_kept()).await
}
