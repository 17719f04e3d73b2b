//! The statements that move quantity and credit. Each quantity moves in
//! ONE conditional statement: reserving takes from `available` only while
//! the availability is ACTIVE and enough is available; giving back returns
//! to `available` only what `reserved` holds; a reservation's own change is
//! guarded by its status and its `released_quantity`, so of two racing
//! changes (a release and the expiry) exactly one applies. The order of
//! locks is always the reservation, the availability, then the buyer's
//! exposure.

use infra::write::WriteTx;
use infra::{InfraError, Money, Quantity, ServiceError};
use risk::error::RiskError;
use risk::exposure::apply::{ExposureMove, Reason, apply};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::entity::reservation;
use super::model::Reservation;
use crate::availabilities::entity::availability;

/// The code of a reservation no longer ACTIVE (or changed under the caller).
pub const NOT_ACTIVE: &str = "reservation_not_active";

/// Moves `quantity` (scaled, the availability's unit) of availability `id`
/// from available to reserved in one conditional statement (ACTIVE, enough
/// available); the status becomes RESERVED when nothing is left available.
/// Zero rows changed is 409 `availability_not_active` (naming the status)
/// or 409 `insufficient_quantity` (naming what is available).
pub(super) async fn take(
    tx: &WriteTx,
    id: uuid::Uuid,
    quantity: i64,
) -> Result<availability::Model, ServiceError> {
    use availability::Column as A;
    let status = Expr::case(
        Expr::col(A::AvailableQuantity).sub(quantity).eq(0),
        Expr::value("RESERVED"),
    )
    .finally(Expr::value("ACTIVE"));
    let done = availability::Entity::update_many()
        .col_expr(
            A::AvailableQuantity,
            Expr::col(A::AvailableQuantity).sub(quantity),
        )
        .col_expr(A::ReservedQuantity, Expr::col(A::ReservedQuantity).add(quantity))
        .col_expr(A::Status, status.into())
        .col_expr(A::Version, Expr::col(A::Version).add(1))
        .col_expr(A::UpdatedAt, Expr::value(tx.now()))
        .filter(A::Id.eq(id))
        .filter(A::Status.eq("ACTIVE"))
        .filter(A::AvailableQuantity.gte(quantity))
        .exec(tx.db())
        .await?;
    let row = availability::Entity::find_by_id(id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))?;
    if done.rows_affected == 1 {
        return Ok(row);
    }
    if row.status != "ACTIVE" {
        return Err(ServiceError::conflict(
            "availability_not_active",
            format!(
                "the availability is {}: only an ACTIVE one is reserved",
                row.status
            ),
        ));
    }
    Err(ServiceError::conflict(
        "insufficient_quantity",
        format!(
            "only {} {} is available; reserve at most that",
            Quantity::from_scaled(row.available_quantity),
            row.unit
        ),
    ))
}

/// Returns `quantity` (scaled) of availability `id` from reserved to
/// available in one conditional statement; a RESERVED availability becomes
/// ACTIVE again (an EXPIRED one stays EXPIRED).
async fn give_back(tx: &WriteTx, id: uuid::Uuid, quantity: i64) -> Result<availability::Model, ServiceError> {
    use availability::Column as A;
    let status =
        Expr::case(Expr::col(A::Status).eq("RESERVED"), Expr::value("ACTIVE")).finally(Expr::col(A::Status));
    let done = availability::Entity::update_many()
        .col_expr(
            A::AvailableQuantity,
            Expr::col(A::AvailableQuantity).add(quantity),
        )
        .col_expr(A::ReservedQuantity, Expr::col(A::ReservedQuantity).sub(quantity))
        .col_expr(A::Status, status.into())
        .col_expr(A::Version, Expr::col(A::Version).add(1))
        .col_expr(A::UpdatedAt, Expr::value(tx.now()))
        .filter(A::Id.eq(id))
        .filter(A::ReservedQuantity.gte(quantity))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        return Err(InfraError::Invariant(
            "an active reservation's quantity is reserved on its availability",
        )
        .into());
    }
    availability::Entity::find_by_id(id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))
}

