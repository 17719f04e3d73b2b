//! Who reaches which partner, in one place for every partner service
//! (records, places, amendments, KYC): staff reach every partner, a partner's
//! own users only theirs (any other is not found, revealing nothing), and some
//! changes are staff's whatever a partner's user holds.

use infra::write::WriteTx;
use infra::{Actor, ServiceError};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::entity::partner;

/// Whether `actor` reaches partner `id`; `what` names the resource a refusal is about.
pub(crate) fn reach_as(actor: &Actor, id: Uuid, what: &'static str) -> Result<(), ServiceError> {
    match actor.partner_id {
        Some(own) if own != id => Err(ServiceError::NotFound(what)),
        _ => Ok(()),
    }
}

/// Whether `actor` reaches partner `id` (404 `partner` otherwise).
pub(crate) fn reach(actor: &Actor, id: Uuid) -> Result<(), ServiceError> {
    reach_as(actor, id, "partner")
}

/// Refuses a partner's own users (403 `out_of_scope` saying `why`), whatever they hold.
pub(crate) fn staff_only(actor: &Actor, why: &'static str) -> Result<(), ServiceError> {
    match actor.partner_id {
        Some(_) => Err(ServiceError::OutOfScope(why)),
        None => Ok(()),
    }
}

/// The stored partner `id`, locked for the rest of `tx` on PostgreSQL, without an access check.
pub(crate) async fn locked(tx: &WriteTx, id: Uuid) -> Result<partner::Model, ServiceError> {
    infra::rows::for_update(tx, partner::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("partner"))
}

/// The stored partner `id`, reached by the transaction's actor and locked for the change.
pub(crate) async fn for_change(tx: &WriteTx, id: Uuid) -> Result<partner::Model, ServiceError> {
    reach(tx.actor(), id)?;
    locked(tx, id).await
}

/// A required reason: trimmed, 3..=500 characters (422 naming `reason` otherwise).
pub(crate) fn reason_of(reason: &str) -> Result<String, ServiceError> {
    let reason = reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(ServiceError::field("reason", "is required: 3 to 500 characters"));
    }
    Ok(reason.to_owned())
}
