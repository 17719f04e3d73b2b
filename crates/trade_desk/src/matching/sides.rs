//! The two sides of a pair as matching reads them: a requirement with its
//! delivery places, invited sellers and figures per base unit ([`Need`]);
//! an availability with its listed buyers and figures per base unit
//! ([`Offer`]). Loaded in one query per table for any number of rows.

use std::collections::HashMap;

use infra::ServiceError;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use settings::commodities::units::Units;
use uuid::Uuid;

use crate::availabilities::entity::{allowed_buyer, availability};
use crate::requirements::entity::{invited_seller, requirement};
use crate::requirements::precheck::per_base_unit;
use crate::requirements::rules::to_base;
use crate::search::geo::Point;

pub use crate::requirements::places::{Place, places};

/// A requirement with what matching reads of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Need {
    /// The row.
    pub row: requirement::Model,
    /// Its delivery locations.
    pub places: Vec<Place>,
    /// Its invited sellers (a RESTRICTED one).
    pub invited: Vec<Uuid>,
    /// The least quantity, base units.
    pub min_base: Decimal,
    /// The preferred quantity, base units.
    pub preferred_base: Decimal,
    /// The highest price per base unit (`max_price` only).
    pub max_price: Option<Decimal>,
    /// The preferred price per base unit.
    pub preferred_price: Option<Decimal>,
    /// What is left of the total budget, INR.
    pub budget_left: Option<Decimal>,
}

impl Need {
    /// The need of `row` with its `places` and `invited` sellers.
    pub fn of(row: requirement::Model, places: Vec<Place>, invited: Vec<Uuid>, units: &Units) -> Self {
        let factor = units.find(&row.unit).map_or(Decimal::ONE, |u| u.factor);
        let money = infra::money::from_scaled;
        let per_base = |p: Option<i64>| {
            let unit = row.price_unit.as_deref()?;
            per_base_unit(units, money(p?), unit)
        };
        Self {
            min_base: money(row.base_min_quantity),
            preferred_base: to_base(money(row.preferred_quantity), factor),
            max_price: per_base(row.max_price),
            preferred_price: per_base(row.preferred_price),
            budget_left: row
                .total_budget
                .map(|b| (money(b) - money(row.spent_amount)).max(Decimal::ZERO)),
            row,
            places,
            invited,
        }
    }

    /// The least base quantity an availability must hold: the minimum, or
    /// 10 % of the preferred for one sold in part (whichever is less).
    pub fn least(&self, partial: bool) -> Decimal {
        if partial {
            self.min_base.min(self.preferred_base / Decimal::TEN)
        } else {
            self.min_base
        }
    }
}

/// An availability with what matching reads of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// The row.
    pub row: availability::Model,
    /// Its listed buyers (a RESTRICTED one).
    pub listed: Vec<Uuid>,
    /// What is available, base units.
    pub available_base: Decimal,
    /// The least one order takes, base units.
    pub min_order_base: Decimal,
    /// The price per base unit.
    pub price: Option<Decimal>,
}

impl Offer {
    /// The offer of `row` with its `listed` buyers.
    pub fn of(row: availability::Model, listed: Vec<Uuid>, units: &Units) -> Self {
        let factor = units.find(&row.unit).map_or(Decimal::ONE, |u| u.factor);
        let money = infra::money::from_scaled;
        Self {
            available_base: to_base(money(row.available_quantity), factor),
            min_order_base: row
                .min_order_quantity
                .map_or(Decimal::ZERO, |m| to_base(money(m), factor)),
            price: row.base_price.map(money),
            row,
            listed,
        }
    }

    /// Where the goods lie, when known.
    pub fn point(&self) -> Option<Point> {
        match (self.row.latitude, self.row.longitude) {
            (Some(lat), Some(lng)) => Some(Point { lat, lng }),
            _ => None,
        }
    }
}

/// The invited sellers of requirements `ids`, one query.
pub async fn invited<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, ServiceError> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = invited_seller::Entity::find()
        .filter(invited_seller::Column::RequirementId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for r in rows {
        out.entry(r.requirement_id).or_default().push(r.partner_id);
    }
    Ok(out)
}

/// The listed buyers of availabilities `ids`, one query.
pub async fn listed<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, ServiceError> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = allowed_buyer::Entity::find()
        .filter(allowed_buyer::Column::AvailabilityId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for r in rows {
        out.entry(r.availability_id).or_default().push(r.partner_id);
    }
    Ok(out)
}

/// The needs of requirement `rows`, their places and invited sellers read in one query each.
pub async fn needs<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    rows: Vec<requirement::Model>,
) -> Result<Vec<Need>, ServiceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let (mut places, mut invited) = (places(db, &ids).await?, invited(db, &ids).await?);
    Ok(rows
        .into_iter()
        .map(|row| {
            let (p, i) = (
                places.remove(&row.id).unwrap_or_default(),
                invited.remove(&row.id).unwrap_or_default(),
            );
            Need::of(row, p, i, units)
        })
        .collect())
}

/// The offers of availability `rows`, the listed buyers of the RESTRICTED
/// ones read in one query (no other availability lists buyers).
pub async fn offers<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    rows: Vec<availability::Model>,
) -> Result<Vec<Offer>, ServiceError> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.visibility == "RESTRICTED")
        .map(|r| r.id)
        .collect();
    let mut listed = listed(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let l = listed.remove(&row.id).unwrap_or_default();
            Offer::of(row, l, units)
        })
        .collect())
}
