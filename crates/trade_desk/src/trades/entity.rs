//! The table `trades`.

/// Table `trades`.
pub mod trade {
    use sea_orm::entity::prelude::*;

    /// A confirmed reservation; quantities and money scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "trades")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// `TRD-{year}-{6 digits}`, gap-free per business year.
        pub number: String,
        /// CONFIRMED, SETTLED or CANCELLED.
        pub status: String,
        /// The reservation confirmed (one trade each).
        pub reservation_id: Uuid,
        /// The availability sold from.
        pub availability_id: Uuid,
        /// The requirement it fulfils, if one.
        pub requirement_id: Option<Uuid>,
        /// The seller.
        pub seller_partner_id: Uuid,
        /// The buyer.
        pub buyer_partner_id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// The availability's variety.
        pub variety_id: Option<Uuid>,
        /// Quantity traded, in `unit` (the availability's).
        pub quantity: i64,
        /// The availability's unit.
        pub unit: String,
        /// Agreed price per one `price_unit`.
        pub price: i64,
        /// The unit the price is per.
        pub price_unit: String,
        /// Quantity × price by the unit conversion, to 2 places: the taxable value.
        pub amount: i64,
        /// GST rate in percent.
        pub gst_rate: i64,
        /// INTRA_STATE or INTER_STATE.
        pub supply: String,
        /// CGST.
        pub cgst: i64,
        /// SGST.
        pub sgst: i64,
        /// IGST.
        pub igst: i64,
        /// Amount + GST.
        pub total: i64,
        /// The commission lines (`[CommissionLine]`).
        pub commissions: Json,
        /// The sum of the commission lines.
        pub commission: i64,
        /// What it entered on the buyer's exposure (the total).
        pub buyer_exposure: i64,
        /// What it entered on the seller's delivery obligation (the amount).
        pub seller_exposure: i64,
        /// What it added to the requirement's purchased quantity, in the requirement's unit.
        pub requirement_quantity: Option<i64>,
        /// The quality parameters it was confirmed at (`{code: value}`).
        pub quality: Json,
        /// Payment term.
        pub payment_term_id: Option<Uuid>,
        /// Delivery term.
        pub delivery_term_id: Option<Uuid>,
        /// The business date of the confirmation (its number's year).
        pub business_date: Date,
        /// When it was confirmed.
        pub confirmed_at: DateTimeUtc,
        /// Who confirmed it.
        pub confirmed_by: Option<Uuid>,
        /// When it was settled.
        pub settled_at: Option<DateTimeUtc>,
        /// Who settled it.
        pub settled_by: Option<Uuid>,
        /// When it was cancelled.
        pub cancelled_at: Option<DateTimeUtc>,
        /// Who cancelled it.
        pub cancelled_by: Option<Uuid>,
        /// Why it was cancelled.
        pub cancel_reason: Option<String>,
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

    infra::versioned!(Model);
}
