//! What the API answers about an organization.

use chrono::{DateTime, Utc};
use infra::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::organization;

/// An organization as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Legal name.
    pub legal_name: String,
    /// Kind.
    pub org_type: Option<String>,
    /// CIN.
    pub cin: Option<String>,
    /// PAN.
    pub pan: Option<String>,
    /// Currency.
    pub base_currency: String,
    /// Address.
    pub address: Option<serde_json::Value>,
    /// Contact.
    pub contact: Option<serde_json::Value>,
    /// Invoicing threshold.
    pub threshold_limit: Option<Money>,
    /// E-invoicing.
    pub e_invoice_enabled: bool,
    /// TDS rate, percent.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tds_rate: Option<Decimal>,
    /// TCS rate, percent.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tcs_rate: Option<Decimal>,
    /// Branding.
    pub branding: Option<serde_json::Value>,
    /// Extra configuration.
    pub extra_config: Option<serde_json::Value>,
    /// Whether it is in use.
    pub is_active: bool,
    /// Send back as `If-Match` when updating.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            legal_name: m.legal_name,
            org_type: m.org_type,
            cin: m.cin,
            pan: m.pan,
            base_currency: m.base_currency,
            address: m.address,
            contact: m.contact,
            threshold_limit: m.threshold_limit.map(Money::from_scaled),
            e_invoice_enabled: m.e_invoice_enabled,
            tds_rate: m.tds_rate.map(infra::money::from_scaled),
            tcs_rate: m.tcs_rate.map(infra::money::from_scaled),
            branding: m.branding,
            extra_config: m.extra_config,
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}
