//! The six trade-term masters (trade types, bargain types, passing terms,
//! weightment terms, delivery terms, payment terms) in one table and one
//! generic service: each kind names its segment, its event stem and which of
//! the optional attributes it takes; codes are unique per kind.

mod model;
mod service;

pub use model::{TermInput, TradeTerm};
pub use service::TermService;

/// How long a master stays cached.
pub(super) const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// The optional attributes a kind of term may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribute {
    /// `needs_approval` (bargain types).
    NeedsApproval,
    /// `needs_quality_test` (passing terms).
    NeedsQualityTest,
    /// `deduction_percent` (weightment terms).
    DeductionPercent,
    /// `freight_included` (delivery terms).
    FreightIncluded,
    /// `insurance_included` (delivery terms).
    InsuranceIncluded,
    /// `days` (payment terms).
    Days,
    /// `percentage` (payment terms).
    Percentage,
}

/// A kind of trade term.
pub trait TermKind: Send + Sync + 'static {
    /// Stored kind, such as `PAYMENT_TERM`.
    const KIND: &'static str;
    /// URL segment under `/commodities/terms/`, such as `payment-terms`.
    const SEGMENT: &'static str;
    /// Event stem: `{EVENT}Created`, `{EVENT}Updated`, `{EVENT}Deleted`.
    const EVENT: &'static str;
    /// The attributes it takes.
    const ATTRIBUTES: &'static [Attribute];
}

macro_rules! term_kind {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $segment:literal, $event:literal, [$($attr:ident),*]) => {
        $(#[$doc])*
        pub struct $name;

        impl TermKind for $name {
            const KIND: &'static str = $kind;
            const SEGMENT: &'static str = $segment;
            const EVENT: &'static str = $event;
            const ATTRIBUTES: &'static [Attribute] = &[$(Attribute::$attr),*];
        }
    };
}

term_kind!(
    /// Trade types (spot, forward, ...).
    TradeTypes, "TRADE_TYPE", "trade-types", "TradeType", []
);
term_kind!(
    /// Bargain types, some needing approval.
    BargainTypes, "BARGAIN_TYPE", "bargain-types", "BargainType", [NeedsApproval]
);
term_kind!(
    /// Passing terms, some needing a quality test.
    PassingTerms, "PASSING_TERM", "passing-terms", "PassingTerm", [NeedsQualityTest]
);
term_kind!(
    /// Weightment terms with a deduction percent.
    WeightmentTerms, "WEIGHTMENT_TERM", "weightment-terms", "WeightmentTerm", [DeductionPercent]
);
term_kind!(
    /// Delivery terms, with freight and insurance included or not.
    DeliveryTerms, "DELIVERY_TERM", "delivery-terms", "DeliveryTerm", [FreightIncluded, InsuranceIncluded]
);
term_kind!(
    /// Payment terms: days and percentage paid.
    PaymentTerms, "PAYMENT_TERM", "payment-terms", "PaymentTerm", [Days, Percentage]
);
