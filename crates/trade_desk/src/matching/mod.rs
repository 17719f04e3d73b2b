//! Matching: for a buyer's requirement, the seller availabilities that fit
//! it, and the reverse, scored and stored per pair (DOMAIN.md, "Trade
//! desk", Matching).
//!
//! - [`engine`]: the library function. Candidates chosen in SQL
//!   ([`candidates`]: ACTIVE, same commodity, unexpired, visible to the
//!   buyer, at a delivery location or in one of their states unless
//!   cross-state is allowed, enough quantity, price within the maximum),
//!   checked exactly ([`rules`]), one read of the partners named for the
//!   party links (linked sellers removed) and the sellers' standing, the
//!   sellers' prechecks in one batch (stored nowhere), each pair scored
//!   ([`score`]) by its category's weights ([`weights`], table
//!   `matching_weights`).
//! - [`store`]: the matches of a run written per pair (NEW, NOTIFIED,
//!   DISMISSED, RESERVED, EXPIRED), each change one event on
//!   [`crate::MATCH_TOPIC`].
//! - [`MatchingService`]: runs, lists, dismissals and the weights, each
//!   checking who asks ([`access`]); one run of a side in [`runs`].
//! - [`reactions`]: the consumer group `matching` re-matching the side an
//!   event changed, and the 30-second sweep that catches up on lost events;
//!   [`pushes`]: the consumer group `matching-pushes` telling the buyer
//!   (throttled, each pair once per 5 minutes) and the seller.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use trade_desk::matching::MatchingService;
//!
//! # async fn demo(buyer: Actor, requirement: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let matching = MatchingService::new(infra);
//! let run = matching.run_requirement(&buyer, requirement, false).await?.value;
//! for m in run.items {
//!     println!("{} scores {} ({})", m.availability_id, m.score, m.label);
//! }
//! # Ok(()) }
//! ```

pub mod access;
pub mod candidates;
pub mod engine;
pub mod entity;
pub mod model;
pub mod pushes;
pub mod reactions;
pub mod rules;
pub mod runs;
pub mod score;
pub mod service;
pub mod sides;
pub mod store;
pub mod weights;

use infra::Infra;
use serde::{Deserialize, Serialize};

pub use model::{CategoryWeights, Dropped, Match, MatchRun, SetWeights, WeightsList};
pub use score::{MatchParts, Weights};

/// Matching over any [`Infra`].
#[derive(Clone)]
pub struct MatchingService<I: Infra> {
    pub(crate) infra: I,
}

impl<I: Infra> MatchingService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }
}

/// A page of stored matches, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchPage {
    /// The matches.
    pub items: Vec<Match>,
    /// The cursor of the next page; absent on the last.
    pub next_cursor: Option<String>,
}
