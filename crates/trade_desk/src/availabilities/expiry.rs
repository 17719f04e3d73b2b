//! The expiry job: a DRAFT (awaiting approval), ACTIVE or RESERVED
//! availability past its `expires_at` becomes EXPIRED, once, with one
//! AvailabilityExpired, whichever instance runs the job and however often
//! (each change re-reads the row under its lock and changes it only while it
//! is still live). Rejected ones are left as they are.

use infra::write::write;
use infra::{Actor, DomainError, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::changes::CANCELLABLE;
use super::entity::availability;
use super::{AvailabilityService, store};
use crate::events;

/// The code of an expiry another run made first (nothing to do).
const DONE: &str = "availability_expired_already";

fn live(row: &availability::Model) -> bool {
    CANCELLABLE.contains(&row.status.as_str()) && row.approval_status != "REJECTED"
}

impl<I: Infra> AvailabilityService<I> {
    /// Expires every live availability past its `expires_at`; answers how
    /// many this run expired.
    pub async fn expire(&self) -> Result<u64, ServiceError> {
        let now = self.infra.clock().now();
        let due: Vec<Uuid> = availability::Entity::find()
            .select_only()
            .column(availability::Column::Id)
            .filter(availability::Column::Status.is_in(CANCELLABLE))
            .filter(availability::Column::ApprovalStatus.ne("REJECTED"))
            .filter(availability::Column::ExpiresAt.lt(now))
            .into_tuple()
            .all(self.infra.db())
            .await?;
        let mut expired = 0;
        for id in due {
            let result = write(&self.infra, &Actor::system(), move |tx| {
                Box::pin(async move {
                    let row = infra::rows::for_update(tx, availability::Entity::find_by_id(id))
                        .one(tx.db())
                        .await?
                        .ok_or(ServiceError::NotFound("availability"))?;
                    if !live(&row) || row.expires_at >= tx.now() {
                        return Err(ServiceError::conflict(DONE, "expired or changed by another run"));
                    }
                    let previous = row.status.clone();
                    let mut next = row;
                    next.status = "EXPIRED".into();
                    let next = infra::rows::save(tx, next).await?;
                    let buyers = store::buyers(tx.db(), id).await?;
                    let extra = json!({ "previous": previous, "expires_at": next.expires_at });
                    store::record(
                        tx,
                        events::AVAILABILITY_EXPIRED,
                        "availability.expire",
                        &next,
                        &buyers,
                        extra,
                    )
                    .await?;
                    Ok(())
                })
            })
            .await;
            match result {
                Ok(_) => expired += 1,
                Err(e) if e.code() == DONE => {}
                Err(e) => return Err(e),
            }
        }
        Ok(expired)
    }
}
