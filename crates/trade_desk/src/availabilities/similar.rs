//! Similar availabilities: ACTIVE, approved, unexpired availabilities of
//! commodities of the same category as the one asked about, visible to the
//! caller, that state at least one quality parameter code it states too.
//!
//! Ranked by overlap, the Jaccard index of the two sets of stated codes
//! (shared / either, 0..1), highest first; then by price per base unit
//! (price / the price unit's factor), lowest first, unpriced last; then
//! newest first. The candidates are the newest [`CANDIDATES`] of the
//! category in SQL (commodity + status index), never the whole table.

use std::collections::BTreeSet;

use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use settings::commodities::entity::commodity;
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::availability;
use super::model::Availability;
use super::reads::visible_to;
use super::{AvailabilityService, store};
use crate::AVAILABILITY_READ;

/// Most candidates read for one answer.
pub const CANDIDATES: u64 = 500;
/// Most answers (default 10).
pub const MAX_LIMIT: u32 = 50;

/// One similar availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarAvailability {
    /// Shared codes / codes either states, 0..1 (a JSON number).
    pub overlap: f64,
    /// The codes both state.
    pub shared_codes: Vec<String>,
    /// Price per base unit, when priced (decimal string).
    pub price_per_base_unit: Option<String>,
    /// The availability.
    pub availability: Availability,
}

fn codes(a: &Availability) -> BTreeSet<String> {
    a.quality
        .as_object()
        .map(|q| q.keys().cloned().collect())
        .unwrap_or_default()
}

fn per_base(units: &Units, a: &Availability) -> Option<Decimal> {
    let price = a.price?.value();
    let factor = units.find(a.price_unit.as_deref()?)?.factor;
    (!factor.is_zero()).then(|| (price / factor).round_dp(4))
}

impl<I: Infra> AvailabilityService<I> {
    /// The availabilities similar to `id` (404 unless the caller sees it),
    /// at most `limit` (1 to 50, default 10; 422 naming `limit`), ranked as
    /// the module says. Capability: AVAILABILITY_READ.
    pub async fn similar(
        &self,
        actor: &Actor,
        id: Uuid,
        limit: Option<u32>,
    ) -> Result<Vec<SimilarAvailability>, ServiceError> {
        require(actor, AVAILABILITY_READ)?;
        let limit = limit.unwrap_or(10);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ServiceError::field("limit", "must lie within 1..50"));
        }
        let (_, origin) = self.visible(actor, id).await?;
        let db = self.infra.db();
        let category = commodity::Entity::find_by_id(origin.commodity_id)
            .one(db)
            .await?
            .map(|c| c.category)
            .unwrap_or_default();
        let kin: Vec<Uuid> = commodity::Entity::find()
            .select_only()
            .column(commodity::Column::Id)
            .filter(commodity::Column::Category.eq(category))
            .into_tuple()
            .all(db)
            .await?;
        let rows = availability::Entity::find()
            .filter(availability::Column::CommodityId.is_in(kin))
            .filter(availability::Column::Status.eq("ACTIVE"))
            .filter(availability::Column::ApprovalStatus.is_in(["APPROVED", "AUTO_APPROVED"]))
            .filter(availability::Column::ExpiresAt.gt(self.infra.clock().now()))
            .filter(availability::Column::Id.ne(id))
            .order_by_desc(availability::Column::Id)
            .limit(CANDIDATES)
            .all(db)
            .await?;
        let views = store::views(db, rows.clone()).await?;
        let units = Units::load(&self.infra).await?;
        let mine = codes(&origin);
        let mut found: Vec<(SimilarAvailability, Option<Decimal>)> = rows
            .iter()
            .zip(views)
            .filter(|(row, view)| visible_to(actor.partner_id, row, &view.allowed_buyer_ids))
            .filter_map(|(_, view)| {
                let theirs = codes(&view);
                let shared: Vec<String> = mine.intersection(&theirs).cloned().collect();
                if shared.is_empty() {
                    return None;
                }
                let either = mine.union(&theirs).count();
                let overlap = Decimal::from(shared.len()) / Decimal::from(either);
                let price = per_base(&units, &view);
                let answer = SimilarAvailability {
                    overlap: overlap.round_dp(4).to_f64().unwrap_or_default(),
                    shared_codes: shared,
                    price_per_base_unit: price.map(|p| p.normalize().to_string()),
                    availability: view,
                };
                Some((answer, price))
            })
            .collect();
        found.sort_by(|(a, pa), (b, pb)| {
            b.overlap
                .total_cmp(&a.overlap)
                .then_with(|| match (pa, pb) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then_with(|| b.availability.id.cmp(&a.availability.id))
        });
        Ok(found.into_iter().take(limit as usize).map(|(a, _)| a).collect())
    }
}
