//! The inputs of a partner's places and their offline checks.

use infra::{ServiceError, Validator};
use serde::{Deserialize, Serialize};
use settings::tax_ids::{gst_code_of_state, parse_gstin};
use uuid::Uuid;

use crate::input::Address;

/// The kinds of place a partner has.
pub const LOCATION_TYPES: &[&str] = &[
    "principal",
    "branch",
    "warehouse",
    "factory",
    "ginning_mill",
    "ship_to",
    "port",
    "icd",
];

/// The partner types that may have `ship_to` places.
pub const SHIP_TO_PARTNER_TYPES: &[&str] = &["buyer", "trader"];

/// A new place (`POST /partners/{partner_id}/locations`): a registered
/// settings location (`location_id`) or an address of its own, not both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    /// Display name, 2..200 characters.
    pub name: String,
    /// principal, branch, warehouse, factory, ginning_mill, ship_to (buyers
    /// and traders only), port or icd.
    pub location_type: String,
    /// A registered settings location.
    pub location_id: Option<Uuid>,
    /// An address with its state code, latitude and longitude.
    pub address: Option<Address>,
    /// GSTIN of the place: required for a branch in another state than the
    /// principal; it must carry the partner's PAN and the place's state code.
    pub gstin: Option<String>,
}

/// Changes to a place (`PATCH`): the fields sent change; its type does not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocationChanges {
    /// Display name, 2..200 characters.
    pub name: Option<String>,
    /// A registered settings location (replaces the address).
    pub location_id: Option<Uuid>,
    /// An address of its own (replaces the settings location).
    pub address: Option<Address>,
    /// GSTIN of the place; an empty string clears it.
    pub gstin: Option<String>,
    /// The version the change is based on (or `If-Match`).
    pub version: Option<i64>,
}

/// Checks a display name (422 naming `name`).
pub(crate) fn check_name(v: &mut Validator, name: &str) -> String {
    let name = name.trim();
    v.check(
        (2..=200).contains(&name.chars().count()),
        "name",
        "must be 2 to 200 characters",
    );
    name.to_owned()
}

/// Checks an address of a place: the application's rules, and coordinates required.
pub(crate) fn check_address(v: &mut Validator, mut address: Address, india: bool) -> Address {
    crate::validate::check_address(v, &mut address, india);
    v.check(address.latitude.is_some(), "address.latitude", "is required");
    v.check(address.longitude.is_some(), "address.longitude", "is required");
    address
}

/// What a GSTIN check needs of the place and its partner.
pub(crate) struct GstFacts<'a> {
    /// The place's type.
    pub location_type: &'a str,
    /// The place's state code (letters).
    pub state_code: Option<&'a str>,
    /// The state code of the partner's active principal.
    pub principal_state: Option<&'a str>,
    /// The partner's PAN.
    pub pan: Option<&'a str>,
    /// Whether the partner is in India.
    pub india: bool,
}

/// The normalized GSTIN of a place, checked against the partner's PAN and the
/// place's state; required for a branch in another state than the principal.
pub(crate) fn check_gstin(v: &mut Validator, raw: Option<&str>, facts: &GstFacts<'_>) -> Option<String> {
    let raw = raw.map(str::trim).filter(|g| !g.is_empty());
    let Some(raw) = raw else {
        let other_state = facts.principal_state.is_some() && facts.state_code != facts.principal_state;
        v.check(
            !(facts.india && facts.location_type == "branch" && other_state),
            "gstin",
            "is required for a branch in another state than the principal",
        );
        return None;
    };
    let gstin = v.take("gstin", parse_gstin(raw)).map(|(g, _)| g)?;
    if let Some(pan) = facts.pan {
        v.check(&gstin[2..12] == pan, "gstin", "must carry the partner's PAN");
    }
    if let Some(state) = facts.state_code {
        let code = gst_code_of_state(state);
        v.check(
            code.is_none_or(|c| c == &gstin[..2]),
            "gstin",
            &format!(
                "is registered in state {} but the place is in {state}",
                &gstin[..2]
            ),
        );
    }
    Some(gstin)
}

/// Refuses an unknown type, and `ship_to` for partners other than buyers and traders.
pub(crate) fn check_type(location_type: &str, partner_type: &str) -> Result<(), ServiceError> {
    if !LOCATION_TYPES.contains(&location_type) {
        return Err(ServiceError::field(
            "location_type",
            "must be principal, branch, warehouse, factory, ginning_mill, ship_to, port or icd",
        ));
    }
    if location_type == "ship_to" && !SHIP_TO_PARTNER_TYPES.contains(&partner_type) {
        return Err(ServiceError::field(
            "location_type",
            "ship_to places are for buyers and traders only",
        ));
    }
    Ok(())
}
