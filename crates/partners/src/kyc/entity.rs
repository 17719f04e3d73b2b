//! The sea-orm entity of table `partner_kyc_reminders`.

/// Table `partner_kyc_reminders`: one row per reminder sent.
pub mod reminder {
    use sea_orm::entity::prelude::*;

    /// A reminder sent, unique on (partner, KYC cycle, threshold).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_kyc_reminders")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The partner reminded.
        pub partner_id: Uuid,
        /// The expiry date the reminder warned of (the KYC cycle).
        pub kyc_expires_on: Date,
        /// The threshold: 90, 60, 30 or 7.
        pub days_before: i32,
        /// When it was sent.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `partner_kyc_renewals`: a KYC renewal, at most one open per partner.
pub mod renewal {
    use sea_orm::entity::prelude::*;

    /// One renewal.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_kyc_renewals")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The partner renewing.
        pub partner_id: Uuid,
        /// open, passed or failed.
        pub status: String,
        /// The business date it is due by.
        pub due_on: Date,
        /// The reason given at completion.
        pub reason: Option<String>,
        /// Who started it.
        pub started_by: Option<Uuid>,
        /// Who completed it.
        pub completed_by: Option<Uuid>,
        /// When it was completed.
        pub completed_at: Option<DateTimeUtc>,
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
