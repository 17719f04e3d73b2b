//! Reading trades: one by id (its buyer, its seller, staff; others 404) and
//! a page of them, newest number last (ordered by id).

use infra::paging::{Page, PageRequest};
use infra::{Actor, Infra, ServiceError};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::TradeService;
use super::entity::trade;
use super::model::{Trade, TradeFilter};
use crate::TRADE_READ;
use crate::requirements::upper;

/// The statuses a list may filter by.
pub const STATUSES: [&str; 3] = ["CONFIRMED", "SETTLED", "CANCELLED"];

impl<I: Infra> TradeService<I> {
    /// Trade `id` when the caller is its buyer's, its seller's or staff
    /// (404 otherwise). Capability: TRADE_READ.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Trade, ServiceError> {
        self.row(actor, id).await.map(Trade::of)
    }

    /// The row of trade `id` the caller may read (see [`Self::get`]).
    pub(crate) async fn row(&self, actor: &Actor, id: Uuid) -> Result<trade::Model, ServiceError> {
        infra::service_error::require(actor, TRADE_READ)?;
        let row = trade::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("trade"))?;
        if let Some(own) = actor.partner_id
            && row.buyer_partner_id != own
            && row.seller_partner_id != own
        {
            return Err(ServiceError::NotFound("trade"));
        }
        Ok(row)
    }

    /// A page of trades, oldest first: a partner's user sees its partner's
    /// (`side` `buyer` or `seller`, default both); staff see every trade,
    /// or one partner's (`partner_id`, either side or `side`). Filters:
    /// `commodity_id`, `status`, confirmed `from` / `to` (business dates,
    /// inclusive). Capability: TRADE_READ. 422 naming `side`, `status`,
    /// `to` (before `from`), `limit` or `cursor`; a partner's user naming
    /// another partner is 403 `out_of_scope`.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: TradeFilter,
        page: PageRequest,
    ) -> Result<Page<Trade>, ServiceError> {
        infra::service_error::require(actor, TRADE_READ)?;
        let side = filter.side.map(|s| s.trim().to_ascii_lowercase());
        if let Some(s) = side.as_deref()
            && s != "buyer"
            && s != "seller"
        {
            return Err(ServiceError::field("side", "must be buyer or seller"));
        }
        let partner = match (actor.partner_id, filter.partner_id) {
            (Some(own), None) => Some(own),
            (Some(own), Some(named)) if named == own => Some(own),
            (Some(_), Some(_)) => {
                return Err(ServiceError::OutOfScope("a partner's user reads its own trades"));
            }
            (None, named) => named,
        };
        let status = upper(filter.status);
        if let Some(s) = &status
            && !STATUSES.contains(&s.as_str())
        {
            return Err(ServiceError::field(
                "status",
                &format!("must be one of {}", STATUSES.join(", ")),
            ));
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to < from
        {
            return Err(ServiceError::field("to", "must not be before from"));
        }
        use trade::Column as T;
        let mut query = trade::Entity::find().order_by_asc(T::Id).limit(page.fetch());
        if let Some(p) = partner {
            query = query.filter(match side.as_deref() {
                Some("buyer") => Condition::all().add(T::BuyerPartnerId.eq(p)),
                Some("seller") => Condition::all().add(T::SellerPartnerId.eq(p)),
                _ => Condition::any()
                    .add(T::BuyerPartnerId.eq(p))
                    .add(T::SellerPartnerId.eq(p)),
            });
        }
        if let Some(c) = filter.commodity_id {
            query = query.filter(T::CommodityId.eq(c));
        }
        if let Some(s) = status {
            query = query.filter(T::Status.eq(s));
        }
        if let Some(from) = filter.from {
            query = query.filter(T::BusinessDate.gte(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(T::BusinessDate.lte(to));
        }
        if let Some(after) = page.after {
            query = query.filter(T::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        let views = rows.into_iter().map(Trade::of).collect();
        Ok(Page::from_rows(views, page, |t: &Trade| t.id))
    }
}
