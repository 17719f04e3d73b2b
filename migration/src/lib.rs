//! Database schema migrations for every module, one file per change, named
//! `mYYYYMMDD_NNNNNN_what.rs`. The same migrations build PostgreSQL and SQLite.
//!
//! ```no_run
//! # async fn run(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<(), sea_orm_migration::DbErr> {
//! use migration::{Migrator, MigratorTrait};
//! Migrator::up(db, None).await?;
//! # Ok(()) }
//! ```

pub use sea_orm_migration::prelude::*;

/// A fingerprint of every migration's source: changes whenever one is edited,
/// not only when one is added (test templates are keyed by it).
pub const FINGERPRINT: &str = env!("MIGRATIONS_FINGERPRINT");

mod m20261125_000001_foundation;
mod m20261125_000002_identity;
mod m20261125_000003_organizations;
mod m20261125_000004_sub_users;
mod m20261125_000005_totp;
mod m20261125_000006_inbox;
mod m20261125_000007_catalogue;
mod m20261125_000008_outbox_sequence;
mod m20261201_000009_job_runs;
mod m20261201_000010_counters;
mod m20261202_000011_partners;
mod m20261202_000013_partner_records;
mod m20261202_000014_partner_locations;
mod m20261202_000015_partner_vehicles;
mod m20261202_000016_kyc;
mod m20261202_000017_partner_amendments;
mod m20261202_000018_risk;
mod m20261202_000019_partner_employees;
mod m20261202_000021_partner_document_lapse;
mod m20261202_000022_parameter_codes;
mod m20261202_000023_requirements;
mod m20261203_000024_availabilities;
mod m20261203_000025_requirement_precheck;
mod m20261203_000026_reservations;
mod m20261203_000027_availability_search;
mod m20261204_000028_trades;
mod m20261204_000029_matching;

/// Every migration of the project, in the order they apply.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_identity::Migration),
            Box::new(m20261125_000003_organizations::Migration),
            Box::new(m20261125_000004_sub_users::Migration),
            Box::new(m20261125_000005_totp::Migration),
            Box::new(m20261125_000006_inbox::Migration),
            Box::new(m20261125_000007_catalogue::Migration),
            Box::new(m20261125_000008_outbox_sequence::Migration),
            Box::new(m20261201_000009_job_runs::Migration),
            Box::new(m20261201_000010_counters::Migration),
            Box::new(m20261202_000011_partners::Migration),
            Box::new(m20261202_000013_partner_records::Migration),
            Box::new(m20261202_000014_partner_locations::Migration),
            Box::new(m20261202_000015_partner_vehicles::Migration),
            Box::new(m20261202_000016_kyc::Migration),
            Box::new(m20261202_000017_partner_amendments::Migration),
            Box::new(m20261202_000018_risk::Migration),
            Box::new(m20261202_000019_partner_employees::Migration),
            Box::new(m20261202_000021_partner_document_lapse::Migration),
            Box::new(m20261202_000022_parameter_codes::Migration),
            Box::new(m20261202_000023_requirements::Migration),
            Box::new(m20261203_000024_availabilities::Migration),
            Box::new(m20261203_000025_requirement_precheck::Migration),
            Box::new(m20261203_000026_reservations::Migration),
            Box::new(m20261203_000027_availability_search::Migration),
            Box::new(m20261204_000028_trades::Migration),
            Box::new(m20261204_000029_matching::Migration),
        ]
    }
}
