//! Table `risk_performance`: one row per partner once it has history.

use sea_orm::entity::prelude::*;

/// A partner's performance record; the rating in tenths (0..=50).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_performance")]
pub struct Model {
    /// The partner.
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
    /// Rating 0.0-5.0 in tenths.
    pub rating_tenths: i32,
    /// 0-100.
    pub delivery_score: i32,
    /// 0-100.
    pub payment_score: i32,
    /// Disputes raised.
    pub disputes: i32,
    /// Trades done.
    pub trade_count: i32,
    /// The latest trade.
    pub last_trade_at: Option<DateTimeUtc>,
    /// Bumped by every change.
    pub version: i64,
    /// The last user to correct it.
    pub updated_by: Option<Uuid>,
    /// First history.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

infra::versioned!(Model);
