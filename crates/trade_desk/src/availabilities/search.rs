//! The availability search: ACTIVE, unexpired availabilities visible to the
//! caller (a partner's users: PUBLIC, or RESTRICTED listing their partner;
//! staff: every visibility), of sellers not linked to the caller's partner
//! (its own left out too), cut down in SQL by the indexes (commodity +
//! status + state, `base_price`, the place's bounding box), the newest
//! [`crate::search::WINDOW`] ranked by [`crate::search`]. A minimum
//! quantity is cut in SQL by the total base quantity and checked exactly
//! on what is still available.

use chrono::{DateTime, Utc};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError, Validator};
use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settings::commodities::units::Units;
use settings::locations::regions::{Region, STATES};
use uuid::Uuid;

use super::entity::{allowed_buyer, availability};
use super::rules::PRICE_TYPES;
use super::search_input::{AvailabilityHit, AvailabilityHits, AvailabilitySearch};
use super::{AvailabilityService, store};
use crate::AVAILABILITY_READ;
use crate::requirements::{scaled, upper};
use crate::search::body::{Checked, check, place};
use crate::search::geo::{BoundingBox, Point};
use crate::search::{Candidate, Criteria, exclude_linked, rank};

/// An availability as a search candidate.
struct Found {
    row: availability::Model,
    places: Vec<Point>,
}

impl Candidate for Found {
    fn id(&self) -> Uuid {
        self.row.id
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    fn owner(&self) -> Uuid {
        self.row.seller_partner_id
    }
    fn quality_value(&self, code: &str) -> Option<Decimal> {
        self.row.quality.get(code).and_then(crate::quality::number)
    }
    fn base_price(&self) -> Option<Decimal> {
        self.row.base_price.map(infra::money::from_scaled)
    }
    fn places(&self) -> &[Point] {
        &self.places
    }
}

/// The state codes of `region`.
fn states_of(region: Region) -> Vec<&'static str> {
    STATES
        .iter()
        .filter(|(_, _, r)| *r == region)
        .map(|(code, _, _)| *code)
        .collect()
}

impl<I: Infra> AvailabilityService<I> {
    /// Searches availabilities (see the module documentation), best first.
    /// Capability: AVAILABILITY_READ. Every bad filter is a 422 naming it.
    pub async fn search(
        &self,
        actor: &Actor,
        input: AvailabilitySearch,
    ) -> Result<AvailabilityHits, ServiceError> {
        require(actor, AVAILABILITY_READ)?;
        let db = self.infra.db();
        let mut v = Validator::new();
        let Checked {
            commodity,
            units,
            limit,
            after,
            circle,
            quality,
            preferred_price,
            max_price,
            min_base,
        } = check(&self.infra, &input, &mut v).await?;
        v.check(
            input.urgency.is_none(),
            "urgency",
            "filters requirements; availabilities are filtered by price_type",
        );
        let price_type = upper(input.price_type.clone());
        if let Some(p) = &price_type {
            v.check(
                PRICE_TYPES.contains(&p.as_str()),
                "price_type",
                "must be FIXED, MATRIX, NEGOTIABLE or SPOT",
            );
        }
        let (state, region) = place(&mut v, &input);
        v.finish()?;

        let now = self.infra.clock().now();
        let mut query = availability::Entity::find()
            .filter(availability::Column::CommodityId.eq(commodity.id))
            .filter(availability::Column::Status.eq("ACTIVE"))
            .filter(availability::Column::ExpiresAt.gt(now));
        if let Some(s) = state {
            query = query.filter(availability::Column::StateCode.eq(s));
        }
        if let Some(r) = region {
            query = query.filter(availability::Column::StateCode.is_in(states_of(r)));
        }
        if let Some(variety) = input.variety_id {
            query = query.filter(availability::Column::VarietyId.eq(variety));
        }
        if let Some(partner) = actor.partner_id {
            let listed = Query::select()
                .column(allowed_buyer::Column::AvailabilityId)
                .from(allowed_buyer::Entity)
                .and_where(allowed_buyer::Column::PartnerId.eq(partner))
                .to_owned();
            let restricted = Condition::all()
                .add(availability::Column::Visibility.eq("RESTRICTED"))
                .add(availability::Column::Id.in_subquery(listed));
            query = query
                .filter(availability::Column::SellerPartnerId.ne(partner))
                .filter(availability::Column::ApprovalStatus.is_in(["APPROVED", "AUTO_APPROVED"]))
                .filter(
                    Condition::any()
                        .add(availability::Column::Visibility.eq("PUBLIC"))
                        .add(restricted),
                );
        }
        if let Some(p) = price_type {
            query = query.filter(availability::Column::PriceType.eq(p));
        }
        if let Some(q) = min_base {
            query = query.filter(availability::Column::BaseQuantity.gte(scaled(q)?));
        }
        if let Some(m) = max_price {
            let within = Condition::any()
                .add(availability::Column::BasePrice.is_null())
                .add(availability::Column::BasePrice.lte(scaled(m)?));
            query = query.filter(within);
        }
        if let Some(c) = circle {
            let b = BoundingBox::around(c.point, c.radius_km);
            query = query
                .filter(availability::Column::Latitude.between(b.min_lat, b.max_lat))
                .filter(availability::Column::Longitude.between(b.min_lng, b.max_lng));
        }
        let rows = query
            .order_by_desc(availability::Column::CreatedAt)
            .order_by_desc(availability::Column::Id)
            .limit(crate::search::WINDOW)
            .all(db)
            .await?;

        let mut candidates: Vec<Found> = rows
            .into_iter()
            .filter(|row| min_base.is_none_or(|min| still_has(&units, row, min)))
            .map(|row| {
                let places = match (row.latitude, row.longitude) {
                    (Some(lat), Some(lng)) => vec![Point { lat, lng }],
                    _ => Vec::new(),
                };
                Found { row, places }
            })
            .collect();
        if let Some(partner) = actor.partner_id {
            candidates = exclude_linked(db, partner, candidates).await?;
        }
        let criteria = Criteria {
            quality,
            preferred_price,
            max_price,
            near: circle,
        };
        let ranked = rank(candidates, &criteria, after.as_ref(), limit);
        let (scores, rows): (Vec<_>, Vec<_>) = ranked
            .items
            .into_iter()
            .map(|s| ((s.score, s.parts, s.distance_km), s.item.row))
            .unzip();
        let views = store::views(db, rows).await?;
        let items = views
            .into_iter()
            .zip(scores)
            .map(|(availability, (score, parts, distance_km))| AvailabilityHit {
                availability,
                score,
                parts,
                distance_km,
            })
            .collect();
        Ok(AvailabilityHits {
            items,
            next_cursor: ranked.next_cursor,
        })
    }
}

/// Whether `row` still has at least `min_base` base units available.
fn still_has(units: &Units, row: &availability::Model, min_base: Decimal) -> bool {
    let Some(unit) = units.find(&row.unit) else {
        return false;
    };
    let available = infra::money::from_scaled(row.available_quantity);
    crate::requirements::rules::to_base(available, unit.factor) >= min_base
}
