//! Who runs and reads the matching of which side: staff with
//! MATCHING_EXECUTE any; a partner's users their own requirements (with
//! REQUIREMENT_READ) and their own availabilities (with
//! AVAILABILITY_READ). Another partner's requirement or availability is
//! 403 `out_of_scope` when the caller may see it, else 404.

use infra::service_error::require;
use infra::{Actor, ServiceError};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::entity::matched;
use crate::availabilities::entity::availability;
use crate::requirements::entity::requirement;
use crate::{AVAILABILITY_READ, MATCHING_EXECUTE, REQUIREMENT_READ};

/// The capability a caller needs for one side: staff MATCHING_EXECUTE, a partner's users `own`.
fn needed(actor: &Actor, own: &str) -> Result<(), ServiceError> {
    match actor.partner_id {
        None => require(actor, MATCHING_EXECUTE),
        Some(_) => require(actor, own),
    }
}

/// Requirement `id` if `actor` may match it (see the module documentation).
pub async fn requirement<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> Result<requirement::Model, ServiceError> {
    needed(actor, REQUIREMENT_READ)?;
    let row = requirement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("requirement"))?;
    if let Some(partner) = actor.partner_id
        && partner != row.buyer_partner_id
    {
        let invited = super::sides::invited(db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        if crate::requirements::reads::visible_to(Some(partner), &row, &invited) {
            return Err(ServiceError::OutOfScope(
                "a partner's users match their own partner's requirements only",
            ));
        }
        return Err(ServiceError::NotFound("requirement"));
    }
    Ok(row)
}

/// Availability `id` if `actor` may match it (see the module documentation).
pub async fn availability<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> Result<availability::Model, ServiceError> {
    needed(actor, AVAILABILITY_READ)?;
    let row = availability::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("availability"))?;
    if let Some(partner) = actor.partner_id
        && partner != row.seller_partner_id
    {
        let listed = super::sides::listed(db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        if crate::availabilities::reads::visible_to(Some(partner), &row, &listed) {
            return Err(ServiceError::OutOfScope(
                "a partner's users match their own partner's availabilities only",
            ));
        }
        return Err(ServiceError::NotFound("availability"));
    }
    Ok(row)
}

/// Match `row` if `actor` may act on it: staff with MATCHING_EXECUTE; the
/// buyer's users with REQUIREMENT_READ; the seller's with AVAILABILITY_READ;
/// 404 for anyone else.
pub fn stored(actor: &Actor, row: &matched::Model) -> Result<(), ServiceError> {
    match actor.partner_id {
        None => require(actor, MATCHING_EXECUTE),
        Some(p) if p == row.buyer_partner_id => require(actor, REQUIREMENT_READ),
        Some(p) if p == row.seller_partner_id => require(actor, AVAILABILITY_READ),
        Some(_) => Err(ServiceError::NotFound("match")),
    }
}
