//! Releasing a reservation: all it still holds, or part of it, back to the
//! availability, its share of the value back to the buyer's credit.

use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, Quantity, ServiceError, Written};
use risk::error::RiskError;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::entity::reservation;
use super::model::{Release, Reservation};
use super::moves::{NOT_ACTIVE, Return, restore};
use super::{ReservationService, scaled};
use crate::AVAILABILITY_RESERVE;

impl<I: Infra> ReservationService<I> {
    /// Releases `input.quantity` (in the availability's unit; default all
    /// still held) of reservation `id`: the quantity back to available in
    /// one conditional statement, the value's share (exact; the last release
    /// returns the rest) back to the buyer's exposure, RELEASED once nothing
    /// is held. Capability: AVAILABILITY_RESERVE; the buyer's users or staff
    /// (the seller's users: 403 `out_of_scope`; others 404). 422 naming
    /// `quantity` (not positive or more than held); 409
    /// `reservation_not_active` when it is no longer ACTIVE (released,
    /// expired or confirmed, also by a racing change). Emits QuantityReleased.
    pub async fn release(
        &self,
        actor: &Actor,
        id: Uuid,
        input: Release,
    ) -> Result<Written<Reservation>, RiskError> {
        require(actor, AVAILABILITY_RESERVE)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let row = infra::rows::for_update(tx, reservation::Entity::find_by_id(id))
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("reservation"))?;
                if let Some(own) = tx.actor().partner_id
                    && row.buyer_partner_id != own
                {
                    if row.seller_partner_id == own {
                        return Err(
                            ServiceError::OutOfScope("only the buyer releases its reservation").into(),
                        );
                    }
                    return Err(ServiceError::NotFound("reservation").into());
                }
                if row.status != "ACTIVE" {
                    let message = format!(
                        "the reservation is {}: only an ACTIVE one is released",
                        row.status
                    );
                    return Err(ServiceError::conflict(NOT_ACTIVE, message).into());
                }
                let held = row.held_quantity - row.released_quantity;
                let quantity = match input.quantity {
                    None => held,
                    Some(q) => scaled(q.value())?,
                };
                if quantity <= 0 || quantity > held {
                    let message = format!(
                        "must be above 0 and at most the {} {} still held",
                        Quantity::from_scaled(held),
                        row.held_unit
                    );
                    return Err(ServiceError::field("quantity", &message).into());
                }
                restore(tx, row, quantity, Return::Release).await
            })
        })
        .await
    }
}
