//! The inputs of partner changes.

use infra::Money;
use serde::Deserialize;

use crate::input::Contact;

/// `PATCH /partners/{id}`: the fields sent change. Contact, trade name and
/// `max_employees` need PARTNER_MANAGE; `rate_limit_tier` needs PARTNER_APPROVE.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartner {
    /// The contact person (all three fields; the mobile is normalized).
    pub contact: Option<Contact>,
    /// The trade name; `null` clears it.
    #[serde(default, deserialize_with = "some")]
    pub trade_name: Option<Option<String>>,
    /// Employees allowed besides the first admin, 0..=1000.
    pub max_employees: Option<i32>,
    /// FREE, BASIC, PREMIUM or ENTERPRISE.
    pub rate_limit_tier: Option<String>,
    /// The version the change is based on (or `If-Match`).
    pub version: Option<i64>,
}

/// A present field, even `null`, as `Some`.
fn some<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl UpdatePartner {
    /// Whether a field needing PARTNER_MANAGE is sent.
    pub fn manages(&self) -> bool {
        self.contact.is_some() || self.trade_name.is_some() || self.max_employees.is_some()
    }
}

/// `PUT /partners/{id}/credit-limit`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCreditLimit {
    /// The new limit in INR, 0 or more.
    pub credit_limit: Money,
    /// Why, 3..=500 characters (audited).
    pub reason: String,
}
