//! The read side of the ledger: a partner's utilised credit per side, what
//! is available of its limit, its utilisation, band and severity, and its
//! entries newest first.

use infra::{Money, Page, PageRequest, ServiceError};
use partners::entity::partner;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::band::{Band, Severity, classify, utilisation};
use super::entity::{entry, exposure};

/// Utilised credit per side.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Utilised {
    /// What the partner owes for what it buys (decimal string, INR).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "250000"))]
    pub buyer: Money,
    /// What the partner must deliver for what it sells (decimal string, INR).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0"))]
    pub seller: Money,
}

/// A partner's exposure against its credit limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerExposure {
    /// The partner.
    pub partner_id: Uuid,
    /// Its credit limit (decimal string, INR), owned by partners.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1000000"))]
    pub credit_limit: Money,
    /// Utilised per side.
    pub utilised: Utilised,
    /// What remains of the limit on the buyer side, never below zero.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "750000"))]
    pub available: Money,
    /// Buyer-side utilisation of the limit in percent, 2 places (decimal string).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25"))]
    pub utilisation: Decimal,
    /// GREEN, YELLOW or RED.
    pub band: Band,
    /// none, low, medium, high or critical.
    pub severity: Severity,
}

impl PartnerExposure {
    /// The exposure of `partner_id` with `credit_limit` and the scaled utilised totals.
    pub fn of(partner_id: Uuid, credit_limit: i64, buyer: i64, seller: i64) -> Self {
        let limit = Money::from_scaled(credit_limit);
        let buyer = Money::from_scaled(buyer);
        let percent = utilisation(buyer.value(), limit.value());
        let (band, severity) = classify(percent);
        Self {
            partner_id,
            credit_limit: limit,
            utilised: Utilised {
                buyer,
                seller: Money::from_scaled(seller),
            },
            available: Money::from_scaled((credit_limit - buyer.scaled()).max(0)),
            utilisation: percent,
            band,
            severity,
        }
    }
}

/// One ledger entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// UUID v7.
    pub id: Uuid,
    /// `buyer` or `seller`.
    pub side: String,
    /// Signed amount (decimal string, INR).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "-5000"))]
    pub amount: Money,
    /// reservation, release, expiry, trade, settlement, cancellation or adjustment.
    pub reason: String,
    /// What caused it, when known.
    pub reference_id: Option<Uuid>,
    /// Free text (an adjustment's reason).
    pub note: Option<String>,
    /// The user who caused it.
    pub created_by: Option<Uuid>,
    /// When (RFC 3339).
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<entry::Model> for Entry {
    fn from(m: entry::Model) -> Self {
        Self {
            id: m.id,
            side: m.side,
            amount: Money::from_scaled(m.amount),
            reason: m.reason,
            reference_id: m.reference_id,
            note: m.note,
            created_by: m.created_by,
            created_at: m.created_at,
        }
    }
}

/// The scaled utilised totals (buyer, seller) of `partner_id`; zero without a row.
pub async fn totals<D: ConnectionTrait>(db: &D, partner_id: Uuid) -> Result<(i64, i64), ServiceError> {
    let rows = exposure::Entity::find()
        .filter(exposure::Column::PartnerId.eq(partner_id))
        .all(db)
        .await?;
    let of = |side: &str| rows.iter().find(|r| r.side == side).map_or(0, |r| r.utilised);
    Ok((of("buyer"), of("seller")))
}

/// The exposure of partner `id` (404 `partner` when there is none).
pub async fn load<D: ConnectionTrait>(db: &D, id: Uuid) -> Result<PartnerExposure, ServiceError> {
    let partner = partner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("partner"))?;
    let (buyer, seller) = totals(db, id).await?;
    Ok(PartnerExposure::of(id, partner.credit_limit, buyer, seller))
}

/// The entries of `partner_id`, newest first, one page.
pub async fn entries<D: ConnectionTrait>(
    db: &D,
    partner_id: Uuid,
    page: PageRequest,
) -> Result<Page<Entry>, ServiceError> {
    let mut query = entry::Entity::find()
        .filter(entry::Column::PartnerId.eq(partner_id))
        .order_by_desc(entry::Column::Id)
        .limit(page.fetch());
    if let Some(after) = page.after {
        query = query.filter(entry::Column::Id.lt(after));
    }
    let rows = query.all(db).await?;
    Ok(Page::from_rows(rows, page, |r| r.id).map(Entry::from))
}
