//! Inputs of the location operations and their validation.

use infra::{ValidationError, Validator};
use serde::Deserialize;

use super::regions::Region;

/// A new location; creating a place id that exists answers the existing one.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLocation {
    /// Display name, 2..200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: String,
    /// The external place id (maps provider), 1..200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub place_id: String,
    /// Postal address, up to 500 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub address: Option<String>,
    /// Latitude, -90..90 (with `longitude`).
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub latitude: Option<f64>,
    /// Longitude, -180..180 (with `latitude`).
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub longitude: Option<f64>,
    /// Six digits in India, not starting with 0.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10))]
    pub pincode: Option<String>,
    /// City.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub city: Option<String>,
    /// District.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub district: Option<String>,
    /// State name.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub state: Option<String>,
    /// Two-letter state code (MH, GJ, ...) or GST state code (27, 24, ...),
    /// stored as the letter code; decides the region.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*([A-Za-z]{2}|0[1-9]|1[0-9]|2[0-4]|2[679]|3[0-8])\s*$")
    )]
    pub state_code: Option<String>,
    /// Country; India when absent or blank.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub country: Option<String>,
}

/// Changes to a location: only the name and the active flag change.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateLocation {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub name: Option<String>,
    /// Active or not.
    pub is_active: Option<bool>,
    /// The version the change is based on (or send `If-Match`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// Filters of the location list.
#[derive(Clone, Debug, Default)]
pub struct LocationFilter {
    /// Only this region.
    pub region: Option<String>,
    /// Only this state (name or code, case-insensitive).
    pub state: Option<String>,
    /// Only this city (case-insensitive).
    pub city: Option<String>,
    /// Only active or only inactive.
    pub active: Option<bool>,
    /// Part of the name, city, district or PIN code, case-insensitive.
    pub text: Option<String>,
}

use crate::tax_ids::{is_india, pincode_problem};

fn check_name(v: &mut Validator, name: &str) {
    v.check(
        (2..=200).contains(&name.trim().chars().count()),
        "name",
        "must be 2 to 200 characters",
    );
}

fn check_len(v: &mut Validator, field: &str, value: Option<&str>, max: usize) {
    if let Some(value) = value {
        v.check(
            value.trim().chars().count() <= max,
            field,
            &format!("must be at most {max} characters"),
        );
    }
}

impl CreateLocation {
    pub(crate) fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        check_name(&mut v, &self.name);
        let place = self.place_id.trim().chars().count();
        v.check(
            (1..=200).contains(&place),
            "place_id",
            "must be 1 to 200 characters",
        );
        check_len(&mut v, "address", self.address.as_deref(), 500);
        for (field, value) in [
            ("city", &self.city),
            ("district", &self.district),
            ("state", &self.state),
            ("country", &self.country),
        ] {
            check_len(&mut v, field, value.as_deref(), 100);
        }
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lng)) => {
                v.check(
                    (-90.0..=90.0).contains(&lat),
                    "latitude",
                    "must be from -90 to 90",
                );
                v.check(
                    (-180.0..=180.0).contains(&lng),
                    "longitude",
                    "must be from -180 to 180",
                );
            }
            (Some(_), None) => {
                v.check(false, "longitude", "is required with latitude");
            }
            (None, Some(_)) => {
                v.check(false, "latitude", "is required with longitude");
            }
            (None, None) => {}
        }
        let india = is_india(self.country.as_deref());
        if let Some(problem) = self
            .pincode
            .as_deref()
            .and_then(|pin| pincode_problem(pin, india))
        {
            v.check(false, "pincode", problem);
        }
        if let Some(code) = &self.state_code {
            let code = code.trim();
            let letters = code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic());
            v.check(
                letters || (india && crate::tax_ids::state_code_of_gst(code).is_some()),
                "state_code",
                "must be a two-letter state code such as GJ, or (in India) a GST state code such as 24",
            );
        }
        v.finish()
    }
}

impl UpdateLocation {
    pub(crate) fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        if let Some(name) = &self.name {
            check_name(&mut v, name);
        }
        v.finish()
    }
}

impl LocationFilter {
    pub(crate) fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        if let Some(region) = &self.region {
            v.check(
                Region::parse(&region.to_ascii_uppercase()).is_some(),
                "region",
                "must be one of NORTH, CENTRAL, EAST, WEST, SOUTH, NORTHEAST, UNKNOWN",
            );
        }
        v.finish()
    }
}
