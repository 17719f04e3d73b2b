//! The sea-orm entity of table `locations`.

/// Table `locations`.
pub mod location {
    use sea_orm::entity::prelude::*;

    /// One location (soft-deleted rows keep `deleted_at`).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "locations")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Display name.
        pub name: String,
        /// The external place id, unique among live locations.
        pub place_id: String,
        /// Postal address.
        pub address: Option<String>,
        /// Latitude, degrees.
        pub latitude: Option<f64>,
        /// Longitude, degrees.
        pub longitude: Option<f64>,
        /// PIN code.
        pub pincode: Option<String>,
        /// City.
        pub city: Option<String>,
        /// District.
        pub district: Option<String>,
        /// State.
        pub state: Option<String>,
        /// Two-letter state code.
        pub state_code: Option<String>,
        /// Country.
        pub country: String,
        /// Region derived from the state code.
        pub region: String,
        /// Whether it is in use.
        pub is_active: bool,
        /// Optimistic lock.
        pub version: i64,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// Soft deletion time.
        pub deleted_at: Option<DateTimeUtc>,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::soft_deleted!(location::Model);
