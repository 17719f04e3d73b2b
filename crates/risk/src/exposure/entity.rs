//! The exposure tables: `risk_exposures` (one row per partner and side, its
//! `utilised` total scaled by 10^4, never below zero) and
//! `risk_exposure_entries` (every signed move).

/// Table `risk_exposures`.
pub mod exposure {
    use sea_orm::entity::prelude::*;

    /// A partner's utilised total on one side.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "risk_exposures")]
    pub struct Model {
        /// The partner.
        #[sea_orm(primary_key, auto_increment = false)]
        pub partner_id: Uuid,
        /// `buyer` or `seller`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub side: String,
        /// INR scaled by 10^4; the sum of the side's entries.
        pub utilised: i64,
        /// GREEN, YELLOW or RED, as last computed.
        pub band: String,
        /// Bumped by every move.
        pub version: i64,
        /// First use.
        pub created_at: DateTimeUtc,
        /// Last move.
        pub updated_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `risk_exposure_entries`.
pub mod entry {
    use sea_orm::entity::prelude::*;

    /// One signed move of a partner's exposure.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "risk_exposure_entries")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The partner.
        pub partner_id: Uuid,
        /// `buyer` or `seller`.
        pub side: String,
        /// Signed INR scaled by 10^4.
        pub amount: i64,
        /// reservation, release, expiry, trade, settlement, cancellation or adjustment.
        pub reason: String,
        /// What caused it (a reservation, a trade), when known.
        pub reference_id: Option<Uuid>,
        /// Free text (an adjustment's reason).
        pub note: Option<String>,
        /// The user who caused it, when a user did.
        pub created_by: Option<Uuid>,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
