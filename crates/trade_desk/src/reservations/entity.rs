//! The table `reservations`.

/// Table `reservations`.
pub mod reservation {
    use sea_orm::entity::prelude::*;

    /// Quantity of an availability held for a buyer; quantities and money scaled by 10^4.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reservations")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The availability held from.
        pub availability_id: Uuid,
        /// The buyer it is held for.
        pub buyer_partner_id: Uuid,
        /// The availability's seller.
        pub seller_partner_id: Uuid,
        /// The quantity asked, in `unit`.
        pub quantity: i64,
        /// The unit asked in.
        pub unit: String,
        /// The same quantity in the availability's unit (what moved to reserved).
        pub held_quantity: i64,
        /// The availability's unit.
        pub held_unit: String,
        /// INR reserved as the buyer's exposure.
        pub value: i64,
        /// Of `held_quantity`, what went back to the availability.
        pub released_quantity: i64,
        /// Of `value`, what went back to the buyer's credit.
        pub released_value: i64,
        /// The requirement it serves, if one.
        pub requirement_id: Option<Uuid>,
        /// When it expires.
        pub expires_at: DateTimeUtc,
        /// ACTIVE, RELEASED, EXPIRED or CONFIRMED.
        pub status: String,
        /// Who made it.
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
