//! The requirement search: ACTIVE and PARTIALLY_FULFILLED requirements
//! (both still want quantity), unexpired, visible to the caller (a
//! partner's users: PUBLIC, or RESTRICTED inviting their partner; staff:
//! all), of buyers not linked to the caller's partner (its own left out
//! too), cut down in SQL by the indexes (commodity + status + validity,
//! price per base unit, delivery location state / region / bounding box),
//! the newest [`crate::search::WINDOW`] ranked by [`crate::search`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError, Validator};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use settings::commodities::units::Units;
use settings::locations::entity::location;
use uuid::Uuid;

use super::entity::{delivery_location, invited_seller, requirement};
use super::search_input::{RequirementHit, RequirementHits, RequirementSearch};
use super::{RequirementService, store, upper};
use crate::REQUIREMENT_READ;
use crate::search::body::{Checked, check, place};
use crate::search::fit::Range;
use crate::search::geo::{BoundingBox, Point};
use crate::search::{Candidate, Criteria, exclude_linked, rank};

/// The statuses a search finds.
pub const SEARCHED: [&str; 2] = ["ACTIVE", "PARTIALLY_FULFILLED"];

/// A requirement as a search candidate.
struct Found {
    row: requirement::Model,
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
        self.row.buyer_partner_id
    }
    /// The preferred value asked, else the middle of the range, else its one bound.
    fn quality_value(&self, code: &str) -> Option<Decimal> {
        let asked = self.row.quality.get(code)?;
        let read = |key: &str| asked.get(key).and_then(crate::quality::number);
        match (read("preferred"), read("min"), read("max")) {
            (Some(p), _, _) => Some(p),
            (None, Some(lo), Some(hi)) => Some((lo + hi) / Decimal::TWO),
            (None, lo, hi) => lo.or(hi),
        }
    }
    fn base_price(&self) -> Option<Decimal> {
        self.row.base_max_price.map(infra::money::from_scaled)
    }
    fn places(&self) -> &[Point] {
        &self.places
    }
}

/// The quality ranges of `input`, each code a parameter of the commodity (422 naming `quality.<code>`).
pub(crate) fn ranges(
    v: &mut Validator,
    codes: &[String],
    input: &serde_json::Map<String, Value>,
) -> BTreeMap<String, Range> {
    let mut out = BTreeMap::new();
    for (code, asked) in input {
        let field = format!("quality.{code}");
        if !codes.contains(code) {
            v.check(false, &field, "is not a quality parameter of this commodity");
            continue;
        }
        let Some(asked) = asked.as_object() else {
            v.check(false, &field, "must be an object {min, max, preferred}");
            continue;
        };
        let mut range = Range::default();
        for (key, value) in asked {
            let n = crate::quality::number(value);
            v.check(
                n.is_some(),
                &format!("{field}.{key}"),
                "must be a number, at most 4 places",
            );
            match key.as_str() {
                "min" => range.min = n,
                "max" => range.max = n,
                "preferred" => range.preferred = n,
                _ => {
                    v.check(false, &format!("{field}.{key}"), "is not min, max or preferred");
                }
            }
        }
        if let (Some(lo), Some(hi)) = (range.min, range.max) {
            v.check(lo <= hi, &format!("{field}.max"), "must not be below min");
        }
        out.insert(code.clone(), range);
    }
    out
}

/// Unit `unit` when it measures `base` (422 naming `field` otherwise).
pub(crate) fn converted(
    v: &mut Validator,
    units: &Units,
    base: &str,
    field: &str,
    unit: &str,
) -> Option<settings::commodities::units::Unit> {
    match units.find(unit) {
        Some(u) if u.base_unit == base => Some(u.clone()),
        _ => {
            v.check(
                false,
                field,
                &format!("must be a unit of the commodity's base {base}"),
            );
            None
        }
    }
}

