//! The history of a requirement: its audit rows (who did what, when, in
//! which request, with what changed) joined to the outbox events they
//! recorded (the event type and the version it made). An audit row and its
//! event are written by one transaction at one clock reading, so they are
//! paired by that time; an update that changed nothing has an audit row
//! and no event. Read by the buyer's users and staff.

use chrono::{DateTime, Utc};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::RequirementService;
use crate::REQUIREMENT_READ;

/// Most entries read of each kind (a requirement changes a few dozen times).
pub const MAX_ENTRIES: u64 = 1000;

/// One change of a requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When it committed.
    pub at: DateTime<Utc>,
    /// The audited action (`requirement.create`, `requirement.publish`, ...).
    pub action: Option<String>,
    /// The event it emitted (`RequirementCreated`, ...), absent when it changed nothing.
    pub event_type: Option<String>,
    /// The requirement's version after it.
    pub version: Option<i64>,
    /// The acting user, absent for the system (the expiry job).
    pub actor_id: Option<Uuid>,
    /// USER, INTERNAL, EXTERNAL, SYSTEM, ...
    pub actor_kind: Option<String>,
    /// The request that made it.
    pub request_id: Option<String>,
    /// What was recorded (the event's payload: fields changed, reason, ...).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub details: Option<Value>,
}

/// A requirement's history, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementHistory {
    /// The requirement.
    pub requirement_id: Uuid,
    /// Oldest first.
    pub items: Vec<HistoryEntry>,
}

impl<I: Infra> RequirementService<I> {
    /// The history of requirement `id` (404 when the caller does not see
    /// it; 403 `out_of_scope` for another partner that sees it: the history
    /// names who acted). Capability: REQUIREMENT_READ.
    pub async fn history(&self, actor: &Actor, id: Uuid) -> Result<RequirementHistory, ServiceError> {
        let requirement = self.get(actor, id).await?;
        require(actor, REQUIREMENT_READ)?;
        if actor
            .partner_id
            .is_some_and(|p| p != requirement.buyer_partner_id)
        {
            return Err(ServiceError::OutOfScope(
                "a requirement's history is its buyer's and staff's",
            ));
        }
        let db = self.infra.db();
        let key = id.to_string();
        use infra::audit::entity as audit;
        use infra::outbox::entity as outbox;
        let audits = audit::Entity::find()
            .filter(audit::Column::ResourceType.eq("requirement"))
            .filter(audit::Column::ResourceId.eq(key.as_str()))
            .order_by_asc(audit::Column::Id)
            .limit(MAX_ENTRIES)
            .all(db)
            .await?;
        let mut events: Vec<Option<outbox::Model>> = outbox::Entity::find()
            .filter(outbox::Column::AggregateType.eq("requirement"))
            .filter(outbox::Column::AggregateId.eq(key.as_str()))
            .order_by_asc(outbox::Column::Id)
            .limit(MAX_ENTRIES)
            .all(db)
            .await?
            .into_iter()
            .map(Some)
            .collect();
        let mut items: Vec<HistoryEntry> = audits
            .into_iter()
            .map(|a| {
                let event = events
                    .iter_mut()
                    .find(|e| e.as_ref().is_some_and(|e| e.created_at == a.at))
                    .and_then(Option::take);
                HistoryEntry {
                    at: a.at,
                    action: Some(a.action),
                    event_type: event.as_ref().map(|e| e.event_type.clone()),
                    version: event.as_ref().map(|e| e.version),
                    actor_id: a.actor_id,
                    actor_kind: Some(a.actor_kind),
                    request_id: a.request_id,
                    details: a.details,
                }
            })
            .collect();
        items.extend(events.into_iter().flatten().map(|e| {
            let read = |key: &str| e.metadata.get(key).and_then(Value::as_str).map(str::to_owned);
            HistoryEntry {
                at: e.created_at,
                action: None,
                event_type: Some(e.event_type.clone()),
                version: Some(e.version),
                actor_id: read("actor_id").and_then(|s| s.parse().ok()),
                actor_kind: read("actor_kind"),
                request_id: read("request_id"),
                details: Some(e.payload.clone()),
            }
        }));
        items.sort_by_key(|e| e.at);
        Ok(RequirementHistory {
            requirement_id: id,
            items,
        })
    }
}
