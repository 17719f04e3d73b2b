//! The audit log: who did what to which resource, in which request, written in
//! the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::Value;

use crate::actor::Actor;

/// The sea-orm entity of table `audit_log`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One audited action.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// When the action committed (the transaction's clock reading).
        pub at: DateTimeUtc,
        /// The acting user, absent for the system.
        pub actor_id: Option<Uuid>,
        /// The acting principal's kind.
        pub actor_kind: String,
        /// What was done, such as `organization.create`.
        pub action: String,
        /// The kind of resource.
        pub resource_type: String,
        /// The resource's id.
        pub resource_id: String,
        /// The request that did it.
        pub request_id: Option<String>,
        /// The idempotency key the request carried.
        pub idempotency_key: Option<String>,
        /// Anything else worth keeping, such as changed fields.
        pub details: Option<Json>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Writes one audit row on `conn`.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: &str,
    details: Option<Value>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = entity::ActiveModel {
        id: Set(crate::ids::new_id()),
        at: Set(at),
        actor_id: Set(actor.user_id),
        actor_kind: Set(actor.kind.as_str().to_owned()),
        action: Set(action.to_owned()),
        resource_type: Set(resource_type.to_owned()),
        resource_id: Set(resource_id.to_owned()),
        request_id: Set(actor.request_id.clone()),
        idempotency_key: Set(actor.idempotency.as_ref().map(|k| k.key.clone())),
        details: Set(details),
    };
    entity::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}
