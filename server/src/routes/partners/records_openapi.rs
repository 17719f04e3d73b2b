//! The OpenAPI paths of the partner records and the request schemas they
//! accept, carrying the constraints `partners::records` enforces.

use std::collections::BTreeMap;

use utoipa::{OpenApi, ToSchema};

use super::records;

/// The contact person of a partner.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct ContactBody {
    /// 2..200 characters.
    #[schema(min_length = 2, max_length = 200)]
    full_name: String,
    /// E-mail.
    email: Option<String>,
    /// Mobile number (`+919876543210`; 10 digits alone get +91).
    #[schema(min_length = 10, max_length = 20)]
    mobile: String,
}

/// `PATCH /partners/{partner_id}`: the fields sent change.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct UpdatePartnerBody {
    /// The contact person (PARTNER_MANAGE).
    contact: Option<ContactBody>,
    /// The trade name, at most 300 characters; `null` clears it (PARTNER_MANAGE).
    #[schema(max_length = 300)]
    trade_name: Option<String>,
    /// Employees allowed besides the first admin (PARTNER_MANAGE).
    #[schema(minimum = 0, maximum = 1000)]
    max_employees: Option<i32>,
    /// The users' rate-limit tier (PARTNER_APPROVE).
    #[schema(pattern = "^(FREE|BASIC|PREMIUM|ENTERPRISE)$")]
    rate_limit_tier: Option<String>,
    /// The version the change is based on (or `If-Match`).
    version: Option<i64>,
}

/// `PUT /partners/{partner_id}/credit-limit`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct CreditLimitBody {
    /// INR, 0 or more, at most 4 decimal places (a string or a number).
    #[schema(value_type = String, pattern = r"^\d+(\.\d{1,4})?$", example = "5000000")]
    credit_limit: String,
    /// Why, 3..500 characters.
    #[schema(min_length = 3, max_length = 500)]
    reason: String,
}

/// The body of suspend and reactivate.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct ReasonBody {
    /// Why, 3..500 characters.
    #[schema(min_length = 3, max_length = 500)]
    reason: String,
}

/// `PUT /partners/{partner_id}/capabilities`: the codes sent are set, the others kept.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct CapabilitiesBody {
    /// Code (domestic_buy_india, domestic_sell_india, import_allowed,
    /// export_allowed, domestic_buy_home, domestic_sell_home) to held or not.
    capabilities: BTreeMap<String, bool>,
    /// Why, 3..500 characters.
    #[schema(min_length = 3, max_length = 500)]
    reason: String,
}

/// The partner record paths, merged into the partners module's document.
#[derive(OpenApi)]
#[openapi(
    paths(
        records::list,
        records::export,
        records::stats,
        records::get,
        records::update,
        records::credit_limit,
        records::suspend,
        records::reactivate,
        records::capabilities,
        records::set_capabilities,
    ),
    components(schemas(ContactBody, UpdatePartnerBody, CreditLimitBody, ReasonBody, CapabilitiesBody))
)]
pub struct RecordsDoc;
