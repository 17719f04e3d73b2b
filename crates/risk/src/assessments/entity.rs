//! Table `risk_assessments`: every stored assessment with its input and result.

/// Table `risk_assessments`.
pub mod assessment {
    use sea_orm::entity::prelude::*;

    /// One stored assessment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "risk_assessments")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// seller, buyer, trade or counterparty.
        pub kind: String,
        /// The partner assessed (the buyer of a trade).
        pub partner_id: Uuid,
        /// The seller of a trade.
        pub other_partner_id: Option<Uuid>,
        /// What was asked.
        pub input: Json,
        /// 0..=100.
        pub score: i32,
        /// PASS, WARN or FAIL.
        pub status: String,
        /// The whole answer ([`crate::assessments::Assessment`]).
        pub result: Json,
        /// Who asked.
        pub created_by: Option<Uuid>,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
