//! What a trade does to its availability's quantities, each in ONE
//! conditional statement beside the totals' CHECK constraints: a
//! confirmation moves the reservation's quantity from reserved to sold
//! (SOLD once nothing is available or reserved); a cancellation moves it
//! from sold back to available (a RESERVED or SOLD availability becomes
//! ACTIVE again while unexpired; an EXPIRED or CANCELLED one keeps its
//! status, the quantity counted available but never reserved again).
//! Events AvailabilitySold and AvailabilitySaleReversed on
//! `availability-events`, the availability the aggregate.

use infra::write::WriteTx;
use infra::{InfraError, Money, Quantity, ServiceError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::entity::trade;
use crate::availabilities::entity::availability;
use crate::events;

/// Moves the quantity of `row` (a trade being confirmed) from reserved to
/// sold on its availability; emits AvailabilitySold.
pub(super) async fn sell(tx: &WriteTx, row: &trade::Model) -> Result<availability::Model, ServiceError> {
    use availability::Column as A;
    let q = row.quantity;
    let sold_out = Expr::col(A::AvailableQuantity)
        .eq(0)
        .and(Expr::col(A::ReservedQuantity).sub(q).eq(0));
    let status = Expr::case(sold_out, Expr::value("SOLD")).finally(Expr::col(A::Status));
    let done = availability::Entity::update_many()
        .col_expr(A::ReservedQuantity, Expr::col(A::ReservedQuantity).sub(q))
        .col_expr(A::SoldQuantity, Expr::col(A::SoldQuantity).add(q))
        .col_expr(A::Status, status.into())
        .col_expr(A::Version, Expr::col(A::Version).add(1))
        .col_expr(A::UpdatedAt, Expr::value(tx.now()))
        .filter(A::Id.eq(row.availability_id))
        .filter(A::ReservedQuantity.gte(q))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        return Err(InfraError::Invariant(
            "an active reservation's quantity is reserved on its availability",
        )
        .into());
    }
    let offer = read(tx, row).await?;
    let extra = json!({ "price": Money::from_scaled(row.price), "price_unit": row.price_unit });
    emit(
        tx,
        events::AVAILABILITY_SOLD,
        "availability.sell",
        &offer,
        row,
        extra,
    )
    .await?;
    Ok(offer)
}

/// Moves the quantity of cancelled trade `row` from sold back to available
/// on its availability; emits AvailabilitySaleReversed.
pub(super) async fn unsell(tx: &WriteTx, row: &trade::Model) -> Result<availability::Model, ServiceError> {
    use availability::Column as A;
    let q = row.quantity;
    let reopens = Expr::col(A::Status)
        .is_in(["ACTIVE", "RESERVED", "SOLD"])
        .and(Expr::col(A::ExpiresAt).gt(tx.now()));
    let status = Expr::case(reopens, Expr::value("ACTIVE")).finally(Expr::col(A::Status));
    let done = availability::Entity::update_many()
        .col_expr(A::SoldQuantity, Expr::col(A::SoldQuantity).sub(q))
        .col_expr(A::AvailableQuantity, Expr::col(A::AvailableQuantity).add(q))
        .col_expr(A::Status, status.into())
        .col_expr(A::Version, Expr::col(A::Version).add(1))
        .col_expr(A::UpdatedAt, Expr::value(tx.now()))
        .filter(A::Id.eq(row.availability_id))
        .filter(A::SoldQuantity.gte(q))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        return Err(InfraError::Invariant("a confirmed trade's quantity is sold on its availability").into());
    }
    let offer = read(tx, row).await?;
    let extra = json!({ "reason": row.cancel_reason });
    emit(
        tx,
        events::AVAILABILITY_SALE_REVERSED,
        "availability.unsell",
        &offer,
        row,
        extra,
    )
    .await?;
    Ok(offer)
}

async fn read(tx: &WriteTx, row: &trade::Model) -> Result<availability::Model, ServiceError> {
    availability::Entity::find_by_id(row.availability_id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))
}

/// The event `event` about `offer` (saved at its new version) and trade
/// `row`, for the buyer and the seller, with `extra`.
async fn emit(
    tx: &WriteTx,
    event: &str,
    action: &str,
    offer: &availability::Model,
    row: &trade::Model,
    extra: serde_json::Value,
) -> Result<(), ServiceError> {
    let mut fields = json!({
        "trade_id": row.id, "trade_number": row.number, "reservation_id": row.reservation_id,
        "quantity": Quantity::from_scaled(row.quantity), "unit": row.unit,
    });
    if let (Some(map), serde_json::Value::Object(extra)) = (fields.as_object_mut(), extra) {
        map.extend(extra);
    }
    let parties = [row.buyer_partner_id, row.seller_partner_id];
    crate::availabilities::quantities::record(tx, event, action, offer, parties, fields).await
}
