//! Business partners: onboarding applications (start, update, documents,
//! submit with a score and a review routing, decisions), approved partners
//! with gap-free codes such as `BP-IND-SEL-0001` and their first user, and
//! party links between partners. No HTTP here: the server maps these
//! services to `/api/v1/partners` and their errors ([`infra::ServiceError`])
//! to problem+json.
//!
//! A document is a file (PDF, JPEG or PNG by content, at most
//! [`files::MAX_DOCUMENT_BYTES`], SHA-256 kept) with typed metadata, kept in
//! a [`files::DocumentStore`] (`DOCUMENT_STORE_URL`: a local directory,
//! `./data/documents` by default, `memory://`, or `s3://bucket/prefix` with
//! the `s3` feature). A write that fails leaves no file;
//! [`ApplicationService::sweep_orphans`] removes what a crash left. Who
//! reaches what is in [`access`]: files are never served across partners.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::{ApplicationService, Caller};
//! use partners::document_service::NewDocument;
//! use partners::files::{DocumentStore, Upload};
//! use partners::input::{Address, Contact, StartApplication};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let store = DocumentStore::from_url("./data/documents")?;
//! let applications = ApplicationService::new(infra).with_documents(store);
//! let staff = Actor::system();
//! let input = StartApplication {
//!     legal_name: "Acme Brokers".into(),
//!     partner_type: "broker".into(),
//!     entity_type: "llp".into(),
//!     address: Address { line1: "1 Main Road".into(), city: "Rajkot".into(), state_code: Some("GJ".into()), pincode: "360001".into(), ..Default::default() },
//!     contact: Contact { full_name: "A Shah".into(), email: None, mobile: "9876543210".into() },
//!     ..Default::default()
//! };
//! let started = applications.start(&Caller::staff(&staff), input).await?;
//! let bank_proof = NewDocument { document_type: "bank_proof".into(), ..Default::default() };
//! let file = Upload { file_name: Some("cheque.pdf".into()), bytes: std::fs::read("cheque.pdf")?.into() };
//! let document = applications.add_document(&Caller::staff(&staff), started.value.id, bank_proof, file).await?;
//! println!("stored {} bytes, sha256 {:?}", document.value.size_bytes.unwrap_or(0), document.value.sha256);
//! let submitted = applications.submit(&Caller::staff(&staff), started.value.id).await;
//! println!("{submitted:?}");
//! # Ok(()) }
//! ```

pub mod access;
pub mod amendments;
pub mod approval;
pub mod decisions;
pub mod document_files;
pub mod document_review;
pub mod document_service;
pub mod documents;
pub mod employees;
pub mod entity;
pub mod files;
pub mod input;
pub mod kyc;
pub mod links;
pub mod locations;
mod lookup;
pub mod me;
pub mod model;
pub mod places;
pub mod records;
mod scope;
pub mod scoring;
mod service;
pub mod types;
pub mod uniqueness;
pub mod validate;

pub use access::Caller;
pub use model::{Application, Decision, Partner};
pub use records::PartnerService;
pub use service::ApplicationService;

/// The outbox topic of partner and application changes.
pub const TOPIC: &str = "partner-events";
/// Start and submit applications on a partner's behalf.
pub const PARTNER_ONBOARD: &str = "PARTNER_ONBOARD";
/// Read partners and applications.
pub const PARTNER_READ: &str = "PARTNER_READ";
/// Decide applications; credit limits, tiers and suspension.
pub const PARTNER_APPROVE: &str = "PARTNER_APPROVE";
/// Approve applications routed to director or critical review.
pub const PARTNER_APPROVE_HIGH_RISK: &str = "PARTNER_APPROVE_HIGH_RISK";
/// Update partners and verify documents.
pub const PARTNER_MANAGE: &str = "PARTNER_MANAGE";

