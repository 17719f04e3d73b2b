//! The availability tables: `availabilities` and its join table
//! `availability_allowed_buyers`.

/// Table `availabilities`.
pub mod availability {
    use sea_orm::entity::prelude::*;

    /// One seller availability; quantities and money scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "availabilities")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The seller.
        pub seller_partner_id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// The variety, if one.
        pub variety_id: Option<Uuid>,
        /// A settings location, when the goods lie at one.
        pub location_id: Option<Uuid>,
        /// A place of the seller, when the goods lie at one.
        pub partner_location_id: Option<Uuid>,
        /// An ad hoc address (`{text, latitude, longitude, state_code}`).
        pub address: Option<Json>,
        /// The place reduced to one key, for the duplicate rule.
        pub location_key: String,
        /// State code of the place.
        pub state_code: Option<String>,
        /// Degrees.
        pub latitude: Option<f64>,
        /// Degrees.
        pub longitude: Option<f64>,
        /// The unit of the quantities.
        pub unit: String,
        /// Total quantity, in `unit`.
        pub total_quantity: i64,
        /// Available quantity.
        pub available_quantity: i64,
        /// Reserved quantity.
        pub reserved_quantity: i64,
        /// Sold quantity.
        pub sold_quantity: i64,
        /// The total in the base unit.
        pub base_quantity: i64,
        /// Least quantity one order takes.
        pub min_order_quantity: Option<i64>,
        /// Whether part of it may be bought.
        pub allow_partial: bool,
        /// FIXED, MATRIX, NEGOTIABLE or SPOT.
        pub price_type: String,
        /// Price (a MATRIX's base price) per `price_unit`.
        pub price: Option<i64>,
        /// The unit the price is per.
        pub price_unit: Option<String>,
        /// The price per base unit (rounded half away from zero to 4 places), for the search.
        pub base_price: Option<i64>,
        /// A MATRIX's steps `[{code, from, to, adjustment}]`.
        pub price_matrix: Option<Json>,
        /// `{code: value}`.
        pub quality: Json,
        /// A delivery term master.
        pub delivery_term_id: Option<Uuid>,
        /// A payment term master.
        pub payment_term_id: Option<Uuid>,
        /// First delivery date.
        pub delivery_from: Option<Date>,
        /// Last delivery date.
        pub delivery_to: Option<Date>,
        /// PUBLIC, PRIVATE, RESTRICTED or INTERNAL.
        pub visibility: String,
        /// A document of the seller holding the test report.
        pub test_report_document_id: Option<Uuid>,
        /// When it expires.
        pub expires_at: DateTimeUtc,
        /// DRAFT, ACTIVE, RESERVED, SOLD, EXPIRED or CANCELLED.
        pub status: String,
        /// PENDING, APPROVED, REJECTED or AUTO_APPROVED.
        pub approval_status: String,
        /// The seller precheck's score.
        pub precheck_score: Option<i32>,
        /// PASS, WARN or FAIL.
        pub precheck_status: Option<String>,
        /// The precheck's findings.
        pub precheck_factors: Option<Json>,
        /// Who approved or rejected it.
        pub decided_by: Option<Uuid>,
        /// When.
        pub decided_at: Option<DateTimeUtc>,
        /// Why it was rejected.
        pub rejection_reason: Option<String>,
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

/// Table `availability_allowed_buyers`.
pub mod allowed_buyer {
    use sea_orm::entity::prelude::*;

    /// One buyer a RESTRICTED availability is shown to.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "availability_allowed_buyers")]
    pub struct Model {
        /// The availability.
        #[sea_orm(primary_key, auto_increment = false)]
        pub availability_id: Uuid,
        /// The buyer.
        #[sea_orm(primary_key, auto_increment = false)]
        pub partner_id: Uuid,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::versioned!(availability::Model);
