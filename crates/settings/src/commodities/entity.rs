//! The sea-orm entities of the catalogue tables.

/// Table `commodities`.
pub mod commodity {
    use sea_orm::entity::prelude::*;

    /// One commodity (soft-deleted rows keep `deleted_at`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commodities")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Display name.
        pub name: String,
        /// Lower-cased name, unique among live commodities.
        pub name_key: String,
        /// Category code, such as COTTON.
        pub category: String,
        /// HSN code.
        pub hsn_code: String,
        /// GST rate in percent, scaled by 10^4.
        pub gst_rate: i64,
        /// Base unit.
        pub base_unit: String,
        /// Unit quantities are traded in.
        pub trade_unit: String,
        /// Unit rates are quoted per.
        pub rate_unit: String,
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

/// Table `commodity_varieties`.
pub mod variety {
    use sea_orm::entity::prelude::*;

    /// One variety of a commodity.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commodity_varieties")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// Code, unique per commodity.
        pub code: String,
        /// Name.
        pub name: String,
        /// The commodity's standard variety (at most one).
        pub is_standard: bool,
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

/// Table `commodity_parameters`.
pub mod parameter {
    use sea_orm::entity::prelude::*;

    /// One quality parameter of a commodity.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commodity_parameters")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// Name.
        pub name: String,
        /// Lower-cased name, unique per commodity.
        pub name_key: String,
        /// The key quality values name it by, unique per commodity (set on every row).
        pub code: Option<String>,
        /// NUMERIC, TEXT or RANGE.
        pub param_type: String,
        /// Unit of the values.
        pub unit: Option<String>,
        /// Lowest value, scaled by 10^4.
        pub min_value: Option<i64>,
        /// Highest value, scaled by 10^4.
        pub max_value: Option<i64>,
        /// Default value as text.
        pub default_value: Option<String>,
        /// Whether every trade must state it.
        pub is_mandatory: bool,
        /// Position in lists.
        pub display_order: i64,
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

/// Table `commission_structures`.
pub mod commission {
    use sea_orm::entity::prelude::*;

    /// One commission structure of a commodity.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commission_structures")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The commodity.
        pub commodity_id: Uuid,
        /// Name.
        pub name: String,
        /// PERCENTAGE, FIXED or TIERED.
        pub commission_type: String,
        /// Percent or fixed amount, scaled by 10^4.
        pub rate: Option<i64>,
        /// Lowest commission, scaled by 10^4.
        pub min_amount: Option<i64>,
        /// Highest commission, scaled by 10^4.
        pub max_amount: Option<i64>,
        /// BUYER, SELLER or BOTH.
        pub applies_to: String,
        /// Tiers of a TIERED structure.
        pub tiers: Option<Json>,
        /// Whether it is in use.
        pub is_active: bool,
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

/// Table `trade_terms`.
pub mod trade_term {
    use sea_orm::entity::prelude::*;

    /// One entry of a trade-term master.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "trade_terms")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Which master, such as PAYMENT_TERM.
        pub kind: String,
        /// Code, unique per kind.
        pub code: String,
        /// Name.
        pub name: String,
        /// Description.
        pub description: Option<String>,
        /// Bargain types: whether a bargain needs approval.
        pub needs_approval: Option<bool>,
        /// Passing terms: whether passing needs a quality test.
        pub needs_quality_test: Option<bool>,
        /// Weightment terms: deduction in percent, scaled by 10^4.
        pub deduction_percent: Option<i64>,
        /// Delivery terms: freight included.
        pub freight_included: Option<bool>,
        /// Delivery terms: insurance included.
        pub insurance_included: Option<bool>,
        /// Payment terms: days.
        pub days: Option<i64>,
        /// Payment terms: percentage paid, scaled by 10^4.
        pub percentage: Option<i64>,
        /// Whether it is in use.
        pub is_active: bool,
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

/// Table `units`.
pub mod unit {
    use sea_orm::entity::prelude::*;

    /// One unit and its factor to its base unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        /// Code, such as BALE.
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// Its base unit, such as KG.
        pub base_unit: String,
        /// Base units per unit, exact decimal text.
        pub factor: String,
        /// WEIGHT, PACKAGING, LENGTH, VOLUME, COUNT or AREA.
        pub category: String,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `commodity_parameter_templates`.
pub mod template {
    use sea_orm::entity::prelude::*;

    /// One quality parameter applied to new commodities of a category.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commodity_parameter_templates")]
    pub struct Model {
        /// Category code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: String,
        /// Parameter name.
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        /// NUMERIC, TEXT or RANGE.
        pub param_type: String,
        /// Unit.
        pub unit: Option<String>,
        /// Lowest value, scaled by 10^4.
        pub min_value: Option<i64>,
        /// Highest value, scaled by 10^4.
        pub max_value: Option<i64>,
        /// Default value.
        pub default_value: Option<String>,
        /// Mandatory.
        pub is_mandatory: bool,
        /// Position.
        pub display_order: i64,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::soft_deleted!(commodity::Model);
infra::versioned!(
    variety::Model,
    parameter::Model,
    commission::Model,
    trade_term::Model
);
