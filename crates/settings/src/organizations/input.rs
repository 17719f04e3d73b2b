//! Inputs of the organization operations and their validation.

use infra::{Money, ValidationError, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::tax_ids::{is_cin, is_pan};
use crate::users::normalize_email;

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// First line.
    pub line1: Option<String>,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// District.
    pub district: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Six digits in India.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10))]
    pub pincode: Option<String>,
    /// Country (default India).
    pub country: Option<String>,
}

/// Contact details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// E-mail.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 320))]
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Contact person.
    pub person: Option<String>,
}

/// A new organization: only `name` is required.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    /// Display name, unique (case-insensitive) among live organizations.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: String,
    /// Registered legal name; the name when absent or empty.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 300))]
    #[serde(default)]
    pub legal_name: String,
    /// Kind (upper snake case, such as TRADING_HOUSE).
    #[cfg_attr(feature = "openapi", schema(max_length = 32, pattern = r"^[A-Z][A-Z0-9_]*$"))]
    pub org_type: Option<String>,
    /// Corporate identification number (21 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[LU][0-9]{5}[A-Z]{2}[0-9]{4}[A-Z]{3}[0-9]{6}$")
    )]
    pub cin: Option<String>,
    /// PAN (10 characters).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{5}[0-9]{4}[A-Z]$"))]
    pub pan: Option<String>,
    /// ISO 4217 code; INR when absent.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{3}$"))]
    pub base_currency: Option<String>,
    /// Postal address.
    pub address: Option<Address>,
    /// Contact details.
    pub contact: Option<Contact>,
    /// Invoicing threshold amount.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub threshold_limit: Option<Money>,
    /// Whether e-invoices are issued.
    pub e_invoice_enabled: Option<bool>,
    /// TDS rate, percent (0..100).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub tds_rate: Option<Decimal>,
    /// TCS rate, percent (0..100).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub tcs_rate: Option<Decimal>,
    /// Logo, colours.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub branding: Option<serde_json::Value>,
    /// Anything else.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub extra_config: Option<serde_json::Value>,
}

/// Changes to an organization; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: Option<String>,
    /// New legal name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 300))]
    pub legal_name: Option<String>,
    /// New kind.
    #[cfg_attr(feature = "openapi", schema(max_length = 32, pattern = r"^[A-Z][A-Z0-9_]*$"))]
    pub org_type: Option<String>,
    /// New CIN.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[LU][0-9]{5}[A-Z]{2}[0-9]{4}[A-Z]{3}[0-9]{6}$")
    )]
    pub cin: Option<String>,
    /// New PAN.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{5}[0-9]{4}[A-Z]$"))]
    pub pan: Option<String>,
    /// New currency.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{3}$"))]
    pub base_currency: Option<String>,
    /// New address (replaces the old one).
    pub address: Option<Address>,
    /// New contact (replaces the old one).
    pub contact: Option<Contact>,
    /// New threshold.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub threshold_limit: Option<Money>,
    /// E-invoicing on or off.
    pub e_invoice_enabled: Option<bool>,
    /// New TDS rate.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub tds_rate: Option<Decimal>,
    /// New TCS rate.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub tcs_rate: Option<Decimal>,
    /// New branding.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub branding: Option<serde_json::Value>,
    /// New extra configuration.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub extra_config: Option<serde_json::Value>,
    /// Active or not.
    pub is_active: Option<bool>,
    /// The version the change is based on (or send `If-Match`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// Filters of the organization list.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFilter {
    /// Part of the name, case-insensitive.
    pub name: Option<String>,
    /// Only active or only inactive.
    pub active: Option<bool>,
}

fn is_code(s: &str) -> bool {
    crate::capabilities::is_code(s) && s.len() <= 32
}

/// The checks shared by create and update, over the fields present.
pub(crate) struct Fields<'a> {
    pub name: Option<&'a str>,
    pub legal_name: Option<&'a str>,
    pub org_type: Option<&'a str>,
    pub cin: Option<&'a str>,
    pub pan: Option<&'a str>,
    pub base_currency: Option<&'a str>,
    pub address: Option<&'a Address>,
    pub contact: Option<&'a Contact>,
    pub threshold_limit: Option<Money>,
    pub tds_rate: Option<Decimal>,
    pub tcs_rate: Option<Decimal>,
    pub json: [(&'static str, Option<&'a serde_json::Value>); 2],
}

