//! The transactional outbox: events appended to table `outbox_events` inside
//! the business transaction, so a rolled-back change leaves no event. A relay
//! publishes committed rows afterwards.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr, Set};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::actor::Actor;
use crate::announce::Announcer;

/// The database notification channel the relay listens on (PostgreSQL).
pub const NOTIFY_CHANNEL: &str = "outbox_events";

/// An event to append: what happened to which aggregate.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// The stream it is published on, such as `organization-events`.
    pub topic: String,
    /// PascalCase past tense, such as `OrganizationCreated`.
    pub event_type: String,
    /// The kind of entity, such as `organization`.
    pub aggregate_type: String,
    /// The entity's id.
    pub aggregate_id: String,
    /// The entity's version after the change.
    pub version: i64,
    /// The event body.
    pub payload: Value,
    /// Whom it is for, when only some of those who may read its topic should
    /// receive it (kept in the row's `metadata` as `audience`).
    pub audience: Option<Audience>,
}

/// The parties an event is for: partner ids, user ids. Real time delivers an
/// event with an audience to these parties (and to whom its area's scope
/// lets see everything) and nobody else.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Partners whose users receive it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<Uuid>,
    /// Users who receive it, also on their own `user:{id}` channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<Uuid>,
}

impl Audience {
    /// The key of the audience in an event's metadata.
    pub const METADATA_KEY: &'static str = "audience";

    /// The audience stored in an event row's `metadata`, if it names one. An
    /// audience that is there but unreadable is answered as an empty one, so a
    /// restricted event reaches nobody rather than everybody.
    pub fn from_metadata(metadata: &Value) -> Option<Self> {
        let stored = metadata.get(Self::METADATA_KEY)?;
        Some(Self::deserialize(stored).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unreadable event audience; delivering to nobody");
            Self::default()
        }))
    }

    /// Whether the user `user_id` (of partner `partner_id`) is in it.
    pub fn includes(&self, user_id: Option<Uuid>, partner_id: Option<Uuid>) -> bool {
        user_id.is_some_and(|u| self.users.contains(&u))
            || partner_id.is_some_and(|p| self.partners.contains(&p))
    }
}

impl NewEvent {
    /// An event with a payload serialized from `payload`.
    pub fn new(
        topic: &str,
        event_type: &str,
        aggregate_type: &str,
        aggregate_id: impl ToString,
        version: i64,
        payload: &impl Serialize,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            topic: topic.to_owned(),
            event_type: event_type.to_owned(),
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id: aggregate_id.to_string(),
            version,
            payload: serde_json::to_value(payload)?,
            audience: None,
        })
    }

    /// The same event, for these partners' users as well (added to any audience already named).
    pub fn for_partners(mut self, partners: impl IntoIterator<Item = Uuid>) -> Self {
        self.audience
            .get_or_insert_with(Audience::default)
            .partners
            .extend(partners);
        self
    }

    /// The same event, for these users as well (added to any audience already named).
    pub fn for_users(mut self, users: impl IntoIterator<Item = Uuid>) -> Self {
        self.audience
            .get_or_insert_with(Audience::default)
            .users
            .extend(users);
        self
    }
}

/// The sea-orm entity of table `outbox_events`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One event row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_events")]
    pub struct Model {
        /// UUID v7, so ids order by creation.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Kind of entity.
        pub aggregate_type: String,
        /// Entity id.
        pub aggregate_id: String,
        /// Event type, PascalCase past tense.
        pub event_type: String,
        /// Stream topic.
        pub topic: String,
        /// Event body.
        pub payload: Json,
        /// Actor and request id.
        pub metadata: Json,
        /// The idempotency key of the request that caused the event.
        pub idempotency_key: Option<String>,
        /// Entity version after the change.
        pub version: i64,
        /// pending, published or failed.
        pub status: String,
        /// Delivery attempts so far.
        pub attempts: i32,
        /// Not to be tried before this time.
        pub next_attempt_at: DateTimeUtc,
        /// The last delivery error.
        pub last_error: Option<String>,
        /// When the event was appended.
        pub created_at: DateTimeUtc,
        /// When the relay published it.
        pub published_at: Option<DateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Appends events inside the caller's transaction and wakes the relay after
/// commits; in the embedded mode it is also the in-process bus the relay
/// publishes to.
#[derive(Clone, Debug)]
pub struct Outbox {
    wake: Arc<Notify>,
    bus: tokio::sync::broadcast::Sender<Arc<entity::Model>>,
    announcer: Option<Arc<Announcer>>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self {
            wake: Arc::default(),
            bus: tokio::sync::broadcast::channel(1024).0,
            announcer: None,
        }
    }
}

