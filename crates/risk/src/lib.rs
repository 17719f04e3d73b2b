//! Risk: what each partner may owe and how it behaves. The exposure ledger
//! (`risk_exposures`, `risk_exposure_entries`) keeps each partner's utilised
//! credit per side exactly in step with its entries; the performance record
//! (`risk_performance`) holds rating, scores, disputes and trade count; the
//! assessments score sellers, buyers, trades and counterparties from those
//! facts and the partner's record, by the rules of DOMAIN.md ("Risk"). No
//! HTTP here: the server maps these services to `/api/v1/risk`.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig, PageRequest};
//! use risk::LedgerService;
//!
//! # async fn demo(staff: Actor) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let ledger = LedgerService::new(infra);
//! for row in ledger.monitor(&staff, None, PageRequest::default()).await?.items {
//!     println!("{} {}% {:?}", row.code, row.exposure.utilisation, row.exposure.band);
//! }
//! # Ok(()) }
//! ```

/// The outbox topic of risk changes.
pub const TOPIC: &str = "risk-events";
/// Read exposure, performance and assessments.
pub const RISK_READ: &str = "RISK_READ";
/// Run assessments and validations.
pub const RISK_ASSESS: &str = "RISK_ASSESS";
/// Adjust exposure and correct performance records.
pub const RISK_MANAGE: &str = "RISK_MANAGE";
/// The named real-time channel of risk alerts.
pub const ALERTS_CHANNEL: &str = "risk:alerts";

pub mod assessments;
pub mod facts;
pub mod precheck;
/// The event types on [`TOPIC`] of the ledger and the performance record.
pub mod events {
    /// The aggregate of exposure events: the partner's exposure (id: the partner).
    pub const EXPOSURE_AGGREGATE: &str = "risk_exposure";
    /// The aggregate of performance events (id: the partner).
    pub const PERFORMANCE_AGGREGATE: &str = "risk_performance";
    /// A partner's buyer band moved up (GREEN -> YELLOW -> RED).
    pub const EXPOSURE_BAND_CHANGED: &str = "ExposureBandChanged";
    /// Staff adjusted a partner's exposure.
    pub const EXPOSURE_ADJUSTED: &str = "ExposureAdjusted";
    /// Staff corrected a partner's performance record.
    pub const PERFORMANCE_CORRECTED: &str = "PerformanceCorrected";
}

pub mod error;
pub mod exposure;
pub mod me;
pub mod monitor;
pub mod performance;
pub mod service;
pub mod side;
pub mod validations;

pub use error::RiskError;
pub use service::LedgerService;
pub use side::Side;