/// What a release of `quantity` (scaled) from `row` gives back of its
/// value: the rest when it releases all still held, else the value still
/// reserved times the share released, rounded down to 1/10^4 INR (the last
/// release returns what is left, so the whole value comes back exactly).
pub fn value_back(row: &reservation::Model, quantity: i64) -> i64 {
    let held = row.held_quantity - row.released_quantity;
    let left = row.value - row.released_value;
    if quantity >= held || held <= 0 {
        return left;
    }
    (i128::from(left) * i128::from(quantity) / i128::from(held)) as i64
}

/// How a reservation gives quantity back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Return {
    /// A release by the buyer or staff (RELEASED once nothing is held).
    Release,
    /// The expiry job (EXPIRED).
    Expiry,
}

/// Gives `quantity` (scaled) of reservation `row` back: the reservation's
/// own conditional change (ACTIVE, unchanged since read: else 409
/// `reservation_not_active`), the availability's quantity, the buyer's
/// exposure (the share of [`value_back`]), and the event (QuantityReleased
/// or ReservationExpired). Answers the reservation after it.
pub(super) async fn restore(
    tx: &WriteTx,
    row: reservation::Model,
    quantity: i64,
    how: Return,
) -> Result<Reservation, RiskError> {
    use reservation::Column as R;
    let held = row.held_quantity - row.released_quantity;
    let back = value_back(&row, quantity);
    let status = match (how, quantity >= held) {
        (Return::Expiry, _) => "EXPIRED",
        (Return::Release, true) => "RELEASED",
        (Return::Release, false) => "ACTIVE",
    };
    let done = reservation::Entity::update_many()
        .col_expr(R::ReleasedQuantity, Expr::col(R::ReleasedQuantity).add(quantity))
        .col_expr(R::ReleasedValue, Expr::col(R::ReleasedValue).add(back))
        .col_expr(R::Status, Expr::value(status))
        .col_expr(R::Version, Expr::col(R::Version).add(1))
        .col_expr(R::UpdatedAt, Expr::value(tx.now()))
        .filter(R::Id.eq(row.id))
        .filter(R::Status.eq("ACTIVE"))
        .filter(R::ReleasedQuantity.eq(row.released_quantity))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::conflict(
            NOT_ACTIVE,
            "the reservation was released, expired or confirmed meanwhile; read it again",
        )
        .into());
    }
    let offer = give_back(tx, row.availability_id, quantity).await?;
    if back > 0 {
        let reason = match how {
            Return::Release => Reason::Release,
            Return::Expiry => Reason::Expiry,
        };
        apply(
            tx,
            ExposureMove {
                partner_id: row.buyer_partner_id,
                side: risk::Side::Buyer,
                amount: -infra::money::from_scaled(back),
                reason,
                reference_id: Some(row.id),
                note: None,
            },
        )
        .await?;
    }
    let after = reservation::Entity::find_by_id(row.id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("reservation"))?;
    let view = Reservation::of(after, offer.version);
    let (event, action) = match how {
        Return::Release => (crate::events::QUANTITY_RELEASED, "reservation.release"),
        Return::Expiry => (crate::events::RESERVATION_EXPIRED, "reservation.expire"),
    };
    let extra = json!({
        "released_quantity": Quantity::from_scaled(quantity), "released_value": Money::from_scaled(back),
    });
    record(tx, event, action, &offer, &view, extra).await?;
    Ok(view)
}

/// Records `event` about reservation `view` of availability `offer` (saved
/// already), with `extra`, for the buyer and the seller (see
/// [`crate::availabilities::quantities::record`]).
pub(super) async fn record(
    tx: &WriteTx,
    event: &str,
    action: &str,
    offer: &availability::Model,
    view: &Reservation,
    extra: Value,
) -> Result<(), ServiceError> {
    let mut fields = json!({ "reservation": view });
    if let (Some(map), Value::Object(extra)) = (fields.as_object_mut(), extra) {
        map.extend(extra);
    }
    let parties = [view.buyer_partner_id, view.seller_partner_id];
    crate::availabilities::quantities::record(tx, event, action, offer, parties, fields).await
}
