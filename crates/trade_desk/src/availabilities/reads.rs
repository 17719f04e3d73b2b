//! Reading availabilities: one by id as its visibility allows, and a
//! seller's own, a page at a time.

use infra::paging::{Page, PageRequest};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::AvailabilityService;
use super::entity::availability;
use super::model::Availability;
use super::store::{self, approved};
use crate::AVAILABILITY_READ;

/// Whether a partner's user of `partner` sees `row` with its listed
/// `buyers`: its own always; another's only once approved, PUBLIC to all,
/// RESTRICTED to the listed buyers, PRIVATE and INTERNAL to none. Staff
/// (no partner) see every availability.
pub fn visible_to(partner: Option<Uuid>, row: &availability::Model, buyers: &[Uuid]) -> bool {
    let Some(partner) = partner else { return true };
    if row.seller_partner_id == partner {
        return true;
    }
    if !approved(row) {
        return false;
    }
    match row.visibility.as_str() {
        "PUBLIC" => true,
        "RESTRICTED" => buyers.contains(&partner),
        _ => false,
    }
}

/// The statuses a list may filter by.
pub const STATUSES: [&str; 6] = ["DRAFT", "ACTIVE", "RESERVED", "SOLD", "EXPIRED", "CANCELLED"];

impl<I: Infra> AvailabilityService<I> {
    /// The row and view of availability `id` if `actor` sees it (404 otherwise).
    pub(crate) async fn visible(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(availability::Model, Availability), ServiceError> {
        let row = availability::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("availability"))?;
        let view = store::view(self.infra.db(), row.clone()).await?;
        if !visible_to(actor.partner_id, &row, &view.allowed_buyer_ids) {
            return Err(ServiceError::NotFound("availability"));
        }
        Ok((row, view))
    }

    /// Availability `id` if the caller sees it (404 otherwise). Capability: AVAILABILITY_READ.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Availability, ServiceError> {
        require(actor, AVAILABILITY_READ)?;
        Ok(self.visible(actor, id).await?.1)
    }

    /// The availabilities of the caller's partner (staff name
    /// `seller_partner_id`, 422 otherwise), oldest first, optionally of one
    /// `status`. Capability: AVAILABILITY_READ.
    pub async fn mine(
        &self,
        actor: &Actor,
        seller_partner_id: Option<Uuid>,
        status: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Availability>, ServiceError> {
        require(actor, AVAILABILITY_READ)?;
        let seller = crate::acting::acting_for(actor, seller_partner_id, "seller_partner_id")?;
        let status = crate::requirements::upper(status);
        if let Some(s) = &status
            && !STATUSES.contains(&s.as_str())
        {
            return Err(ServiceError::field(
                "status",
                &format!("must be one of {}", STATUSES.join(", ")),
            ));
        }
        let mut query = availability::Entity::find()
            .filter(availability::Column::SellerPartnerId.eq(seller))
            .order_by_asc(availability::Column::Id)
            .limit(page.fetch());
        if let Some(s) = status {
            query = query.filter(availability::Column::Status.eq(s));
        }
        if let Some(after) = page.after {
            query = query.filter(availability::Column::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        let views = store::views(self.infra.db(), rows).await?;
        Ok(Page::from_rows(views, page, |r| r.id))
    }
}
