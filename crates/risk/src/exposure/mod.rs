//! The exposure ledger: per partner and side, the `utilised` total and the
//! entries that make it up. [`apply`] is the one way to move it, called
//! inside the caller's transaction (the trade desk's reservations and
//! trades, the staff adjustments of [`crate::LedgerService::adjust`]).
//!
//! ```no_run
//! use risk::exposure::{ExposureMove, Reason, apply};
//! use risk::Side;
//!
//! # async fn demo(tx: &infra::WriteTx, buyer: uuid::Uuid, reservation: uuid::Uuid) -> Result<(), risk::RiskError> {
//! let moved = apply(tx, ExposureMove {
//!     partner_id: buyer,
//!     side: Side::Buyer,
//!     amount: "250000".parse().unwrap_or_default(),
//!     reason: Reason::Reservation,
//!     reference_id: Some(reservation),
//!     note: None,
//! })
//! .await?;
//! println!("utilised {} of {}", moved.utilised, moved.credit_limit);
//! # Ok(()) }
//! ```

pub mod adjust;
pub mod apply;
pub mod band;
pub mod entity;
pub mod reband;
pub mod view;

pub use adjust::AdjustExposure;
pub use apply::{ExposureMove, Moved, Reason, apply};
pub use band::{Band, Severity, classify, utilisation};
pub use reband::{Rebanding, reband};
pub use view::{Entry, PartnerExposure, Utilised};
