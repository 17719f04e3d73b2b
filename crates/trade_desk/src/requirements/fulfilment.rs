//! A requirement's fulfilment: a confirmed trade adds its quantity (in the
//! requirement's unit) and its amount to the requirement's purchased
//! quantity and spend in ONE conditional statement (ACTIVE or
//! PARTIALLY_FULFILLED, never past the maximum); the status follows:
//! PARTIALLY_FULFILLED at the minimum, FULFILLED at the maximum. A
//! cancelled trade takes both back the same way. Events
//! RequirementFulfilmentRecorded (and RequirementFulfilled when it reaches
//! its maximum) or RequirementFulfilmentReversed on `requirement-events`.

use infra::write::WriteTx;
use infra::{Money, Quantity, ServiceError};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::changes::transition;
use super::entity::requirement;
use crate::events;

/// The code of a requirement that takes no more purchases.
pub const NOT_ACTIVE: &str = "requirement_not_active";
/// The code of a purchase past the requirement's maximum.
pub const EXCEEDED: &str = "requirement_quantity_exceeded";
/// The statuses a purchase is added in.
pub const OPEN: [&str; 2] = ["ACTIVE", "PARTIALLY_FULFILLED"];

/// Adds `quantity` (scaled, the requirement's unit) and `spend` (scaled
/// INR) of trade `trade_id` to requirement `id`. 409
/// `requirement_not_active` when it is not ACTIVE or PARTIALLY_FULFILLED,
/// 409 `requirement_quantity_exceeded` (naming what is left) past its
/// maximum. Emits RequirementFulfilmentRecorded, and RequirementFulfilled
/// when the maximum is reached. Answers the row after it.
pub async fn record(
    tx: &WriteTx,
    id: Uuid,
    quantity: i64,
    spend: i64,
    trade_id: Uuid,
) -> Result<requirement::Model, ServiceError> {
    use requirement::Column as R;
    let after = Expr::col(R::PurchasedQuantity).add(quantity);
    let status = Expr::case(
        after.clone().gte(Expr::col(R::MaxQuantity)),
        Expr::value("FULFILLED"),
    )
    .case(
        after.clone().gte(Expr::col(R::MinQuantity)),
        Expr::value("PARTIALLY_FULFILLED"),
    )
    .finally(Expr::col(R::Status));
    let done = requirement::Entity::update_many()
        .col_expr(R::PurchasedQuantity, after.clone())
        .col_expr(R::SpentAmount, Expr::col(R::SpentAmount).add(spend))
        .col_expr(R::Status, status.into())
        .col_expr(R::Version, Expr::col(R::Version).add(1))
        .col_expr(R::UpdatedAt, Expr::value(tx.now()))
        .filter(R::Id.eq(id))
        .filter(R::Status.is_in(OPEN))
        .filter(after.lte(Expr::col(R::MaxQuantity)))
        .exec(tx.db())
        .await?;
    let row = requirement::Entity::find_by_id(id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("requirement"))?;
    if done.rows_affected != 1 {
        if !OPEN.contains(&row.status.as_str()) {
            let message = format!(
                "the requirement {} is {}: only an ACTIVE or PARTIALLY_FULFILLED one takes a trade",
                row.number, row.status
            );
            return Err(ServiceError::conflict(NOT_ACTIVE, message));
        }
        let message = format!(
            "the trade adds {} {} to requirement {}, which needs at most {} {} more",
            Quantity::from_scaled(quantity),
            row.unit,
            row.number,
            Quantity::from_scaled(row.max_quantity - row.purchased_quantity),
            row.unit
        );
        return Err(ServiceError::conflict(EXCEEDED, message));
    }
    let extra = json!({
        "trade_id": trade_id, "quantity": Quantity::from_scaled(quantity), "spend": Money::from_scaled(spend),
        "purchased_quantity": Quantity::from_scaled(row.purchased_quantity),
        "spent_amount": Money::from_scaled(row.spent_amount),
    });
    let action = "requirement.fulfilment";
    transition(
        tx,
        events::REQUIREMENT_FULFILMENT_RECORDED,
        action,
        &row,
        extra.clone(),
    )
    .await?;
    if row.status == "FULFILLED" {
        transition(
            tx,
            events::REQUIREMENT_FULFILLED,
            "requirement.fulfil",
            &row,
            extra,
        )
        .await?;
    }
    Ok(row)
}

/// Takes `quantity` and `spend` of cancelled trade `trade_id` back from
/// requirement `id`: a FULFILLED or PARTIALLY_FULFILLED requirement goes
/// back to PARTIALLY_FULFILLED (still at its minimum) or ACTIVE; any other
/// status stays. Emits RequirementFulfilmentReversed.
pub async fn reverse(
    tx: &WriteTx,
    id: Uuid,
    quantity: i64,
    spend: i64,
    trade_id: Uuid,
) -> Result<requirement::Model, ServiceError> {
    use requirement::Column as R;
    let after = Expr::col(R::PurchasedQuantity).sub(quantity);
    let reopened = Expr::case(
        after.clone().gte(Expr::col(R::MinQuantity)),
        Expr::value("PARTIALLY_FULFILLED"),
    )
    .finally(Expr::value("ACTIVE"));
    let status = Expr::case(
        Expr::col(R::Status).is_in(["FULFILLED", "PARTIALLY_FULFILLED"]),
        Expr::expr(reopened),
    )
    .finally(Expr::col(R::Status));
    let done = requirement::Entity::update_many()
        .col_expr(R::PurchasedQuantity, after)
        .col_expr(R::SpentAmount, Expr::col(R::SpentAmount).sub(spend))
        .col_expr(R::Status, status.into())
        .col_expr(R::Version, Expr::col(R::Version).add(1))
        .col_expr(R::UpdatedAt, Expr::value(tx.now()))
        .filter(R::Id.eq(id))
        .filter(R::PurchasedQuantity.gte(quantity))
        .filter(R::SpentAmount.gte(spend))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        return Err(infra::InfraError::Invariant(
            "a confirmed trade's purchase is recorded on its requirement",
        )
        .into());
    }
    let row = requirement::Entity::find_by_id(id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("requirement"))?;
    let extra = json!({
        "trade_id": trade_id, "quantity": Quantity::from_scaled(quantity), "spend": Money::from_scaled(spend),
        "purchased_quantity": Quantity::from_scaled(row.purchased_quantity),
        "spent_amount": Money::from_scaled(row.spent_amount),
    });
    transition(
        tx,
        events::REQUIREMENT_FULFILMENT_REVERSED,
        "requirement.fulfilment_reverse",
        &row,
        extra,
    )
    .await?;
    Ok(row)
}
