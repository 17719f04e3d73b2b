//! Who may see an organization, and loading one for a change.

use infra::write::WriteTx;
use infra::{Actor, ActorKind};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::entity::organization;
use crate::error::{SettingsError, require};

/// INTERNAL users see only their own organization; EXTERNAL users none. An
/// organization out of reach is answered as not found, revealing nothing.
pub(crate) fn check_scope(actor: &Actor, org_id: Uuid) -> Result<(), SettingsError> {
    let visible = match actor.kind {
        ActorKind::System | ActorKind::SuperAdmin => true,
        ActorKind::Internal => actor.organization_id == Some(org_id),
        ActorKind::External | ActorKind::Anonymous => false,
    };
    if visible {
        Ok(())
    } else {
        Err(SettingsError::NotFound("organization"))
    }
}

/// Checks `capability` and scope, then reads the live organization inside the
/// write, locking its row on PostgreSQL so that changes to one organization's
/// children run one at a time (SQLite's write lock already does).
pub(crate) async fn for_change(
    tx: &WriteTx,
    capability: &str,
    org_id: Uuid,
) -> Result<organization::Model, SettingsError> {
    require(tx.actor(), capability)?;
    check_scope(tx.actor(), org_id)?;
    live(tx.db(), org_id, true).await
}

pub(crate) async fn live<C: ConnectionTrait>(
    db: &C,
    org_id: Uuid,
    lock: bool,
) -> Result<organization::Model, SettingsError> {
    let mut query = organization::Entity::find_by_id(org_id);
    if lock {
        query = infra::rows::for_update_on(db, query);
    }
    query
        .one(db)
        .await?
        .filter(|o| o.deleted_at.is_none())
        .ok_or(SettingsError::NotFound("organization"))
}
