//! Reading reservations: one by id (its buyer, its seller, staff; others
//! 404) and a page of the buyer's or the seller's side.

use infra::paging::{Page, PageRequest};
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::ReservationService;
use super::entity::reservation;
use super::model::Reservation;
use crate::availabilities::entity::availability;
use crate::requirements::upper;
use crate::{AVAILABILITY_RESERVE, TRADE_READ};

/// The statuses a list may filter by.
pub const STATUSES: [&str; 4] = ["ACTIVE", "RELEASED", "EXPIRED", "CONFIRMED"];

/// TRADE_READ or AVAILABILITY_RESERVE (403 naming TRADE_READ otherwise).
fn may_read(actor: &Actor) -> Result<(), ServiceError> {
    if actor.can(TRADE_READ) || actor.can(AVAILABILITY_RESERVE) {
        return Ok(());
    }
    Err(ServiceError::Forbidden(TRADE_READ.into()))
}

impl<I: Infra> ReservationService<I> {
    /// Reservation `id` when the caller is its buyer's, its seller's or
    /// staff (404 otherwise). Capability: TRADE_READ or AVAILABILITY_RESERVE.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Reservation, ServiceError> {
        may_read(actor)?;
        let row = reservation::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("reservation"))?;
        if let Some(own) = actor.partner_id
            && row.buyer_partner_id != own
            && row.seller_partner_id != own
        {
            return Err(ServiceError::NotFound("reservation"));
        }
        let version = availability::Entity::find_by_id(row.availability_id)
            .one(self.infra.db())
            .await?
            .map_or(0, |a| a.version);
        Ok(Reservation::of(row, version))
    }

    /// The reservations of one side, oldest first: `side` `buyer` (default)
    /// or `seller` of the caller's partner (staff name `partner_id`, or see
    /// every reservation without one), optionally of one `status`.
    /// Capability: TRADE_READ or AVAILABILITY_RESERVE. 422 naming `side`,
    /// `status`, `limit` or `cursor`.
    pub async fn list(
        &self,
        actor: &Actor,
        side: Option<String>,
        partner_id: Option<Uuid>,
        status: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Reservation>, ServiceError> {
        may_read(actor)?;
        let side = side.map(|s| s.trim().to_ascii_lowercase());
        let seller_side = match side.as_deref() {
            None | Some("buyer") => false,
            Some("seller") => true,
            Some(_) => return Err(ServiceError::field("side", "must be buyer or seller")),
        };
        let partner = match (actor.partner_id, partner_id) {
            (Some(own), None) => Some(own),
            (Some(own), Some(named)) if named == own => Some(own),
            (Some(_), Some(_)) => {
                return Err(ServiceError::OutOfScope(
                    "a partner's user reads its own reservations",
                ));
            }
            (None, named) => named,
        };
        let status = upper(status);
        if let Some(s) = &status
            && !STATUSES.contains(&s.as_str())
        {
            let message = format!("must be one of {}", STATUSES.join(", "));
            return Err(ServiceError::field("status", &message));
        }
        let mut query = reservation::Entity::find()
            .order_by_asc(reservation::Column::Id)
            .limit(page.fetch());
        if let Some(p) = partner {
            query = if seller_side {
                query.filter(reservation::Column::SellerPartnerId.eq(p))
            } else {
                query.filter(reservation::Column::BuyerPartnerId.eq(p))
            };
        }
        if let Some(s) = status {
            query = query.filter(reservation::Column::Status.eq(s));
        }
        if let Some(after) = page.after {
            query = query.filter(reservation::Column::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.availability_id).collect();
        let versions: Vec<(Uuid, i64)> = availability::Entity::find()
            .select_only()
            .column(availability::Column::Id)
            .column(availability::Column::Version)
            .filter(availability::Column::Id.is_in(ids))
            .into_tuple()
            .all(self.infra.db())
            .await?;
        let views = rows
            .into_iter()
            .map(|row| {
                let version = versions
                    .iter()
                    .find(|(id, _)| *id == row.availability_id)
                    .map_or(0, |(_, v)| *v);
                Reservation::of(row, version)
            })
            .collect();
        Ok(Page::from_rows(views, page, |r: &Reservation| r.id))
    }
}
