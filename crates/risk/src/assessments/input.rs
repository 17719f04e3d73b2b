//! What callers send to run an assessment.

use infra::{Money, Quantity};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /assessments/seller` and `/buyer`: a partner about to sell or buy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SideAssessment {
    /// The partner (a partner's user: its own, 404 otherwise).
    pub partner_id: Uuid,
    /// A commodity of the catalogue.
    pub commodity_id: Uuid,
    /// The quantity traded, above 0.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub quantity: Quantity,
    /// The trade value in INR, above 0.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub value: Money,
}

/// `POST /assessments/trade`: a buyer and a seller about to trade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TradeAssessment {
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The seller.
    pub seller_partner_id: Uuid,
    /// The trade value in INR, above 0.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub value: Money,
}

/// `POST /assessments/counterparty`: how a partner stands as a counterparty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CounterpartyAssessment {
    /// The partner.
    pub partner_id: Uuid,
}
