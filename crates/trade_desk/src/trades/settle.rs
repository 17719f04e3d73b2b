//! Settling a trade (both exposures released) and cancelling one before
//! settlement (staff: quantity, exposures and fulfilment reversed).

use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, ActorKind, Infra, ServiceError, Written};
use risk::error::RiskError;
use risk::exposure::apply::{ExposureMove, Reason, apply};
use sea_orm::EntityTrait;
use serde_json::json;
use uuid::Uuid;

use super::entity::trade;
use super::model::{CancelTrade, Trade};
use super::{TradeService, record, stock};
use crate::requirements::fulfilment;
use crate::{TRADE_SETTLE, events};

/// The code of a trade that is no longer CONFIRMED.
pub const NOT_CONFIRMED: &str = "trade_not_confirmed";

impl<I: Infra> TradeService<I> {
    /// Settles CONFIRMED trade `id`: SETTLED, the buyer's exposure and the
    /// seller's obligation released. Capability: TRADE_SETTLE (staff; a
    /// partner's user holding it settles its own trades only, others 404).
    /// 409 `trade_not_confirmed` once settled or cancelled. Emits TradeSettled.
    pub async fn settle(&self, actor: &Actor, id: Uuid) -> Result<Written<Trade>, RiskError> {
        require(actor, TRADE_SETTLE)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let mut next = confirmed(tx, id, "settled").await?;
                next.status = "SETTLED".into();
                next.settled_at = Some(tx.now());
                next.settled_by = tx.actor().user_id;
                let row = infra::rows::save(tx, next).await?;
                release(tx, &row, Reason::Settlement).await?;
                record(tx, events::TRADE_SETTLED, "trade.settle", &row, json!({})).await?;
                Ok(Trade::of(row))
            })
        })
        .await
    }

    /// Cancels CONFIRMED trade `id` for `input.reason` (3 to 500
    /// characters, 422 naming `reason`): CANCELLED, its quantity back to the
    /// availability, both exposures released, the requirement's purchase
    /// taken back. Staff only (INTERNAL users with TRADE_SETTLE; partner
    /// users 403 `out_of_scope`). 409 `trade_not_confirmed` once settled or
    /// cancelled. Emits TradeCancelled, AvailabilitySaleReversed and, with a
    /// requirement, RequirementFulfilmentReversed.
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: Uuid,
        input: CancelTrade,
    ) -> Result<Written<Trade>, RiskError> {
        require(actor, TRADE_SETTLE)?;
        if actor.kind != ActorKind::Internal && actor.kind != ActorKind::SuperAdmin {
            return Err(ServiceError::OutOfScope("staff cancel trades; ask the back office").into());
        }
        let reason = input.reason.trim().to_owned();
        if !(3..=500).contains(&reason.chars().count()) {
            return Err(ServiceError::field("reason", "is required: 3 to 500 characters").into());
        }
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let mut next = confirmed(tx, id, "cancelled").await?;
                next.status = "CANCELLED".into();
                next.cancelled_at = Some(tx.now());
                next.cancelled_by = tx.actor().user_id;
                next.cancel_reason = Some(reason.clone());
                let row = infra::rows::save(tx, next).await?;
                stock::unsell(tx, &row).await?;
                release(tx, &row, Reason::Cancellation).await?;
                if let (Some(r), Some(q)) = (row.requirement_id, row.requirement_quantity) {
                    fulfilment::reverse(tx, r, q, row.amount, row.id).await?;
                }
                let extra = json!({ "reason": reason });
                record(tx, events::TRADE_CANCELLED, "trade.cancel", &row, extra).await?;
                Ok(Trade::of(row))
            })
        })
        .await
    }
}

/// Trade `id`, locked and CONFIRMED (409 `trade_not_confirmed` naming its
/// status otherwise), visible to the caller (a partner's user: its own).
async fn confirmed(tx: &WriteTx, id: Uuid, verb: &str) -> Result<trade::Model, ServiceError> {
    let row = infra::rows::for_update(tx, trade::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("trade"))?;
    if let Some(own) = tx.actor().partner_id
        && row.buyer_partner_id != own
        && row.seller_partner_id != own
    {
        return Err(ServiceError::NotFound("trade"));
    }
    if row.status != "CONFIRMED" {
        let message = format!(
            "the trade {} is {}: only a CONFIRMED one is {verb}",
            row.number, row.status
        );
        return Err(ServiceError::conflict(NOT_CONFIRMED, message));
    }
    Ok(row)
}

/// Releases what trade `row` entered on the buyer's exposure and the
/// seller's obligation, for `reason`.
async fn release(tx: &WriteTx, row: &trade::Model, reason: Reason) -> Result<(), RiskError> {
    let moves = [
        (row.buyer_partner_id, risk::Side::Buyer, row.buyer_exposure),
        (row.seller_partner_id, risk::Side::Seller, row.seller_exposure),
    ];
    for (partner_id, side, scaled) in moves {
        if scaled == 0 {
            continue;
        }
        let exposure = ExposureMove {
            partner_id,
            side,
            amount: -infra::money::from_scaled(scaled),
            reason,
            reference_id: Some(row.id),
            note: Some(format!("trade {}", row.number)),
        };
        apply(tx, exposure).await?;
    }
    Ok(())
}
