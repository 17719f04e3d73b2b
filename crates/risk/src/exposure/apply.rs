//! [`apply`]: the one way to move a partner's exposure, inside the caller's
//! [`WriteTx`]. The side's row is created on first use and locked; the
//! partner's credit limit is read under that lock; a buyer-side increase past
//! the limit is refused (409 `credit_limit_exceeded` with the `remaining`
//! limit) and a move below zero is refused (409 `exposure_below_zero`); the
//! total moves in one conditional statement and the entry is written beside
//! it, so the total always equals the sum of its entries. A buyer band
//! change upward emits ExposureBandChanged.

use infra::money::{from_scaled, to_scaled};
use infra::rows::for_update;
use infra::{InfraError, Money, NewEvent, ServiceError, WriteTx};
use partners::entity::partner;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::band::{Band, classify, utilisation};
use super::entity::{entry, exposure};
use crate::error::RiskError;
use crate::{Side, TOPIC, events};

/// Why exposure moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Quantity reserved for a buyer.
    Reservation,
    /// A reservation released.
    Release,
    /// A reservation expired.
    Expiry,
    /// A trade concluded.
    Trade,
    /// A trade settled.
    Settlement,
    /// A trade or reservation cancelled.
    Cancellation,
    /// A staff correction.
    Adjustment,
}

impl Reason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Reservation => "reservation",
            Reason::Release => "release",
            Reason::Expiry => "expiry",
            Reason::Trade => "trade",
            Reason::Settlement => "settlement",
            Reason::Cancellation => "cancellation",
            Reason::Adjustment => "adjustment",
        }
    }
}

/// One move of a partner's exposure on one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExposureMove {
    /// The partner.
    pub partner_id: Uuid,
    /// The side that moves.
    pub side: Side,
    /// Signed INR: positive takes credit, negative gives it back.
    pub amount: Decimal,
    /// Why.
    pub reason: Reason,
    /// What caused it (a reservation, a trade).
    pub reference_id: Option<Uuid>,
    /// Free text, such as an adjustment's reason.
    pub note: Option<String>,
}

/// The outcome of a move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The entry written.
    pub entry_id: Uuid,
    /// The side's total after the move.
    pub utilised: Money,
    /// The partner's credit limit read under the lock.
    pub credit_limit: Money,
    /// The side's band before the move.
    pub previous_band: Band,
    /// The side's band after it.
    pub band: Band,
    /// The side's row version after it.
    pub version: i64,
}

/// Emits ExposureBandChanged for `partner_id`'s `side` moving up from
/// `previous` to the band of `(utilised, limit)` (scaled INR) at row `version`.
pub(crate) async fn emit_band_change(
    tx: &WriteTx,
    partner_id: Uuid,
    side: Side,
    previous: Band,
    (utilised, limit): (i64, i64),
    version: i64,
) -> Result<(), ServiceError> {
    let percent = utilisation(from_scaled(utilised), from_scaled(limit));
    let (band, severity) = classify(percent);
    let payload = serde_json::json!({
        "partner_id": partner_id, "side": side, "previous_band": previous, "band": band,
        "severity": severity, "utilisation": percent.to_string(),
        "utilised": Money::from_scaled(utilised), "credit_limit": Money::from_scaled(limit),
    });
    let event = NewEvent::new(
        TOPIC,
        events::EXPOSURE_BAND_CHANGED,
        events::EXPOSURE_AGGREGATE,
        partner_id,
        version,
        &payload,
    )?;
    tx.emit(event).await?;
    Ok(())
}

pub(crate) fn stored_band(name: &str) -> Band {
    Band::parse(name).unwrap_or(Band::Green)
}

/// Creates the `(partner, side)` row at zero unless it exists.
async fn ensure_row(tx: &WriteTx, partner_id: Uuid, side: Side) -> Result<(), RiskError> {
    let row = exposure::ActiveModel {
        partner_id: Set(partner_id),
        side: Set(side.as_str().to_owned()),
        utilised: Set(0),
        band: Set(Band::Green.as_str().to_owned()),
        version: Set(1),
        created_at: Set(tx.now()),
        updated_at: Set(tx.now()),
    };
    exposure::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([exposure::Column::PartnerId, exposure::Column::Side])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(tx.db())
        .await?;
    Ok(())
}

