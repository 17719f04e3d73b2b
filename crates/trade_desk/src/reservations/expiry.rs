//! The expiry job: an ACTIVE reservation past its `expires_at` gives what it
//! still holds back to the availability and the rest of its value back to
//! the buyer's credit, becoming EXPIRED with one ReservationExpired, exactly
//! once however many instances run the job and whatever release races it:
//! the reservation's conditional status change (ACTIVE and unchanged since
//! read) is the guard, so of a release and the expiry exactly one applies.

use infra::write::write;
use infra::{Actor, DomainError, Infra, ServiceError, Written};
use risk::error::RiskError;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::ReservationService;
use super::entity::reservation;
use super::moves::{NOT_ACTIVE, Return, restore};

/// The code of an expiry another run (or a release) made first.
const DONE: &str = "reservation_expired_already";

impl<I: Infra> ReservationService<I> {
    /// Expires every ACTIVE reservation past its `expires_at`; answers how
    /// many this run expired.
    pub async fn expire(&self) -> Result<u64, ServiceError> {
        let now = self.infra.clock().now();
        let due: Vec<Uuid> = reservation::Entity::find()
            .select_only()
            .column(reservation::Column::Id)
            .filter(reservation::Column::Status.eq("ACTIVE"))
            .filter(reservation::Column::ExpiresAt.lt(now))
            .into_tuple()
            .all(self.infra.db())
            .await?;
        let mut expired = 0;
        for id in due {
            match self.expire_one(id).await {
                Ok(()) => expired += 1,
                Err(e) if e.code() == DONE || e.code() == NOT_ACTIVE => {}
                Err(RiskError::Service(e)) => return Err(e),
                Err(e) => return Err(ServiceError::conflict("expiry_refused", e.to_string())),
            }
        }
        Ok(expired)
    }

    /// Expires reservation `id` if it is still ACTIVE and past its expiry.
    pub async fn expire_one(&self, id: Uuid) -> Result<(), RiskError> {
        write(&self.infra, &Actor::system(), move |tx| {
            Box::pin(async move {
                let row = infra::rows::for_update(tx, reservation::Entity::find_by_id(id))
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("reservation"))?;
                if row.status != "ACTIVE" || row.expires_at >= tx.now() {
                    return Err(ServiceError::conflict(DONE, "expired or changed by another run").into());
                }
                let held = row.held_quantity - row.released_quantity;
                restore(tx, row, held, Return::Expiry).await?;
                Ok(())
            })
        })
        .await
        .map(|_: Written<()>| ())
    }
}
