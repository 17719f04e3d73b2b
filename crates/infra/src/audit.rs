//! The audit log: who did what to which resource, in which request, written in
//! the same transaction as the change, and read back by resource ([`list`]).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::actor::{Actor, ActorKind};
use crate::paging::{Page, PageRequest};
use crate::service_error::{ServiceError, require};

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

/// The audit row of `action` by `actor` at `at`.
pub(crate) fn row(
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: &str,
    details: Option<Value>,
    at: DateTime<Utc>,
) -> entity::ActiveModel {
    entity::ActiveModel {
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
    }
}

/// The capability that reads the audit log.
pub const AUDIT_READ: &str = "AUDIT_READ";

/// One audited action, as readers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The row's id (UUID v7, so ids follow time).
    pub id: Uuid,
    /// When the action committed.
    pub at: DateTime<Utc>,
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
    /// What changed, as recorded.
    pub details: Option<Value>,
}

impl From<entity::Model> for AuditEntry {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            actor_kind: m.actor_kind,
            action: m.action,
            resource_type: m.resource_type,
            resource_id: m.resource_id,
            request_id: m.request_id,
            idempotency_key: m.idempotency_key,
            details: m.details,
        }
    }
}

/// Which audit rows to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only rows about this kind of resource.
    pub resource_type: Option<String>,
    /// Only rows about this resource (with or without `resource_type`).
    pub resource_id: Option<String>,
}

/// A page of the audit log, oldest first (AUDIT_READ). Audit rows span every
/// organization and partner and carry what changed, so only platform
/// administrators (SUPER_ADMIN) and the system read them; anyone else holding
/// AUDIT_READ is refused as out of scope.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEntry>, ServiceError> {
    require(actor, AUDIT_READ)?;
    if !matches!(actor.kind, ActorKind::SuperAdmin | ActorKind::System) {
        return Err(ServiceError::OutOfScope(
            "the audit log spans every organization and partner; only platform administrators read it",
        ));
    }
    let mut query = entity::Entity::find()
        .order_by_asc(entity::Column::Id)
        .limit(page.fetch());
    if let Some(kind) = &filter.resource_type {
        query = query.filter(entity::Column::ResourceType.eq(kind.as_str()));
    }
    if let Some(id) = &filter.resource_id {
        query = query.filter(entity::Column::ResourceId.eq(id.as_str()));
    }
    if let Some(after) = page.after {
        query = query.filter(entity::Column::Id.gt(after));
    }
    let rows = query.all(db).await?.into_iter().map(AuditEntry::from).collect();
    Ok(Page::from_rows(rows, page, |e: &AuditEntry| e.id))
}
