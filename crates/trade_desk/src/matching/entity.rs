//! The matching tables: `matches` (one row per requirement and
//! availability pair) and `matching_weights` (per commodity category).

/// Table `matches`.
pub mod matched {
    use sea_orm::entity::prelude::*;

    /// One stored match; the score and its parts scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matches")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The requirement (buyer side).
        pub requirement_id: Uuid,
        /// The availability (seller side).
        pub availability_id: Uuid,
        /// The buyer.
        pub buyer_partner_id: Uuid,
        /// The seller.
        pub seller_partner_id: Uuid,
        /// The commodity of both.
        pub commodity_id: Uuid,
        /// The score, 0..=10000.
        pub score: i32,
        /// The quality part, 0..=10000.
        pub quality_score: i32,
        /// The price part, 0..=10000.
        pub price_score: i32,
        /// The delivery part, 0..=10000.
        pub delivery_score: i32,
        /// The risk part, 0..=10000.
        pub risk_score: i32,
        /// excellent, good or acceptable.
        pub label: String,
        /// The seller precheck's verdict: PASS or WARN.
        pub risk_status: String,
        /// NEW, NOTIFIED, DISMISSED, RESERVED or EXPIRED.
        pub status: String,
        /// Optimistic lock, one on with every change.
        pub version: i64,
        /// When the pair was first found.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `matching_weights`.
pub mod weight {
    use sea_orm::entity::prelude::*;

    /// The weights of one commodity category, fractions scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_weights")]
    pub struct Model {
        /// The category code (`DEFAULT` for every other category).
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: String,
        /// Weight of the quality part.
        pub quality: i32,
        /// Weight of the price part.
        pub price: i32,
        /// Weight of the delivery part.
        pub delivery: i32,
        /// Weight of the risk part.
        pub risk: i32,
        /// The least score kept.
        pub min_score: i32,
        /// Who changed it last.
        pub updated_by: Option<Uuid>,
        /// Optimistic lock.
        pub version: i64,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::versioned!(matched::Model, weight::Model);