impl Fields<'_> {
    pub(crate) fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        let len = |s: &str| s.trim().chars().count();
        if let Some(name) = self.name {
            v.check(
                (2..=200).contains(&len(name)),
                "name",
                "must be 2 to 200 characters",
            );
        }
        if let Some(legal) = self.legal_name {
            v.check(
                (2..=300).contains(&len(legal)),
                "legal_name",
                "must be 2 to 300 characters",
            );
        }
        if let Some(t) = self.org_type {
            v.check(
                is_code(t),
                "org_type",
                "must be an upper snake case code such as TRADING_HOUSE",
            );
        }
        if let Some(cin) = self.cin {
            v.check(
                is_cin(cin),
                "cin",
                "must be a 21-character CIN such as U74999MH2015PTC123456",
            );
        }
        if let Some(pan) = self.pan {
            v.check(
                is_pan(pan),
                "pan",
                "must be a PAN: five letters, four digits, a letter (AAPFU0939F)",
            );
        }
        if let Some(c) = self.base_currency {
            v.check(
                c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "base_currency",
                "must be an ISO 4217 code such as INR",
            );
        }
        if let Some(address) = self.address {
            let india = crate::tax_ids::is_india(address.country.as_deref());
            let pin = address.pincode.as_deref();
            if let Some(problem) = pin.and_then(|pin| crate::tax_ids::pincode_problem(pin, india)) {
                v.check(false, "address.pincode", problem);
            }
        }
        if let Some(email) = self.contact.and_then(|c| c.email.as_deref()) {
            v.check(
                normalize_email(email).is_ok(),
                "contact.email",
                "must be an e-mail address such as accounts@example.com",
            );
        }
        if let Some(limit) = self.threshold_limit {
            v.check(
                !limit.value().is_sign_negative(),
                "threshold_limit",
                "must not be negative",
            );
        }
        for (field, rate) in [("tds_rate", self.tds_rate), ("tcs_rate", self.tcs_rate)] {
            if let Some(rate) = rate {
                let ok = rate >= Decimal::ZERO
                    && rate <= Decimal::ONE_HUNDRED
                    && infra::money::to_scaled(rate).is_ok();
                v.check(
                    ok,
                    field,
                    "must be a percentage from 0 to 100 with at most 4 decimal places",
                );
            }
        }
        for (field, value) in self.json {
            if let Some(value) = value {
                v.check(value.is_object(), field, "must be a JSON object");
            }
        }
        v.finish()
    }
}

impl CreateOrganization {
    /// The legal name to store: the one sent, or the name when none was.
    pub(crate) fn legal_name_or_name(&self) -> &str {
        match self.legal_name.trim() {
            "" => self.name.trim(),
            legal => legal,
        }
    }

    pub(crate) fn fields(&self) -> Fields<'_> {
        Fields {
            name: Some(&self.name),
            legal_name: Some(self.legal_name_or_name()),
            org_type: self.org_type.as_deref(),
            cin: self.cin.as_deref(),
            pan: self.pan.as_deref(),
            base_currency: self.base_currency.as_deref(),
            address: self.address.as_ref(),
            contact: self.contact.as_ref(),
            threshold_limit: self.threshold_limit,
            tds_rate: self.tds_rate,
            tcs_rate: self.tcs_rate,
            json: [
                ("branding", self.branding.as_ref()),
                ("extra_config", self.extra_config.as_ref()),
            ],
        }
    }
}

impl UpdateOrganization {
    pub(crate) fn fields(&self) -> Fields<'_> {
        Fields {
            name: self.name.as_deref(),
            legal_name: self.legal_name.as_deref(),
            org_type: self.org_type.as_deref(),
            cin: self.cin.as_deref(),
            pan: self.pan.as_deref(),
            base_currency: self.base_currency.as_deref(),
            address: self.address.as_ref(),
            contact: self.contact.as_ref(),
            threshold_limit: self.threshold_limit,
            tds_rate: self.tds_rate,
            tcs_rate: self.tcs_rate,
            json: [
                ("branding", self.branding.as_ref()),
                ("extra_config", self.extra_config.as_ref()),
            ],
        }
    }
}
