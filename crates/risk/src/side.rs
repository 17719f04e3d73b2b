//! The two sides of a partner's exposure, and the neutral performance of a
//! partner without history (DOMAIN.md, "Risk").

use serde::{Deserialize, Serialize};

/// Which side of trades an exposure or a check concerns: what a partner owes
/// as a buyer (checked against its credit limit), or its delivery
/// obligations as a seller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// What the partner owes for what it buys.
    Buyer,
    /// What the partner must deliver for what it sells.
    Seller,
}

impl Side {
    /// The stored name (`buyer`, `seller`).
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Seller => "seller",
        }
    }

    /// The side stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "buyer" => Some(Side::Buyer),
            "seller" => Some(Side::Seller),
            _ => None,
        }
    }
}

/// The performance of a partner without history: rating 3.0 (in tenths),
/// delivery and payment scores 70, no disputes, no trades.
pub mod neutral {
    /// Rating 3.0, kept in tenths.
    pub const RATING_TENTHS: i32 = 30;
    /// Delivery score out of 100.
    pub const DELIVERY_SCORE: i32 = 70;
    /// Payment score out of 100.
    pub const PAYMENT_SCORE: i32 = 70;
    /// Disputes raised.
    pub const DISPUTES: i32 = 0;
    /// Trades done.
    pub const TRADE_COUNT: i32 = 0;
}
