//! Circular trading: a partner may not offer a commodity for sale on a
//! business day on which it also has an open buy requirement for it, nor
//! ask to buy one it has an open availability of (DOMAIN.md, "Trade desk").
//!
//! "Open" counts what could still trade: a requirement DRAFT, ACTIVE or
//! PARTIALLY_FULFILLED (a DRAFT counts because publishing it is not checked
//! again, so the check at creation is the one that holds); an availability
//! DRAFT awaiting approval, ACTIVE or RESERVED, unless rejected. "The same
//! business day" is the stored `business_date` of the other side's row,
//! the day it was posted in business time. The check locks the partner's
//! row in the write, so a sell and a buy of one partner posted at the same
//! moment are decided one after the other.

use chrono::NaiveDate;
use infra::write::WriteTx;
use infra::{Actor, Infra, ServiceError};
use partners::entity::partner;
use risk::validations::TradeSide;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::availabilities::entity::availability;
use crate::requirements::entity::requirement;

/// Requirement statuses that count as an open buy.
pub const OPEN_REQUIREMENTS: [&str; 3] = ["DRAFT", "ACTIVE", "PARTIALLY_FULFILLED"];
/// Availability statuses that count as an open sell (unless rejected).
pub const OPEN_AVAILABILITIES: [&str; 3] = ["DRAFT", "ACTIVE", "RESERVED"];

/// The open listing on the other side that makes a post circular.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenListing {
    /// `requirement` or `availability`.
    pub kind: String,
    /// Its id.
    pub id: Uuid,
    /// The requirement's number (`REQ-2026-000001`); none for an availability.
    pub number: Option<String>,
    /// Its status.
    pub status: String,
}

/// `POST /validations/circular-trading`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CircularInput {
    /// The partner that would post (a partner's user: its own).
    pub partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// `buy` (a requirement) or `sell` (an availability).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^(buy|sell)$"))]
    pub side: TradeSide,
}

/// Whether the post would be allowed today, and what stands in its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CircularAnswer {
    /// `true` when nothing open on the other side stands in the way.
    pub allowed: bool,
    /// The business date checked.
    pub business_date: NaiveDate,
    /// The open listings on the other side, oldest first.
    pub conflicts: Vec<OpenListing>,
}

/// The open listings of `partner` for `commodity` on `date` on the side
/// opposite to `side`, oldest first.
pub async fn open_opposite<C: ConnectionTrait>(
    db: &C,
    partner: Uuid,
    commodity: Uuid,
    side: TradeSide,
    date: NaiveDate,
) -> Result<Vec<OpenListing>, ServiceError> {
    Ok(match side {
        TradeSide::Sell => requirement::Entity::find()
            .filter(requirement::Column::BuyerPartnerId.eq(partner))
            .filter(requirement::Column::CommodityId.eq(commodity))
            .filter(requirement::Column::Status.is_in(OPEN_REQUIREMENTS))
            .filter(requirement::Column::BusinessDate.eq(date))
            .order_by_asc(requirement::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|r| OpenListing {
                kind: "requirement".into(),
                id: r.id,
                number: Some(r.number),
                status: r.status,
            })
            .collect(),
        TradeSide::Buy => availability::Entity::find()
            .filter(availability::Column::SellerPartnerId.eq(partner))
            .filter(availability::Column::CommodityId.eq(commodity))
            .filter(availability::Column::Status.is_in(OPEN_AVAILABILITIES))
            .filter(availability::Column::ApprovalStatus.ne("REJECTED"))
            .filter(availability::Column::BusinessDate.eq(date))
            .order_by_asc(availability::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|a| OpenListing {
                kind: "availability".into(),
                id: a.id,
                number: None,
                status: a.status,
            })
            .collect(),
    })
}

/// Refuses, in write `tx`, a post of `partner` on `side` for `commodity` on
/// `date` while it has an open listing on the other side: 409
/// `circular_trading` naming that listing.
pub async fn refuse(
    tx: &WriteTx,
    partner: Uuid,
    commodity: Uuid,
    side: TradeSide,
    date: NaiveDate,
) -> Result<(), ServiceError> {
    infra::rows::for_update(tx, partner::Entity::find_by_id(partner))
        .one(tx.db())
        .await?;
    let open = open_opposite(tx.db(), partner, commodity, side, date).await?;
    let Some(first) = open.first() else {
        return Ok(());
    };
    let message = match side {
        TradeSide::Sell => format!(
            "circular trading: the partner has open requirement {} ({}, {}) for this commodity today; \
             cancel it or post the availability on another day",
            first.number.as_deref().unwrap_or_default(),
            first.id,
            first.status
        ),
        TradeSide::Buy => format!(
            "circular trading: the partner has open availability {} ({}) of this commodity today; \
             cancel it or post the requirement on another day",
            first.id, first.status
        ),
    };
    Err(ServiceError::conflict("circular_trading", message))
}

/// The circular trading check as a question (`POST
/// /validations/circular-trading`), for business date `date`. Capability:
/// AVAILABILITY_CREATE for `sell`, REQUIREMENT_CREATE for `buy`; a partner's
/// user asks about its own partner (403 `out_of_scope` otherwise).
pub async fn validate<I: Infra>(
    infra: &I,
    actor: &Actor,
    input: CircularInput,
    date: NaiveDate,
) -> Result<CircularAnswer, ServiceError> {
    let capability = match input.side {
        TradeSide::Sell => crate::AVAILABILITY_CREATE,
        TradeSide::Buy => crate::REQUIREMENT_CREATE,
    };
    infra::service_error::require(actor, capability)?;
    crate::acting::acting_for(actor, Some(input.partner_id), "partner_id")?;
    let known = partner::Entity::find_by_id(input.partner_id)
        .one(infra.db())
        .await?
        .is_some();
    if !known {
        return Err(ServiceError::field("partner_id", "is not a business partner"));
    }
    let conflicts = open_opposite(infra.db(), input.partner_id, input.commodity_id, input.side, date).await?;
    Ok(CircularAnswer {
        allowed: conflicts.is_empty(),
        business_date: date,
        conflicts,
    })
}