impl Outbox {
    /// An outbox with its own wake-up signal and bus.
    pub fn new() -> Self {
        Self::default()
    }

    /// An outbox on the PostgreSQL database `db`: besides the in-process
    /// signal, commits are announced to the relays of other processes with
    /// `pg_notify` on [`NOTIFY_CHANNEL`] (see `infra::announce`).
    pub(crate) fn on_postgres(db: DatabaseConnection) -> Self {
        Self {
            announcer: Some(Announcer::new(db)),
            ..Self::default()
        }
    }

    /// Tells the outbox whether this process's relay leads: a leading relay
    /// wakes on the in-process signal, so no notification is sent for it.
    pub fn set_leading(&self, leading: bool) {
        if let Some(announcer) = &self.announcer {
            announcer.set_leading(leading);
        }
    }

    /// Whether this process's relay leads (always false off PostgreSQL).
    pub fn leading(&self) -> bool {
        self.announcer.as_ref().is_some_and(|a| a.leading())
    }

    /// Publishes a committed event on the in-process bus (embedded mode).
    pub fn publish_local(&self, event: entity::Model) {
        // No subscriber is fine: the row is published, nobody listens yet.
        let _ = self.bus.send(Arc::new(event));
    }

    /// Receives events the relay publishes in process.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<entity::Model>> {
        self.bus.subscribe()
    }

    /// The pending outbox row of `event` by `actor` at `now`, with its new id.
    pub(crate) fn row(
        actor: &Actor,
        event: NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(Uuid, entity::ActiveModel), DbErr> {
        let id = crate::ids::new_id();
        let mut metadata = serde_json::json!({
            "actor_id": actor.user_id,
            "actor_kind": actor.kind.as_str(),
            "request_id": actor.request_id,
        });
        if let (Some(audience), Some(fields)) = (&event.audience, metadata.as_object_mut()) {
            fields.insert(
                Audience::METADATA_KEY.to_owned(),
                serde_json::to_value(audience).map_err(|e| DbErr::Custom(e.to_string()))?,
            );
        }
        let row = entity::ActiveModel {
            id: Set(id),
            aggregate_type: Set(event.aggregate_type),
            aggregate_id: Set(event.aggregate_id),
            event_type: Set(event.event_type),
            topic: Set(event.topic),
            payload: Set(event.payload),
            metadata: Set(metadata),
            idempotency_key: Set(actor.idempotency.as_ref().map(|k| k.key.clone())),
            version: Set(event.version),
            status: Set("pending".to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            published_at: Set(None),
        };
        Ok((id, row))
    }

    /// Tells the relay that a transaction with events committed: in process
    /// at once, and the relays of other processes through one notification
    /// shared with the commits around it.
    pub fn committed(&self) {
        self.wake.notify_one();
        if let Some(announcer) = &self.announcer {
            announcer.announce();
        }
    }

    /// The signal an in-process relay waits on.
    pub fn wakeups(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_is_built_and_read_back_from_metadata() {
        let (partner, user) = (crate::ids::new_id(), crate::ids::new_id());
        let event = NewEvent::new(
            "trade-events",
            "TradeBooked",
            "trade",
            "t1",
            1,
            &serde_json::json!({}),
        )
        .unwrap()
        .for_partners([partner])
        .for_users([user]);
        let audience = event.audience.clone().unwrap();
        assert_eq!(
            (audience.partners.as_slice(), audience.users.as_slice()),
            ([partner].as_slice(), [user].as_slice())
        );
        let metadata = serde_json::json!({ "actor_id": null, Audience::METADATA_KEY: audience });
        assert_eq!(Audience::from_metadata(&metadata), Some(audience.clone()));
        assert_eq!(Audience::from_metadata(&serde_json::json!({})), None);
        assert!(audience.includes(Some(user), None) && audience.includes(None, Some(partner)));
        assert!(!audience.includes(Some(partner), Some(user)));
    }
}
