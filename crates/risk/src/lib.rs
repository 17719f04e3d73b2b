//! Risk: what each partner may owe and how it behaves. The exposure ledger
//! (`risk_exposures`, `risk_exposure_entries`) keeps each partner's utilised
//! credit per side exactly in step with its entries; the performance record
//! (`risk_performance`) holds rating, scores, disputes and trade count; the
//! assessments score sellers, buyers, trades and counterparties from those
//! facts and the partner's record, by the rules of DOMAIN.md ("Risk"). No
//! HTTP here: the server maps these services to `/api/v1/risk`.

/// The outbox topic of risk changes.
pub const TOPIC: &str = "risk-events";
/// Read exposure, performance and assessments.
pub const RISK_READ: &str = "RISK_READ";
/// Run assessments and validations.
pub const RISK_ASSESS: &str = "RISK_ASSESS";
/// Adjust exposure and correct performance records.
pub const RISK_MANAGE: &str = "RISK_MANAGE";

pub mod assessments;
pub mod facts;
pub mod precheck;
pub mod side;
pub mod validations;

pub use side::Side;