/// The credit limit of partner `id` (404 `partner` when there is none).
async fn credit_limit(tx: &WriteTx, id: Uuid) -> Result<i64, RiskError> {
    let partner = partner::Entity::find_by_id(id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("partner"))?;
    Ok(partner.credit_limit)
}

/// Moves the exposure of `change.partner_id` on `change.side` by
/// `change.amount` inside `tx`, writing one entry. See the module docs for
/// what it refuses.
pub async fn apply(tx: &WriteTx, change: ExposureMove) -> Result<Moved, RiskError> {
    let amount = to_scaled(change.amount).map_err(|e| ServiceError::field("amount", &e.to_string()))?;
    if amount == 0 {
        return Err(ServiceError::field("amount", "must not be zero").into());
    }
    let (partner_id, side) = (change.partner_id, change.side);
    credit_limit(tx, partner_id).await?;
    ensure_row(tx, partner_id, side).await?;
    let row = for_update(
        tx,
        exposure::Entity::find_by_id((partner_id, side.as_str().to_owned())),
    )
    .one(tx.db())
    .await?
    .ok_or(InfraError::Invariant("the exposure row exists once created"))?;
    let limit = credit_limit(tx, partner_id).await?;
    let next = row
        .utilised
        .checked_add(amount)
        .ok_or_else(|| ServiceError::field("amount", "is too large"))?;
    if next < 0 {
        return Err(ServiceError::conflict(
            "exposure_below_zero",
            format!(
                "the move would take the {} exposure below zero: {} INR is utilised",
                side.as_str(),
                from_scaled(row.utilised)
            ),
        )
        .into());
    }
    let increase_past_limit = side == Side::Buyer && amount > 0 && next > limit;
    if increase_past_limit {
        return Err(RiskError::CreditLimitExceeded {
            remaining: Money::from_scaled(std::cmp::max(limit - row.utilised, 0)),
        });
    }
    let previous_band = stored_band(&row.band);
    let band = match side {
        Side::Buyer => classify(utilisation(from_scaled(next), from_scaled(limit))).0,
        Side::Seller => previous_band,
    };
    let mut update = exposure::Entity::update_many()
        .col_expr(
            exposure::Column::Utilised,
            Expr::col(exposure::Column::Utilised).add(amount),
        )
        .col_expr(exposure::Column::Band, Expr::value(band.as_str()))
        .col_expr(
            exposure::Column::Version,
            Expr::col(exposure::Column::Version).add(1),
        )
        .col_expr(exposure::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(exposure::Column::PartnerId.eq(partner_id))
        .filter(exposure::Column::Side.eq(side.as_str()))
        .filter(exposure::Column::Version.eq(row.version))
        .filter(Expr::col(exposure::Column::Utilised).add(amount).gte(0));
    if side == Side::Buyer && amount > 0 {
        update = update.filter(Expr::col(exposure::Column::Utilised).add(amount).lte(limit));
    }
    if update.exec(tx.db()).await?.rows_affected != 1 {
        return Err(
            ServiceError::conflict("concurrent_change", "the exposure moved concurrently; retry").into(),
        );
    }
    let entry_id = Uuid::now_v7();
    entry::Entity::insert(entry::ActiveModel {
        id: Set(entry_id),
        partner_id: Set(partner_id),
        side: Set(side.as_str().to_owned()),
        amount: Set(amount),
        reason: Set(change.reason.as_str().to_owned()),
        reference_id: Set(change.reference_id),
        note: Set(change.note),
        created_by: Set(tx.actor().user_id),
        created_at: Set(tx.now()),
    })
    .exec_without_returning(tx.db())
    .await?;
    let version = row.version + 1;
    if band > previous_band {
        emit_band_change(tx, partner_id, side, previous_band, (next, limit), version).await?;
    }
    Ok(Moved {
        entry_id,
        utilised: Money::from_scaled(next),
        credit_limit: Money::from_scaled(limit),
        previous_band,
        band,
        version,
    })
}
