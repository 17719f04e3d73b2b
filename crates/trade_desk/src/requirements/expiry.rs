//! The expiry job: a DRAFT, ACTIVE or PARTIALLY_FULFILLED requirement whose
//! validity has passed becomes EXPIRED, once, with one RequirementExpired,
//! whichever instance runs the job and however often (each change re-reads
//! the row under its lock and changes it only while it is still live).

use infra::write::write;
use infra::{Actor, DomainError, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::RequirementService;
use super::changes::{CANCELLABLE, transition};
use super::entity::requirement;
use crate::events;

/// The code of an expiry another run made first (nothing to do).
const DONE: &str = "requirement_expired_already";

impl<I: Infra> RequirementService<I> {
    /// Expires every live requirement past its `valid_until`; answers how
    /// many this run expired.
    pub async fn expire(&self) -> Result<u64, ServiceError> {
        let now = self.infra.clock().now();
        let due: Vec<Uuid> = requirement::Entity::find()
            .select_only()
            .column(requirement::Column::Id)
            .filter(requirement::Column::Status.is_in(CANCELLABLE))
            .filter(requirement::Column::ValidUntil.lt(now))
            .into_tuple()
            .all(self.infra.db())
            .await?;
        let mut expired = 0;
        for id in due {
            let result = write(&self.infra, &Actor::system(), move |tx| {
                Box::pin(async move {
                    let row = infra::rows::for_update(tx, requirement::Entity::find_by_id(id))
                        .one(tx.db())
                        .await?
                        .ok_or(ServiceError::NotFound("requirement"))?;
                    if !CANCELLABLE.contains(&row.status.as_str()) || row.valid_until >= tx.now() {
                        return Err(ServiceError::conflict(DONE, "expired or changed by another run"));
                    }
                    let previous = row.status.clone();
                    let mut next = row;
                    next.status = "EXPIRED".into();
                    let next = infra::rows::save(tx, next).await?;
                    let extra = json!({ "previous": previous, "valid_until": next.valid_until });
                    transition(
                        tx,
                        events::REQUIREMENT_EXPIRED,
                        "requirement.expire",
                        &next,
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
