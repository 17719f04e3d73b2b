//! The requirement tables: `requirements` and its join tables
//! `requirement_delivery_locations` and `requirement_invited_sellers`.

/// Table `requirements`.
pub mod requirement {
    use sea_orm::entity::prelude::*;

    /// One buyer requirement; quantities and money scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "requirements")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// `REQ-{year}-{6 digits}`.
        pub number: String,
        /// The buyer.
        pub buyer_partner_id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// The variety, if one.
        pub variety_id: Option<Uuid>,
        /// The unit of the quantities.
        pub unit: String,
        /// Least quantity, in `unit`.
        pub min_quantity: i64,
        /// Preferred quantity, in `unit`.
        pub preferred_quantity: i64,
        /// Most quantity, in `unit`.
        pub max_quantity: i64,
        /// Least quantity in the base unit.
        pub base_min_quantity: i64,
        /// Most quantity in the base unit.
        pub base_max_quantity: i64,
        /// `{code: {min, max, preferred}}`.
        pub quality: Json,
        /// The unit prices are per.
        pub price_unit: Option<String>,
        /// Highest price per `price_unit`.
        pub max_price: Option<i64>,
        /// Preferred price per `price_unit`.
        pub preferred_price: Option<i64>,
        /// Total budget, INR.
        pub total_budget: Option<i64>,
        /// Sellers in other states than the delivery locations too.
        pub allow_cross_state: bool,
        /// First delivery date.
        pub delivery_from: Option<Date>,
        /// Last delivery date.
        pub delivery_to: Option<Date>,
        /// A payment term master.
        pub payment_term_id: Option<Uuid>,
        /// A delivery term master.
        pub delivery_term_id: Option<Uuid>,
        /// PUBLIC, PRIVATE or RESTRICTED.
        pub visibility: String,
        /// URGENT, NORMAL or PLANNING.
        pub urgency: String,
        /// DIRECT_BUY, NEGOTIATION, AUCTION_REQUEST or PRICE_DISCOVERY_ONLY.
        pub intent: String,
        /// The negotiation defaults of its urgency.
        pub negotiation: Json,
        /// Valid from.
        pub valid_from: DateTimeUtc,
        /// Valid until.
        pub valid_until: DateTimeUtc,
        /// DRAFT, ACTIVE, PARTIALLY_FULFILLED, FULFILLED, EXPIRED or CANCELLED.
        pub status: String,
        /// Bought so far, in `unit`.
        pub purchased_quantity: i64,
        /// Spent so far, INR.
        pub spent_amount: i64,
        /// The buyer precheck's score, 0..=100.
        pub precheck_score: Option<i32>,
        /// The buyer precheck's verdict: PASS, WARN or FAIL.
        pub precheck_status: Option<String>,
        /// The buyer precheck's findings (`[{factor, points, reason}]`).
        pub precheck_factors: Option<Json>,
        /// The trade value the precheck was made for, INR.
        pub precheck_value: Option<i64>,
        /// `max_price` (else `preferred_price`) per base unit, for the search.
        pub base_max_price: Option<i64>,
        /// Why it was cancelled.
        pub cancel_reason: Option<String>,
        /// The business date it was created on.
        pub business_date: Date,
        /// Who created it.
        pub created_by: Option<Uuid>,
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

/// Table `requirement_delivery_locations`.
pub mod delivery_location {
    use sea_orm::entity::prelude::*;

    /// One delivery location of a requirement (a settings location).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "requirement_delivery_locations")]
    pub struct Model {
        /// The requirement.
        #[sea_orm(primary_key, auto_increment = false)]
        pub requirement_id: Uuid,
        /// The location.
        #[sea_orm(primary_key, auto_increment = false)]
        pub location_id: Uuid,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `requirement_invited_sellers`.
pub mod invited_seller {
    use sea_orm::entity::prelude::*;

    /// One seller invited to a RESTRICTED requirement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "requirement_invited_sellers")]
    pub struct Model {
        /// The requirement.
        #[sea_orm(primary_key, auto_increment = false)]
        pub requirement_id: Uuid,
        /// The seller.
        #[sea_orm(primary_key, auto_increment = false)]
        pub partner_id: Uuid,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::versioned!(requirement::Model);
