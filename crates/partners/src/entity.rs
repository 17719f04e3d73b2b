//! The sea-orm entities of tables `partner_applications`, `partners` and
//! `partner_documents`. Money columns are scaled by 10^4 (`infra::money`).

/// Table `partner_applications`.
pub mod application {
    use sea_orm::entity::prelude::*;

    /// One onboarding application.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_applications")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// draft, submitted, info_requested, approved or rejected.
        pub status: String,
        /// Registered legal name.
        pub legal_name: String,
        /// Trade name.
        pub trade_name: Option<String>,
        /// Partner type.
        pub partner_type: String,
        /// Legal form.
        pub entity_type: String,
        /// ISO alpha-2 country.
        pub country: String,
        /// GSTIN (Indian).
        pub gstin: Option<String>,
        /// PAN (Indian).
        pub pan: Option<String>,
        /// Import export code.
        pub iec: Option<String>,
        /// Tax id abroad.
        pub foreign_tax_id: Option<String>,
        /// Postal address (JSON of `Address`).
        pub address: Json,
        /// Contact person.
        pub contact_name: String,
        /// Contact e-mail.
        pub contact_email: Option<String>,
        /// The applicant's mobile (`+91…`): its credential and its first user.
        pub contact_mobile: String,
        /// Bank details (JSON of `Bank`).
        pub bank: Option<Json>,
        /// Commodity ids (JSON array).
        pub commodity_ids: Json,
        /// The partner this applicant is a branch of.
        pub master_partner_id: Option<Uuid>,
        /// Corporate group as sent.
        pub corporate_group: Option<String>,
        /// Corporate group, trimmed and lower-cased, for matching.
        pub corporate_group_key: Option<String>,
        /// Vehicle registration numbers (transporters; JSON array).
        pub vehicle_numbers: Json,
        /// When the business started.
        pub business_start_date: Option<Date>,
        /// Annual turnover in INR, scaled by 10^4.
        pub annual_turnover: Option<i64>,
        /// GST compliance.
        pub gst_compliance: Option<String>,
        /// Own quality lab.
        pub has_own_lab: bool,
        /// Own transport.
        pub has_own_transport: bool,
        /// Score at submit.
        pub score: Option<i32>,
        /// Risk category at submit.
        pub risk_category: Option<String>,
        /// Review routing at submit.
        pub routing: Option<String>,
        /// Recommended credit limit, scaled by 10^4.
        pub recommended_credit_limit: Option<i64>,
        /// The score's factors (JSON array of `Factor`).
        pub factors: Option<Json>,
        /// Last submission.
        pub submitted_at: Option<DateTimeUtc>,
        /// Last decision (approve, reject, request info).
        pub decided_at: Option<DateTimeUtc>,
        /// Who decided; none for an automatic approval.
        pub decided_by: Option<Uuid>,
        /// The approval notes, rejection reason or information request.
        pub decision_note: Option<String>,
        /// The partner an approval created.
        pub partner_id: Option<Uuid>,
        /// Who started it (staff on the partner's behalf), if a user.
        pub started_by: Option<Uuid>,
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

/// Table `partners`.
pub mod partner {
    use sea_orm::entity::prelude::*;

    /// One business partner.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partners")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Such as BP-IND-SEL-0001.
        pub code: String,
        /// The application it was approved from.
        pub application_id: Uuid,
        /// pending, approved, rejected, suspended or inactive.
        pub status: String,
        /// business_entity or service_provider.
        pub entity_class: String,
        /// pending, verified, expired or renewal_required.
        pub kyc_status: String,
        /// When the KYC runs out.
        pub kyc_expires_on: Option<Date>,
        /// Credit limit in INR, scaled by 10^4.
        pub credit_limit: i64,
        /// Risk category.
        pub risk_category: String,
        /// Onboarding score.
        pub score: i32,
        /// Trade capabilities (JSON array of names).
        pub capabilities: Json,
        /// Registered legal name.
        pub legal_name: String,
        /// Trade name.
        pub trade_name: Option<String>,
        /// Partner type.
        pub partner_type: String,
        /// Legal form.
        pub entity_type: String,
        /// ISO alpha-2 country.
        pub country: String,
        /// GSTIN.
        pub gstin: Option<String>,
        /// PAN.
        pub pan: Option<String>,
        /// Import export code.
        pub iec: Option<String>,
        /// Tax id abroad.
        pub foreign_tax_id: Option<String>,
        /// Postal address.
        pub address: Json,
        /// Contact person.
        pub contact_name: String,
        /// Contact e-mail.
        pub contact_email: Option<String>,
        /// Contact mobile.
        pub contact_mobile: String,
        /// Bank details.
        pub bank: Option<Json>,
        /// Commodity ids.
        pub commodity_ids: Json,
        /// The master partner of a branch.
        pub master_partner_id: Option<Uuid>,
        /// Corporate group as sent.
        pub corporate_group: Option<String>,
        /// Corporate group, trimmed and lower-cased.
        pub corporate_group_key: Option<String>,
        /// FREE, BASIC, PREMIUM or ENTERPRISE: its users' rate limit.
        pub rate_limit_tier: String,
        /// Employees allowed besides the first admin.
        pub max_employees: i32,
        /// Why it is suspended, while it is.
        pub suspended_reason: Option<String>,
        /// When it was suspended, while it is.
        pub suspended_at: Option<DateTimeUtc>,
        /// Who suspended it, while it is.
        pub suspended_by: Option<Uuid>,
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

/// Table `partner_documents`.
pub mod document {
    use sea_orm::entity::prelude::*;

    /// The metadata of one document of an application (and later its partner).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_documents")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The application.
        pub application_id: Uuid,
        /// The partner, once approved.
        pub partner_id: Option<Uuid>,
        /// gst_certificate, pan_card, iec, bank_proof, cancelled_cheque, vehicle_rc or foreign_tax_id.
        pub document_type: String,
        /// The number on it (a vehicle_rc's is the vehicle's registration).
        pub document_number: Option<String>,
        /// Issue date.
        pub issued_on: Option<Date>,
        /// Expiry date.
        pub expires_on: Option<Date>,
        /// Original file name (upload).
        pub file_name: Option<String>,
        /// PDF, JPEG or PNG (upload).
        pub content_type: Option<String>,
        /// Size in bytes, at most 5 MiB (upload).
        pub size_bytes: Option<i64>,
        /// SHA-256 of the content, hex (upload).
        pub sha256: Option<String>,
        /// Set by staff.
        pub verified: bool,
        /// When it was verified.
        pub verified_at: Option<DateTimeUtc>,
        /// Who verified it.
        pub verified_by: Option<Uuid>,
        /// The KYC renewal it was filed for (none: the application's).
        pub renewal_id: Option<Uuid>,
        /// When the daily check found it verified and past its expiry date.
        pub lapsed_at: Option<DateTimeUtc>,
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

infra::versioned!(application::Model, partner::Model, document::Model);
