//! Inputs of the application operations. An update is applied onto the
//! stored application as a [`StartApplication`] and the whole result is
//! validated again ([`crate::validate`]), so both follow one set of rules.

use chrono::NaiveDate;
use infra::Money;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A postal address with its coordinates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// First line (required).
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City (required).
    pub city: String,
    /// District.
    pub district: Option<String>,
    /// State name.
    pub state: Option<String>,
    /// Two-letter state code (`GJ`; required in India, where a GST numeric code such as `24` is also accepted).
    pub state_code: Option<String>,
    /// Six digits in India.
    pub pincode: String,
    /// Degrees, -90..90.
    pub latitude: Option<f64>,
    /// Degrees, -180..180.
    pub longitude: Option<f64>,
}

/// The applicant's contact; its mobile is the applicant's credential and gets the first user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 2..200 characters.
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Mobile number (`+919876543210`; 10 digits alone get +91).
    pub mobile: String,
}

/// Bank details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bank {
    /// Name on the account.
    pub account_name: String,
    /// Account number, 6 to 34 letters and digits.
    pub account_number: String,
    /// IFSC of the branch.
    pub ifsc: String,
}

/// A new onboarding application (`POST /partners/applications`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartApplication {
    /// Registered legal name, 2..300 characters.
    pub legal_name: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// seller, buyer, trader, broker, sub_broker, transporter, controller,
    /// financer, shipping_agent, importer or exporter.
    pub partner_type: String,
    /// proprietorship, partnership, llp, private_limited, public_limited, huf,
    /// cooperative, trust or government.
    pub entity_type: String,
    /// ISO alpha-2; IN when absent.
    pub country: Option<String>,
    /// GSTIN (Indian business entities).
    pub gstin: Option<String>,
    /// PAN: characters 3-12 of the GSTIN (Indian business entities).
    pub pan: Option<String>,
    /// Import export code, 10 characters.
    pub iec: Option<String>,
    /// Tax id abroad (foreign business entities).
    pub foreign_tax_id: Option<String>,
    /// Address.
    pub address: Address,
    /// Contact.
    pub contact: Contact,
    /// Bank details.
    pub bank: Option<Bank>,
    /// Commodities traded.
    #[serde(default)]
    pub commodity_ids: Vec<Uuid>,
    /// Vehicle registration numbers (transporters): each needs a vehicle_rc document.
    #[serde(default)]
    pub vehicle_numbers: Vec<String>,
    /// When the business started (not in the future).
    pub business_start_date: Option<NaiveDate>,
    /// Annual turnover in INR (decimal string).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub annual_turnover: Option<Money>,
    /// excellent, good, average or poor.
    pub gst_compliance: Option<String>,
    /// Own quality lab.
    #[serde(default)]
    pub has_own_lab: bool,
    /// Own transport.
    #[serde(default)]
    pub has_own_transport: bool,
    /// The partner this applicant is a branch of (it may share that partner's PAN).
    pub master_partner_id: Option<Uuid>,
    /// Corporate group name.
    pub corporate_group: Option<String>,
}

/// Changes to an application in draft or info_requested; absent fields stay.
/// The contact's mobile cannot change: it is the applicant's credential.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateApplication {
    /// New legal name.
    pub legal_name: Option<String>,
    /// New trade name.
    pub trade_name: Option<String>,
    /// New partner type.
    pub partner_type: Option<String>,
    /// New entity type.
    pub entity_type: Option<String>,
    /// New country.
    pub country: Option<String>,
    /// New GSTIN.
    pub gstin: Option<String>,
    /// New PAN.
    pub pan: Option<String>,
    /// New IEC.
    pub iec: Option<String>,
    /// New foreign tax id.
    pub foreign_tax_id: Option<String>,
    /// New address (replaces the old one).
    pub address: Option<Address>,
    /// New contact (replaces the old one; same mobile).
    pub contact: Option<Contact>,
    /// New bank details.
    pub bank: Option<Bank>,
    /// New commodities.
    pub commodity_ids: Option<Vec<Uuid>>,
    /// New vehicles.
    pub vehicle_numbers: Option<Vec<String>>,
    /// New business start date.
    pub business_start_date: Option<NaiveDate>,
    /// New turnover.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub annual_turnover: Option<Money>,
    /// New GST compliance.
    pub gst_compliance: Option<String>,
    /// Own lab or not.
    pub has_own_lab: Option<bool>,
    /// Own transport or not.
    pub has_own_transport: Option<bool>,
    /// New master partner.
    pub master_partner_id: Option<Uuid>,
    /// New corporate group.
    pub corporate_group: Option<String>,
    /// The version the change is based on (or send `If-Match`).
    pub version: Option<i64>,
}

impl UpdateApplication {
    /// `start` with the fields present replaced.
    pub fn apply(self, mut start: StartApplication) -> StartApplication {
        macro_rules! set {
            ($($field:ident),+) => {$( if let Some(v) = self.$field { start.$field = v; } )+};
        }
        macro_rules! set_opt {
            ($($field:ident),+) => {$( if let Some(v) = self.$field { start.$field = Some(v); } )+};
        }
        set!(
            legal_name,
            partner_type,
            entity_type,
            address,
            contact,
            commodity_ids,
            vehicle_numbers
        );
        set!(has_own_lab, has_own_transport);
        set_opt!(
            trade_name,
            country,
            gstin,
            pan,
            iec,
            foreign_tax_id,
            bank,
            business_start_date
        );
        set_opt!(
            annual_turnover,
            gst_compliance,
            master_partner_id,
            corporate_group
        );
        start
    }
}

/// Filters of the application list.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only this partner type.
    #[serde(rename = "type")]
    pub partner_type: Option<String>,
    /// Part of the legal or trade name, GSTIN or PAN, case-insensitive.
    pub text: Option<String>,
}

/// An approval (`POST /applications/{id}/approve`).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Approve {
    /// The credit limit; the recommended one when absent.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub credit_limit: Option<Money>,
    /// Notes.
    pub notes: Option<String>,
}
