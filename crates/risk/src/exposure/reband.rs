//! The buyer band against a new credit limit: when partners change a limit,
//! [`Rebanding`] (their [`CreditLimitHook`]) recomputes the stored band of the
//! partner's buyer exposure in the same transaction, under the row's lock,
//! and a move upward emits ExposureBandChanged as a move of the exposure does.
//! A partner that never used credit has no row and nothing to recompute.

use futures::future::BoxFuture;
use infra::money::from_scaled;
use infra::rows::for_update;
use infra::{ServiceError, WriteTx};
use partners::records::CreditLimitHook;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::apply::{emit_band_change, stored_band};
use super::band::{Band, classify, utilisation};
use super::entity::exposure;
use crate::Side;

/// Recomputes the buyer band when a credit limit changes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rebanding;

impl CreditLimitHook for Rebanding {
    fn credit_limit_changed<'a>(
        &'a self,
        tx: &'a WriteTx,
        partner_id: Uuid,
        _old: i64,
        new: i64,
    ) -> BoxFuture<'a, Result<(), ServiceError>> {
        Box::pin(async move { reband(tx, partner_id, new).await.map(|_| ()) })
    }
}

/// Stores the band of partner `partner_id`'s buyer exposure against `limit`
/// (scaled INR) inside `tx`, emitting ExposureBandChanged when it rises; the
/// band now held, or `None` when the partner has no buyer exposure row.
pub async fn reband(tx: &WriteTx, partner_id: Uuid, limit: i64) -> Result<Option<Band>, ServiceError> {
    let side = Side::Buyer;
    let Some(row) = for_update(
        tx,
        exposure::Entity::find_by_id((partner_id, side.as_str().to_owned())),
    )
    .one(tx.db())
    .await?
    else {
        return Ok(None);
    };
    let previous = stored_band(&row.band);
    let band = classify(utilisation(from_scaled(row.utilised), from_scaled(limit))).0;
    if band == previous {
        return Ok(Some(band));
    }
    exposure::Entity::update_many()
        .col_expr(exposure::Column::Band, Expr::value(band.as_str()))
        .col_expr(
            exposure::Column::Version,
            Expr::col(exposure::Column::Version).add(1),
        )
        .col_expr(exposure::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(exposure::Column::PartnerId.eq(partner_id))
        .filter(exposure::Column::Side.eq(side.as_str()))
        .exec(tx.db())
        .await?;
    if band > previous {
        emit_band_change(
            tx,
            partner_id,
            side,
            previous,
            (row.utilised, limit),
            row.version + 1,
        )
        .await?;
    }
    Ok(Some(band))
}
