//! What callers see: an application, a partner, and the outcome of a submit.

use chrono::{DateTime, NaiveDate, Utc};
use infra::Money;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::{application, partner};
use crate::input::{Address, Bank, Contact};
use crate::scoring::Factor;

/// An onboarding application as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    /// Id.
    pub id: Uuid,
    /// draft, submitted, info_requested, approved or rejected.
    pub status: String,
    /// Legal name.
    pub legal_name: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Partner type.
    pub partner_type: String,
    /// Entity type.
    pub entity_type: String,
    /// ISO alpha-2.
    pub country: String,
    /// GSTIN.
    pub gstin: Option<String>,
    /// PAN.
    pub pan: Option<String>,
    /// IEC.
    pub iec: Option<String>,
    /// Foreign tax id.
    pub foreign_tax_id: Option<String>,
    /// Address.
    pub address: Address,
    /// Contact.
    pub contact: Contact,
    /// Bank details.
    pub bank: Option<Bank>,
    /// Commodities.
    pub commodity_ids: Vec<Uuid>,
    /// Vehicles (transporters).
    pub vehicle_numbers: Vec<String>,
    /// Business start.
    pub business_start_date: Option<NaiveDate>,
    /// Annual turnover, INR.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub annual_turnover: Option<Money>,
    /// GST compliance.
    pub gst_compliance: Option<String>,
    /// Own lab.
    pub has_own_lab: bool,
    /// Own transport.
    pub has_own_transport: bool,
    /// Master partner of a branch.
    pub master_partner_id: Option<Uuid>,
    /// Corporate group.
    pub corporate_group: Option<String>,
    /// Score (from the last submit).
    pub score: Option<i32>,
    /// Risk category (from the last submit).
    pub risk_category: Option<String>,
    /// Routing (from the last submit).
    pub routing: Option<String>,
    /// Recommended credit limit.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub recommended_credit_limit: Option<Money>,
    /// The score's factors with signed points.
    pub factors: Vec<Factor>,
    /// Last submit.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Last decision.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided (none for an automatic approval).
    pub decided_by: Option<Uuid>,
    /// Approval notes, rejection reason or information request.
    pub decision_note: Option<String>,
    /// The partner an approval created.
    pub partner_id: Option<Uuid>,
    /// Send back as `If-Match` when updating.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn from_json<T: serde::de::DeserializeOwned + Default>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap_or_default()
}

impl From<application::Model> for Application {
    fn from(m: application::Model) -> Self {
        Self {
            id: m.id,
            status: m.status,
            legal_name: m.legal_name,
            trade_name: m.trade_name,
            partner_type: m.partner_type,
            entity_type: m.entity_type,
            country: m.country,
            gstin: m.gstin,
            pan: m.pan,
            iec: m.iec,
            foreign_tax_id: m.foreign_tax_id,
            address: from_json(m.address),
            contact: Contact {
                full_name: m.contact_name,
                email: m.contact_email,
                mobile: m.contact_mobile,
            },
            bank: m.bank.map(from_json),
            commodity_ids: from_json(m.commodity_ids),
            vehicle_numbers: from_json(m.vehicle_numbers),
            business_start_date: m.business_start_date,
            annual_turnover: m.annual_turnover.map(Money::from_scaled),
            gst_compliance: m.gst_compliance,
            has_own_lab: m.has_own_lab,
            has_own_transport: m.has_own_transport,
            master_partner_id: m.master_partner_id,
            corporate_group: m.corporate_group,
            score: m.score,
            risk_category: m.risk_category,
            routing: m.routing,
            recommended_credit_limit: m.recommended_credit_limit.map(Money::from_scaled),
            factors: m.factors.map(from_json).unwrap_or_default(),
            submitted_at: m.submitted_at,
            decided_at: m.decided_at,
            decided_by: m.decided_by,
            decision_note: m.decision_note,
            partner_id: m.partner_id,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A business partner as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partner {
    /// Id.
    pub id: Uuid,
    /// Such as BP-IND-SEL-0001.
    pub code: String,
    /// The application it came from.
    pub application_id: Uuid,
    /// pending, approved, rejected, suspended or inactive.
    pub status: String,
    /// business_entity or service_provider.
    pub entity_class: String,
    /// pending, verified, expired or renewal_required.
    pub kyc_status: String,
    /// When the KYC runs out.
    pub kyc_expires_on: Option<NaiveDate>,
    /// Credit limit, INR.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub credit_limit: Money,
    /// Risk category.
    pub risk_category: String,
    /// Onboarding score.
    pub score: i32,
    /// Trade capabilities from verified documents.
    pub capabilities: Vec<String>,
    /// Legal name.
    pub legal_name: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Partner type.
    pub partner_type: String,
    /// Entity type.
    pub entity_type: String,
    /// ISO alpha-2.
    pub country: String,
    /// GSTIN.
    pub gstin: Option<String>,
    /// PAN.
    pub pan: Option<String>,
    /// Master partner of a branch.
    pub master_partner_id: Option<Uuid>,
    /// Corporate group.
    pub corporate_group: Option<String>,
    /// Contact person.
    pub contact: Contact,
    /// Bank details (the account number masked to its last 4 in lists and exports).
    pub bank: Option<Bank>,
    /// Rate-limit tier of its users: FREE, BASIC, PREMIUM or ENTERPRISE.
    pub rate_limit_tier: String,
    /// Employees allowed besides the first admin.
    pub max_employees: i32,
    /// Why it is suspended, while it is.
    pub suspended_reason: Option<String>,
    /// When it was suspended, while it is.
    pub suspended_at: Option<DateTime<Utc>>,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<partner::Model> for Partner {
    fn from(m: partner::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            application_id: m.application_id,
            status: m.status,
            entity_class: m.entity_class,
            kyc_status: m.kyc_status,
            kyc_expires_on: m.kyc_expires_on,
            credit_limit: Money::from_scaled(m.credit_limit),
            risk_category: m.risk_category,
            score: m.score,
            capabilities: from_json(m.capabilities),
            legal_name: m.legal_name,
            trade_name: m.trade_name,
            partner_type: m.partner_type,
            entity_type: m.entity_type,
            country: m.country,
            gstin: m.gstin,
            pan: m.pan,
            master_partner_id: m.master_partner_id,
            corporate_group: m.corporate_group,
            contact: Contact {
                full_name: m.contact_name,
                email: m.contact_email,
                mobile: m.contact_mobile,
            },
            bank: m.bank.map(from_json),
            rate_limit_tier: m.rate_limit_tier,
            max_employees: m.max_employees,
            suspended_reason: m.suspended_reason,
            suspended_at: m.suspended_at,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// What a decision (or an automatic approval) produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// The application after it.
    pub application: Application,
    /// The partner an approval created.
    pub partner: Option<Partner>,
    /// The partner's first user (PARTNER_ADMIN) an approval created.
    pub first_user_id: Option<Uuid>,
}
