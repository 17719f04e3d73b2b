//! The performance record per partner: rating (0-5, one decimal place),
//! delivery and payment scores (0-100), disputes, trade count and the last
//! trade. A partner without history reads the neutral values (rating 3.0,
//! scores 70, no disputes, no trades; version 0). The trade desk calls
//! [`record_trade`] inside its trade transaction; staff with RISK_MANAGE
//! correct the record ([`crate::LedgerService::correct_performance`]).
//!
//! ```no_run
//! # async fn demo(tx: &infra::WriteTx, seller: uuid::Uuid) -> Result<(), infra::ServiceError> {
//! risk::performance::record_trade(tx, seller, tx.now()).await?;
//! let record = risk::performance::view(tx.db(), seller).await?;
//! assert!(record.trade_count >= 1);
//! # Ok(()) }
//! ```

pub mod correct;
pub mod entity;

use chrono::{DateTime, Utc};
use infra::{ServiceError, WriteTx};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use correct::PerformanceCorrection;

use crate::side::neutral;

/// A partner's performance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Performance {
    /// The partner.
    pub partner_id: Uuid,
    /// 0.0 to 5.0, one decimal place (decimal string).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3.0"))]
    pub rating: Decimal,
    /// 0-100.
    pub delivery_score: i32,
    /// 0-100.
    pub payment_score: i32,
    /// Disputes raised.
    pub disputes: i32,
    /// Trades done.
    pub trade_count: i32,
    /// The latest trade (RFC 3339).
    pub last_trade_at: Option<DateTime<Utc>>,
    /// 0 while the neutral values stand (no record yet).
    pub version: i64,
}

/// A rating kept in tenths as a decimal with one place.
pub fn rating_of(tenths: i32) -> Decimal {
    Decimal::new(i64::from(tenths), 1)
}

impl Performance {
    /// The neutral record of a partner without history.
    pub fn neutral(partner_id: Uuid) -> Self {
        Self {
            partner_id,
            rating: rating_of(neutral::RATING_TENTHS),
            delivery_score: neutral::DELIVERY_SCORE,
            payment_score: neutral::PAYMENT_SCORE,
            disputes: neutral::DISPUTES,
            trade_count: neutral::TRADE_COUNT,
            last_trade_at: None,
            version: 0,
        }
    }
}

impl From<entity::Model> for Performance {
    fn from(m: entity::Model) -> Self {
        Self {
            partner_id: m.partner_id,
            rating: rating_of(m.rating_tenths),
            delivery_score: m.delivery_score,
            payment_score: m.payment_score,
            disputes: m.disputes,
            trade_count: m.trade_count,
            last_trade_at: m.last_trade_at,
            version: m.version,
        }
    }
}

/// The performance of `partner_id`: its record, or the neutral values.
pub async fn view<D: ConnectionTrait>(db: &D, partner_id: Uuid) -> Result<Performance, ServiceError> {
    Ok(entity::Entity::find_by_id(partner_id)
        .one(db)
        .await?
        .map_or_else(|| Performance::neutral(partner_id), Performance::from))
}

/// The neutral row of `partner_id`, written at `now`.
pub(crate) fn neutral_row(partner_id: Uuid, now: DateTime<Utc>) -> entity::ActiveModel {
    entity::ActiveModel {
        partner_id: Set(partner_id),
        rating_tenths: Set(neutral::RATING_TENTHS),
        delivery_score: Set(neutral::DELIVERY_SCORE),
        payment_score: Set(neutral::PAYMENT_SCORE),
        disputes: Set(neutral::DISPUTES),
        trade_count: Set(neutral::TRADE_COUNT),
        last_trade_at: Set(None),
        version: Set(1),
        updated_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Counts one trade of `partner_id` done at `at`, inside the trade's
/// transaction: the record is created with the neutral values on first use,
/// `trade_count` moves by one and `last_trade_at` keeps the latest time.
pub async fn record_trade(
    tx: &WriteTx,
    partner_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Performance, ServiceError> {
    entity::Entity::insert(neutral_row(partner_id, tx.now()))
        .on_conflict(
            OnConflict::column(entity::Column::PartnerId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(tx.db())
        .await?;
    let latest = Expr::case(
        Expr::col(entity::Column::LastTradeAt)
            .is_null()
            .or(Expr::col(entity::Column::LastTradeAt).lt(at)),
        Expr::value(at),
    )
    .finally(Expr::col(entity::Column::LastTradeAt));
    entity::Entity::update_many()
        .col_expr(
            entity::Column::TradeCount,
            Expr::col(entity::Column::TradeCount).add(1),
        )
        .col_expr(entity::Column::LastTradeAt, latest.into())
        .col_expr(entity::Column::Version, Expr::col(entity::Column::Version).add(1))
        .col_expr(entity::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(entity::Column::PartnerId.eq(partner_id))
        .exec(tx.db())
        .await?;
    view(tx.db(), partner_id).await
}
