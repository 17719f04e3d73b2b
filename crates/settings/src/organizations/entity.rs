//! The sea-orm entities of the organization tables.

/// Table `organizations`.
pub mod organization {
    use sea_orm::entity::prelude::*;

    /// One organization (soft-deleted rows keep `deleted_at`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Display name, unique among live organizations.
        pub name: String,
        /// Lower-cased name, for uniqueness.
        pub name_key: String,
        /// Registered legal name.
        pub legal_name: String,
        /// Kind of organization (upper snake case).
        pub org_type: Option<String>,
        /// Corporate identification number.
        pub cin: Option<String>,
        /// PAN.
        pub pan: Option<String>,
        /// ISO 4217 code.
        pub base_currency: String,
        /// Postal address.
        pub address: Option<Json>,
        /// Contact details.
        pub contact: Option<Json>,
        /// Invoicing threshold, scaled by 10^4.
        pub threshold_limit: Option<i64>,
        /// Whether e-invoices are issued.
        pub e_invoice_enabled: bool,
        /// TDS rate in percent, scaled by 10^4.
        pub tds_rate: Option<i64>,
        /// TCS rate in percent, scaled by 10^4.
        pub tcs_rate: Option<i64>,
        /// Logo, colours.
        pub branding: Option<Json>,
        /// Anything else.
        pub extra_config: Option<Json>,
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

/// Table `organization_gst_registrations`.
pub mod gst_registration {
    use sea_orm::entity::prelude::*;

    /// One GST registration.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization_gst_registrations")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The organization.
        pub organization_id: Uuid,
        /// 15-character GSTIN.
        pub gstin: String,
        /// Its first two digits.
        pub state_code: String,
        /// The state they name.
        pub state_name: String,
        /// Branch code.
        pub branch_code: Option<String>,
        /// At most one per organization.
        pub is_primary: bool,
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

/// Table `organization_bank_accounts`.
pub mod bank_account {
    use sea_orm::entity::prelude::*;

    /// One bank account.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organization_bank_accounts")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The organization.
        pub organization_id: Uuid,
        /// Name on the account.
        pub account_holder: String,
        /// Bank.
        pub bank_name: String,
        /// Account number.
        pub account_number: String,
        /// IFSC of the branch.
        pub ifsc: String,
        /// At most one per organization.
        pub is_default: bool,
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

/// Table `financial_years`.
pub mod financial_year {
    use sea_orm::entity::prelude::*;

    /// One financial year.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "financial_years")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The organization.
        pub organization_id: Uuid,
        /// Such as FY2026-27.
        pub name: String,
        /// First day.
        pub start_date: Date,
        /// Last day.
        pub end_date: Date,
        /// At most one per organization.
        pub is_active: bool,
        /// Optimistic lock; updates must send it.
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

/// Table `document_series`.
pub mod document_series {
    use sea_orm::entity::prelude::*;

    /// One numbering series.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_series")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The organization.
        pub organization_id: Uuid,
        /// INVOICE, CONTRACT, ...
        pub document_type: String,
        /// Put before the counter.
        pub prefix: String,
        /// The year it numbers.
        pub financial_year_id: Uuid,
        /// Whether a new year starts again at 000001.
        pub reset_annually: bool,
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

infra::soft_deleted!(organization::Model);
infra::versioned!(
    gst_registration::Model,
    bank_account::Model,
    financial_year::Model,
    document_series::Model,
);
