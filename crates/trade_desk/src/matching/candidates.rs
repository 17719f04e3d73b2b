//! The SQL cuts: for a requirement, the availabilities that may fit it; for
//! an availability, the requirements it may fit; each by the indexed rules
//! (commodity, status, expiry, visibility, and unless a run explains
//! itself the place, quantity and price), newest first, at most
//! [`WINDOW`] rows. The exact rules ([`super::rules`]) decide on what the
//! cut lets through.

use chrono::{DateTime, Utc};
use infra::ServiceError;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settings::locations::entity::location;

use super::sides::{Need, Offer};
use crate::availabilities::entity::{allowed_buyer, availability};
use crate::requirements::entity::{delivery_location, invited_seller, requirement};
use crate::requirements::scaled;
use crate::requirements::search::SEARCHED;

/// Most candidates one run weighs.
pub const WINDOW: u64 = 5000;

/// The availabilities that may fit `need` at `now`; `strict` cuts by place, quantity and price too.
pub async fn availabilities<C: ConnectionTrait>(
    db: &C,
    need: &Need,
    now: DateTime<Utc>,
    strict: bool,
) -> Result<Vec<availability::Model>, ServiceError> {
    let r = &need.row;
    let listed = Query::select()
        .column(allowed_buyer::Column::AvailabilityId)
        .from(allowed_buyer::Entity)
        .and_where(allowed_buyer::Column::PartnerId.eq(r.buyer_partner_id))
        .to_owned();
    let mut query = availability::Entity::find()
        .filter(availability::Column::CommodityId.eq(r.commodity_id))
        .filter(availability::Column::Status.eq("ACTIVE"))
        .filter(availability::Column::ExpiresAt.gt(now))
        .filter(availability::Column::SellerPartnerId.ne(r.buyer_partner_id))
        .filter(availability::Column::ApprovalStatus.is_in(["APPROVED", "AUTO_APPROVED"]))
        .filter(
            Condition::any()
                .add(availability::Column::Visibility.eq("PUBLIC"))
                .add(
                    Condition::all()
                        .add(availability::Column::Visibility.eq("RESTRICTED"))
                        .add(availability::Column::Id.in_subquery(listed)),
                ),
        );
    if r.visibility == "RESTRICTED" {
        query = query.filter(availability::Column::SellerPartnerId.is_in(need.invited.iter().copied()));
    }
    if strict {
        if !r.allow_cross_state {
            let ids = need.places.iter().map(|p| p.id);
            let states = need.places.iter().filter_map(|p| p.state_code.clone());
            query = query.filter(
                Condition::any()
                    .add(availability::Column::LocationId.is_in(ids))
                    .add(availability::Column::StateCode.is_in(states)),
            );
        }
        // The total bounds what is available; the exact check reads what is left.
        query = query.filter(
            Condition::any()
                .add(availability::Column::BaseQuantity.gte(scaled(need.least(false))?))
                .add(
                    Condition::all()
                        .add(availability::Column::AllowPartial.eq(true))
                        .add(availability::Column::BaseQuantity.gte(scaled(need.least(true))?)),
                ),
        );
        if let Some(max) = need.max_price {
            query = query.filter(
                Condition::any()
                    .add(availability::Column::BasePrice.is_null())
                    .add(availability::Column::BasePrice.lte(scaled(max)?)),
            );
        }
    }
    Ok(query
        .order_by_desc(availability::Column::CreatedAt)
        .order_by_desc(availability::Column::Id)
        .limit(WINDOW)
        .all(db)
        .await?)
}

/// The requirements `offer` may fit at `now`; `strict` cuts by place, quantity and price too.
pub async fn requirements<C: ConnectionTrait>(
    db: &C,
    offer: &Offer,
    now: DateTime<Utc>,
    strict: bool,
) -> Result<Vec<requirement::Model>, ServiceError> {
    let a = &offer.row;
    let seller = a.seller_partner_id;
    let invited = Query::select()
        .column(invited_seller::Column::RequirementId)
        .from(invited_seller::Entity)
        .and_where(invited_seller::Column::PartnerId.eq(seller))
        .to_owned();
    let mut query = requirement::Entity::find()
        .filter(requirement::Column::CommodityId.eq(a.commodity_id))
        .filter(requirement::Column::Status.is_in(SEARCHED))
        .filter(requirement::Column::ValidUntil.gt(now))
        .filter(requirement::Column::BuyerPartnerId.ne(seller))
        .filter(
            Condition::any()
                .add(requirement::Column::Visibility.ne("RESTRICTED"))
                .add(requirement::Column::Id.in_subquery(invited)),
        );
    if a.visibility == "RESTRICTED" {
        query = query.filter(requirement::Column::BuyerPartnerId.is_in(offer.listed.iter().copied()));
    }
    if strict {
        let mut delivered = Query::select()
            .column((
                delivery_location::Entity,
                delivery_location::Column::RequirementId,
            ))
            .from(delivery_location::Entity)
            .inner_join(
                location::Entity,
                Expr::col((location::Entity, location::Column::Id))
                    .equals((delivery_location::Entity, delivery_location::Column::LocationId)),
            )
            .to_owned();
        let mut at = Condition::any();
        if let Some(l) = a.location_id {
            at = at.add(Expr::col((location::Entity, location::Column::Id)).eq(l));
        }
        if let Some(s) = &a.state_code {
            at = at.add(Expr::col((location::Entity, location::Column::StateCode)).eq(s.clone()));
        }
        if at.is_empty() {
            query = query.filter(requirement::Column::AllowCrossState.eq(true));
        } else {
            delivered.cond_where(at);
            query = query.filter(
                Condition::any()
                    .add(requirement::Column::AllowCrossState.eq(true))
                    .add(requirement::Column::Id.in_subquery(delivered)),
            );
        }
        if !a.allow_partial {
            query = query.filter(requirement::Column::BaseMinQuantity.lte(scaled(offer.available_base)?));
        }
        if let Some(price) = offer.price {
            // `base_max_price` is the maximum's when a maximum is set.
            query = query.filter(
                Condition::any()
                    .add(requirement::Column::MaxPrice.is_null())
                    .add(requirement::Column::BaseMaxPrice.is_null())
                    .add(requirement::Column::BaseMaxPrice.gte(scaled(price)?)),
            );
        }
    }
    Ok(query
        .order_by_desc(requirement::Column::CreatedAt)
        .order_by_desc(requirement::Column::Id)
        .limit(WINDOW)
        .all(db)
        .await?)
}
