//! The trade desk: what sellers offer (availabilities) and what buyers
//! need (requirements), checked against the catalogue's quality parameters
//! by their codes, the partners' sides and capabilities and the risk
//! prechecks; reservations that hold quantity for a buyer, the trades
//! confirmed from them with their money and contract note ([`trades`]),
//! and matching ([`matching`]). No HTTP here: the server maps these
//! services to `/api/v1/trade-desk`.

pub mod acting;
pub mod availabilities;
pub mod circular;
pub mod matching;
pub mod quality;
pub mod requirements;
pub mod reservations;
pub mod search;
pub mod trades;

/// The outbox topic of availability changes.
pub const AVAILABILITY_TOPIC: &str = "availability-events";
/// The outbox topic of requirement changes.
pub const REQUIREMENT_TOPIC: &str = "requirement-events";
/// Create, update and cancel one's own availabilities.
pub const AVAILABILITY_CREATE: &str = "AVAILABILITY_CREATE";
/// Read availabilities.
pub const AVAILABILITY_READ: &str = "AVAILABILITY_READ";
/// Approve or reject availabilities.
pub const AVAILABILITY_APPROVE: &str = "AVAILABILITY_APPROVE";
/// Create, update, publish and cancel one's own requirements.
pub const REQUIREMENT_CREATE: &str = "REQUIREMENT_CREATE";
/// Read requirements.
pub const REQUIREMENT_READ: &str = "REQUIREMENT_READ";
/// Reserve quantity of availabilities and release it.
pub const AVAILABILITY_RESERVE: &str = "AVAILABILITY_RESERVE";
/// Read reservations and trades.
pub const TRADE_READ: &str = "TRADE_READ";
/// Confirm reservations into trades (the seller's side, or staff).
pub const TRADE_CONFIRM: &str = "TRADE_CONFIRM";
/// Settle trades, and (staff) cancel them.
pub const TRADE_SETTLE: &str = "TRADE_SETTLE";
/// The outbox topic of trade changes (aggregate `trade`).
pub const TRADE_TOPIC: &str = "trade-events";
/// Run matching of any requirement or availability and set its weights (staff).
pub const MATCHING_EXECUTE: &str = "MATCHING_EXECUTE";
/// The outbox topic of match changes (aggregate `match`).
pub const MATCH_TOPIC: &str = "match-events";

/// The event types on [`AVAILABILITY_TOPIC`] (aggregate `availability`),
/// [`REQUIREMENT_TOPIC`] (aggregate `requirement`) and [`MATCH_TOPIC`]
/// (aggregate `match`).
pub mod events {
    /// An availability was created (ACTIVE when auto-approved, else DRAFT and PENDING).
    pub const AVAILABILITY_CREATED: &str = "AvailabilityCreated";
    /// An availability was approved (by staff, or `auto` at creation).
    pub const AVAILABILITY_APPROVED: &str = "AvailabilityApproved";
    /// An availability was rejected (`reason`).
    pub const AVAILABILITY_REJECTED: &str = "AvailabilityRejected";
    /// An availability's fields changed (`changes`).
    pub const AVAILABILITY_UPDATED: &str = "AvailabilityUpdated";
    /// An availability was cancelled (`reason`).
    pub const AVAILABILITY_CANCELLED: &str = "AvailabilityCancelled";
    /// An availability's expiry passed (`previous` status).
    pub const AVAILABILITY_EXPIRED: &str = "AvailabilityExpired";
    /// Quantity of an availability was reserved for a buyer (`reservation`).
    pub const QUANTITY_RESERVED: &str = "QuantityReserved";
    /// A reservation gave quantity back (`reservation`, `released_quantity`, `released_value`).
    pub const QUANTITY_RELEASED: &str = "QuantityReleased";
    /// A reservation's hold passed and its quantity went back (`reservation`).
    pub const RESERVATION_EXPIRED: &str = "ReservationExpired";
    /// A requirement was created (DRAFT, with its number).
    pub const REQUIREMENT_CREATED: &str = "RequirementCreated";
    /// A requirement was published (ACTIVE).
    pub const REQUIREMENT_PUBLISHED: &str = "RequirementPublished";
    /// A requirement's fields changed (`changes`).
    pub const REQUIREMENT_UPDATED: &str = "RequirementUpdated";
    /// A requirement was cancelled (`reason`).
    pub const REQUIREMENT_CANCELLED: &str = "RequirementCancelled";
    /// A requirement's validity passed (`previous` status).
    pub const REQUIREMENT_EXPIRED: &str = "RequirementExpired";
    /// Reserved quantity of an availability was sold by a trade (`trade_id`, `quantity`, `price`).
    pub const AVAILABILITY_SOLD: &str = "AvailabilitySold";
    /// A cancelled trade gave its quantity back to the availability (`trade_id`, `quantity`).
    pub const AVAILABILITY_SALE_REVERSED: &str = "AvailabilitySaleReversed";
    /// A trade added to a requirement's purchased quantity and spend (`trade_id`, `quantity`, `spend`).
    pub const REQUIREMENT_FULFILMENT_RECORDED: &str = "RequirementFulfilmentRecorded";
    /// A requirement reached its maximum quantity (FULFILLED).
    pub const REQUIREMENT_FULFILLED: &str = "RequirementFulfilled";
    /// A cancelled trade took its quantity and spend back from a requirement.
    pub const REQUIREMENT_FULFILMENT_REVERSED: &str = "RequirementFulfilmentReversed";
    /// A reservation became a trade (on `trade-events`, aggregate `trade`).
    pub const TRADE_CONFIRMED: &str = "TradeConfirmed";
    /// A trade was settled: both exposures released.
    pub const TRADE_SETTLED: &str = "TradeSettled";
    /// A trade was cancelled (`reason`): quantity, exposures and fulfilment reversed.
    pub const TRADE_CANCELLED: &str = "TradeCancelled";
    /// A match was found: a new pair, one found again after expiring, or a
    /// better score of an open one (`previous_score`; on `match-events`).
    pub const MATCH_FOUND: &str = "MatchFound";
    /// A stored match's score or parts changed otherwise (`previous_score`).
    pub const MATCH_UPDATED: &str = "MatchUpdated";
    /// A match was dismissed (`previous_status`).
    pub const MATCH_DISMISSED: &str = "MatchDismissed";
    /// A reservation naming the requirement was made (`reservation_id`, `previous_status`).
    pub const MATCH_RESERVED: &str = "MatchReserved";
    /// An open match stopped fitting or a side stopped being active (`reason`).
    pub const MATCH_EXPIRED: &str = "MatchExpired";
    /// A NEW match was pushed to its buyer (`pushed`: false when the pair
    /// had been pushed within its quiet time), now NOTIFIED.
    pub const MATCH_NOTIFIED: &str = "MatchNotified";
}
