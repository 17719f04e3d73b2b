//! Demand statistics of a commodity over the last N days (DOMAIN.md,
//! "Trade desk"): the requirements created in that time and published
//! (ACTIVE, PARTIALLY_FULFILLED, FULFILLED or EXPIRED: drafts and
//! cancelled ones are no demand), counted, their quantity summed and
//! averaged (the most each wants, `max_quantity`, in the commodity's base
//! unit) and their highest price per base unit averaged (over those naming
//! a price), in total and by urgency. Aggregates in SQL, one grouped query.

use chrono::{DateTime, Duration, Utc};
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use settings::commodities::entity::commodity;
use uuid::Uuid;

use super::RequirementService;
use super::entity::requirement;
use super::rules::URGENCIES;
use crate::REQUIREMENT_READ;

/// The statuses counted as demand.
pub const DEMAND: [&str; 4] = ["ACTIVE", "PARTIALLY_FULFILLED", "FULFILLED", "EXPIRED"];
/// Days counted when the caller names none.
pub const DEFAULT_DAYS: i64 = 30;
/// Most days counted.
pub const MAX_DAYS: i64 = 365;

/// The figures of a set of requirements; decimals as strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// How many.
    pub count: i64,
    /// Their `max_quantity` summed, in the base unit.
    pub total_quantity: String,
    /// The mean `max_quantity`, base unit, 4 places (absent without any).
    pub average_quantity: Option<String>,
    /// The mean highest price per base unit of those naming one, 4 places.
    pub average_max_price: Option<String>,
}

/// The demand for one commodity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemandStatistics {
    /// The commodity.
    pub commodity_id: Uuid,
    /// Days counted back from now.
    pub days: i64,
    /// The earliest creation time counted.
    pub since: DateTime<Utc>,
    /// The unit of the quantities and the prices' unit (the commodity's base).
    pub unit: String,
    /// Every requirement counted.
    pub total: Figures,
    /// By urgency: URGENT, NORMAL, PLANNING (each present, zero when none).
    pub by_urgency: std::collections::BTreeMap<String, Figures>,
}

fn mean(sum: Decimal, n: i64) -> Option<String> {
    (n > 0).then(|| {
        (sum / Decimal::from(n))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string()
    })
}

/// One urgency's row: urgency, count, quantity sum, price sum, priced count.
type Group = (String, i64, Option<i64>, Option<i64>, i64);

#[derive(Default)]
struct Sums {
    count: i64,
    quantity: i64,
    price: i64,
    priced: i64,
}

impl Sums {
    fn figures(&self) -> Figures {
        let quantity = infra::money::from_scaled(self.quantity);
        Figures {
            count: self.count,
            total_quantity: quantity.normalize().to_string(),
            average_quantity: mean(quantity, self.count),
            average_max_price: mean(infra::money::from_scaled(self.price), self.priced),
        }
    }
}

impl<I: Infra> RequirementService<I> {
    /// The demand for `commodity_id` over the last `days` (1 to 365,
    /// default 30; 422 naming `days`). Capability: REQUIREMENT_READ.
    pub async fn demand(
        &self,
        actor: &Actor,
        commodity_id: Uuid,
        days: Option<i64>,
    ) -> Result<DemandStatistics, ServiceError> {
        require(actor, REQUIREMENT_READ)?;
        let days = days.unwrap_or(DEFAULT_DAYS);
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(ServiceError::field("days", "must be 1 to 365"));
        }
        let db = self.infra.db();
        let commodity = commodity::Entity::find_by_id(commodity_id)
            .one(db)
            .await?
            .filter(|c| c.deleted_at.is_none())
            .ok_or(ServiceError::NotFound("commodity"))?;
        let since = self.infra.clock().now() - Duration::days(days);
        let groups: Vec<Group> = requirement::Entity::find()
            .select_only()
            .column(requirement::Column::Urgency)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .column_as(Expr::cust("CAST(SUM(base_max_quantity) AS BIGINT)"), "quantity")
            .column_as(Expr::cust("CAST(SUM(base_max_price) AS BIGINT)"), "price")
            .column_as(Expr::cust("COUNT(base_max_price)"), "priced")
            .filter(requirement::Column::CommodityId.eq(commodity_id))
            .filter(requirement::Column::Status.is_in(DEMAND))
            .filter(requirement::Column::CreatedAt.gte(since))
            .group_by(requirement::Column::Urgency)
            .into_tuple()
            .all(db)
            .await?;
        let mut total = Sums::default();
        let mut by_urgency = std::collections::BTreeMap::new();
        for urgency in URGENCIES {
            let sums = groups
                .iter()
                .find(|g| g.0 == urgency)
                .map(|(_, n, q, p, priced)| Sums {
                    count: *n,
                    quantity: q.unwrap_or(0),
                    price: p.unwrap_or(0),
                    priced: *priced,
                })
                .unwrap_or_default();
            total.count += sums.count;
            total.quantity += sums.quantity;
            total.price += sums.price;
            total.priced += sums.priced;
            by_urgency.insert(urgency.to_owned(), sums.figures());
        }
        Ok(DemandStatistics {
            commodity_id,
            days,
            since,
            unit: commodity.base_unit,
            total: total.figures(),
            by_urgency,
        })
    }
}