/// The event types on [`TOPIC`].
pub mod events {
    /// An application was started (aggregate `partner_application`).
    pub const APPLICATION_STARTED: &str = "PartnerApplicationStarted";
    /// An application's fields changed.
    pub const APPLICATION_UPDATED: &str = "PartnerApplicationUpdated";
    /// An application was submitted with its score and routing.
    pub const APPLICATION_SUBMITTED: &str = "PartnerApplicationSubmitted";
    /// Staff asked the applicant for more information.
    pub const INFO_REQUESTED: &str = "PartnerInfoRequested";
    /// An application was rejected.
    pub const APPLICATION_REJECTED: &str = "PartnerApplicationRejected";
    /// A partner was created from an approved application (aggregate `partner`).
    pub const PARTNER_APPROVED: &str = "PartnerApproved";
    /// A document (metadata and file) was added to an application.
    pub const DOCUMENT_ADDED: &str = "PartnerDocumentAdded";
    /// Staff verified a document.
    pub const DOCUMENT_VERIFIED: &str = "PartnerDocumentVerified";
    /// Staff rejected a document (the reason in the payload).
    pub const DOCUMENT_REJECTED: &str = "PartnerDocumentRejected";
    /// A partner's contact, trade name, employee limit or tier changed.
    pub const PARTNER_UPDATED: &str = "PartnerUpdated";
    /// A partner's credit limit changed (old, new, reason).
    pub const PARTNER_CREDIT_LIMIT_CHANGED: &str = "PartnerCreditLimitChanged";
    /// A partner was suspended (reason).
    pub const PARTNER_SUSPENDED: &str = "PartnerSuspended";
    /// A suspended partner was reactivated (reason).
    pub const PARTNER_REACTIVATED: &str = "PartnerReactivated";
    /// Staff overrode a partner's trade capabilities (changes, reason).
    pub const PARTNER_CAPABILITIES_CHANGED: &str = "PartnerCapabilitiesChanged";
    /// A place was added to a partner (`partner_id`, `child_id`, `child_version`, `item`).
    pub const PARTNER_LOCATION_ADDED: &str = "PartnerLocationAdded";
    /// A partner's place changed or was deactivated (`child_id`, `changes`).
    pub const PARTNER_LOCATION_UPDATED: &str = "PartnerLocationUpdated";
    /// A vehicle was added to a transporter (`partner_id`, `child_id`, `child_version`, `item`).
    pub const PARTNER_VEHICLE_ADDED: &str = "PartnerVehicleAdded";
    /// A transporter's vehicle changed or was deactivated (`child_id`, `changes`).
    pub const PARTNER_VEHICLE_UPDATED: &str = "PartnerVehicleUpdated";
    /// An amendment of a partner's field was requested (aggregate `partner_amendment`).
    pub const PARTNER_AMENDMENT_REQUESTED: &str = "PartnerAmendmentRequested";
    /// An amendment was approved and applied (aggregate `partner`, with the changes).
    pub const PARTNER_AMENDMENT_APPROVED: &str = "PartnerAmendmentApproved";
    /// An amendment was rejected (aggregate `partner_amendment`, the reason in the payload).
    pub const PARTNER_AMENDMENT_REJECTED: &str = "PartnerAmendmentRejected";
    /// An employee was invited (aggregate `partner`; `partner_id`, `user_id`, `item`).
    pub const PARTNER_EMPLOYEE_INVITED: &str = "PartnerEmployeeInvited";
    /// An invited employee logged in for the first time (`partner_id`, `user_id`).
    pub const PARTNER_EMPLOYEE_ACTIVATED: &str = "PartnerEmployeeActivated";
    /// An employee's role changed (`partner_id`, `user_id`, `changes`).
    pub const PARTNER_EMPLOYEE_ROLE_CHANGED: &str = "PartnerEmployeeRoleChanged";
    /// An employee was disabled: no login, sessions ended (`partner_id`, `user_id`).
    pub const PARTNER_EMPLOYEE_DISABLED: &str = "PartnerEmployeeDisabled";
    /// A disabled employee was enabled again (`partner_id`, `user_id`).
    pub const PARTNER_EMPLOYEE_ENABLED: &str = "PartnerEmployeeEnabled";
    /// A KYC threshold (90, 60, 30 or 7 days left) was reached (aggregate `partner_kyc_reminder`).
    pub const KYC_REMINDER_DUE: &str = "KycReminderDue";
    /// A partner's KYC ran out and was marked expired.
    pub const KYC_EXPIRED: &str = "KycExpired";
    /// Staff started a KYC renewal (renewal id and due date in the payload).
    pub const KYC_RENEWAL_STARTED: &str = "KycRenewalStarted";
    /// A KYC renewal passed: verified for another year.
    pub const KYC_RENEWED: &str = "KycRenewed";
    /// A KYC renewal failed: KYC expired (the partner is suspended too).
    pub const KYC_RENEWAL_FAILED: &str = "KycRenewalFailed";
}
