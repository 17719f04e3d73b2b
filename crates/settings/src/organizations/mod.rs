//! Organizations and their children (GST registrations, bank accounts,
//! financial years, document series) and gap-free document numbering.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use settings::organizations::{CreateOrganization, OrganizationService};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let orgs = OrganizationService::new(infra);
//! let input = CreateOrganization { name: "Shree Cotton".into(), legal_name: "Shree Cotton Pvt Ltd".into(), ..Default::default() };
//! let created = orgs.create(&Actor::system(), input).await?;
//! println!("organization {} at version {}", created.value.id, created.value.version);
//! # Ok(()) }
//! ```

mod access;
pub mod bank_accounts;
pub mod children;
pub mod entity;
pub mod financial_years;
pub mod gst;
mod input;
mod model;
pub mod numbering;
pub mod series;
mod service;

pub use children::{Child, ChildService, OrganizationParent};
pub use input::{Address, Contact, CreateOrganization, OrganizationFilter, UpdateOrganization};
pub use model::Organization;
pub use numbering::DocumentNumber;
pub use service::OrganizationService;

/// The outbox topic of organization changes.
pub const TOPIC: &str = "organization-events";
/// Create organizations.
pub const ORG_CREATE: &str = "ORG_CREATE";
/// Read organizations.
pub const ORG_READ: &str = "ORG_READ";
/// Change organizations and their children.
pub const ORG_UPDATE: &str = "ORG_UPDATE";
/// Delete organizations.
pub const ORG_DELETE: &str = "ORG_DELETE";
/// Take document numbers.
pub const DOCUMENT_NUMBER_ISSUE: &str = "DOCUMENT_NUMBER_ISSUE";