impl<I: Infra> RequirementService<I> {
    /// Searches requirements (see the module documentation), best first.
    /// Capability: REQUIREMENT_READ. Every bad filter is a 422 naming it.
    pub async fn search(
        &self,
        actor: &Actor,
        input: RequirementSearch,
    ) -> Result<RequirementHits, ServiceError> {
        require(actor, REQUIREMENT_READ)?;
        let db = self.infra.db();
        let mut v = Validator::new();
        let Checked {
            commodity,
            units: _,
            limit,
            after,
            circle,
            quality,
            preferred_price,
            max_price,
            min_base,
        } = check(&self.infra, &input, &mut v).await?;
        v.check(
            input.price_type.is_none(),
            "price_type",
            "filters availabilities; requirements are filtered by urgency",
        );
        let urgency = upper(input.urgency.clone());
        if let Some(u) = &urgency {
            v.check(
                super::rules::URGENCIES.contains(&u.as_str()),
                "urgency",
                "must be URGENT, NORMAL or PLANNING",
            );
        }
        let (state, region) = place(&mut v, &input);
        v.finish()?;

        let now = self.infra.clock().now();
        let mut query = requirement::Entity::find()
            .filter(requirement::Column::CommodityId.eq(commodity.id))
            .filter(requirement::Column::Status.is_in(SEARCHED))
            .filter(requirement::Column::ValidUntil.gt(now));
        if let Some(variety) = input.variety_id {
            query = query.filter(requirement::Column::VarietyId.eq(variety));
        }
        if let Some(partner) = actor.partner_id {
            let invited = Query::select()
                .column(invited_seller::Column::RequirementId)
                .from(invited_seller::Entity)
                .and_where(invited_seller::Column::PartnerId.eq(partner))
                .to_owned();
            let restricted = Condition::all()
                .add(requirement::Column::Visibility.eq("RESTRICTED"))
                .add(requirement::Column::Id.in_subquery(invited));
            query = query
                .filter(requirement::Column::BuyerPartnerId.ne(partner))
                .filter(
                    Condition::any()
                        .add(requirement::Column::Visibility.eq("PUBLIC"))
                        .add(restricted),
                );
        }
        if let Some(u) = urgency {
            query = query.filter(requirement::Column::Urgency.eq(u));
        }
        if let Some(q) = min_base {
            query = query.filter(requirement::Column::BaseMaxQuantity.gte(super::scaled(q)?));
        }
        if let Some(m) = max_price {
            let within = Condition::any()
                .add(requirement::Column::BaseMaxPrice.is_null())
                .add(requirement::Column::BaseMaxPrice.lte(super::scaled(m)?));
            query = query.filter(within);
        }
        if state.is_some() || region.is_some() || circle.is_some() {
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
            if let Some(s) = state {
                let by_name = Expr::expr(Func::upper(Expr::col((
                    location::Entity,
                    location::Column::State,
                ))))
                .eq(s.clone());
                delivered.and_where(
                    Expr::col((location::Entity, location::Column::StateCode))
                        .eq(s)
                        .or(by_name),
                );
            }
            if let Some(r) = region {
                delivered.and_where(Expr::col((location::Entity, location::Column::Region)).eq(r.as_str()));
            }
            if let Some(c) = circle {
                let b = BoundingBox::around(c.point, c.radius_km);
                delivered
                    .and_where(
                        Expr::col((location::Entity, location::Column::Latitude))
                            .between(b.min_lat, b.max_lat),
                    )
                    .and_where(
                        Expr::col((location::Entity, location::Column::Longitude))
                            .between(b.min_lng, b.max_lng),
                    );
            }
            query = query.filter(requirement::Column::Id.in_subquery(delivered));
        }
        let rows = query
            .order_by_desc(requirement::Column::CreatedAt)
            .order_by_desc(requirement::Column::Id)
            .limit(crate::search::WINDOW)
            .all(db)
            .await?;

        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut delivered = super::places::places(db, &ids).await?;
        let mut candidates: Vec<Found> = rows
            .into_iter()
            .map(|row| {
                let places = delivered
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| p.point)
                    .collect();
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
            .map(|(requirement, (score, parts, distance_km))| RequirementHit {
                requirement,
                score,
                parts,
                distance_km,
            })
            .collect();
        Ok(RequirementHits {
            items,
            next_cursor: ranked.next_cursor,
        })
    }
}
