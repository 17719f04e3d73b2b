//! Reading requirements: one by id as its visibility allows, and a
//! partner's own, a page at a time.

use infra::paging::{Page, PageRequest};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::requirement;
use super::model::Requirement;
use super::{RequirementService, store};
use crate::REQUIREMENT_READ;

/// Whether a partner's user of `partner` sees `row` with its invited
/// `sellers`: its own always; another's only once published, PUBLIC to
/// all, RESTRICTED to the invited. Staff see every requirement.
pub fn visible_to(partner: Option<Uuid>, row: &requirement::Model, sellers: &[Uuid]) -> bool {
    let Some(partner) = partner else { return true };
    if row.buyer_partner_id == partner {
        return true;
    }
    if row.status == "DRAFT" {
        return false;
    }
    match row.visibility.as_str() {
        "PUBLIC" => true,
        "RESTRICTED" => sellers.contains(&partner),
        _ => false,
    }
}

/// The statuses a list may filter by.
pub const STATUSES: [&str; 6] = [
    "DRAFT",
    "ACTIVE",
    "PARTIALLY_FULFILLED",
    "FULFILLED",
    "EXPIRED",
    "CANCELLED",
];

impl<I: Infra> RequirementService<I> {
    /// Requirement `id` if the caller sees it (404 otherwise). Capability: REQUIREMENT_READ.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Requirement, ServiceError> {
        require(actor, REQUIREMENT_READ)?;
        let row = requirement::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("requirement"))?;
        let view = store::view(self.infra.db(), row.clone()).await?;
        if !visible_to(actor.partner_id, &row, &view.invited_seller_ids) {
            return Err(ServiceError::NotFound("requirement"));
        }
        Ok(view)
    }

    /// The requirements of the caller's partner (staff name `buyer_partner_id`,
    /// 422 otherwise), oldest first, optionally of one `status`. Capability: REQUIREMENT_READ.
    pub async fn mine(
        &self,
        actor: &Actor,
        buyer_partner_id: Option<Uuid>,
        status: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Requirement>, ServiceError> {
        require(actor, REQUIREMENT_READ)?;
        let buyer = crate::acting::acting_for(actor, buyer_partner_id, "buyer_partner_id")?;
        let status = super::upper(status);
        if let Some(s) = &status
            && !STATUSES.contains(&s.as_str())
        {
            return Err(ServiceError::field(
                "status",
                &format!("must be one of {}", STATUSES.join(", ")),
            ));
        }
        let mut query = requirement::Entity::find()
            .filter(requirement::Column::BuyerPartnerId.eq(buyer))
            .order_by_asc(requirement::Column::Id)
            .limit(page.fetch());
        if let Some(s) = status {
            query = query.filter(requirement::Column::Status.eq(s));
        }
        if let Some(after) = page.after {
            query = query.filter(requirement::Column::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        let views = store::views(self.infra.db(), rows).await?;
        Ok(Page::from_rows(views, page, |r| r.id))
    }
}
