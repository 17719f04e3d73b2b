//! Indian states and union territories by their two-letter code, and the
//! region each belongs to.
//!
//! Regions follow the zonal councils of the States Reorganisation Act 1956
//! and the North Eastern Council (Sikkim included since 2002):
//!
//! | region | codes |
//! |---|---|
//! | NORTH | CH, DL, HP, HR, JK, LA, PB, RJ |
//! | CENTRAL | CG, MP, UK, UP |
//! | EAST | BR, JH, OD, WB, and AN (the Andaman and Nicobar Islands, served from Kolkata) |
//! | WEST | DH, GA, GJ, MH |
//! | SOUTH | AP, KA, KL, PY, TN, TS, and LD (Lakshadweep, served from Kochi) |
//! | NORTHEAST | AR, AS, ML, MN, MZ, NL, SK, TR |
//!
//! Codes are the vehicle-registration style codes; the ISO 3166-2 and older
//! spellings CT (Chhattisgarh), OR (Odisha), TG (Telangana), UT (Uttarakhand),
//! DN and DD (Dadra and Nagar Haveli and Daman and Diu) are accepted and stored
//! as the code above, and so are GST state codes (`24` is GJ, see
//! [`crate::tax_ids::GST_STATE_CODES`]). Any other code (a place abroad) has region UNKNOWN.

use serde::{Deserialize, Serialize};

/// A region of India.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Region {
    /// Northern zone.
    North,
    /// Central zone.
    Central,
    /// Eastern zone.
    East,
    /// Western zone.
    West,
    /// Southern zone.
    South,
    /// North-eastern states.
    Northeast,
    /// Not an Indian state code.
    Unknown,
}

impl Region {
    /// The stored and answered name, such as `WEST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::North => "NORTH",
            Self::Central => "CENTRAL",
            Self::East => "EAST",
            Self::West => "WEST",
            Self::South => "SOUTH",
            Self::Northeast => "NORTHEAST",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The region named `name` (upper case), if any.
    pub fn parse(name: &str) -> Option<Self> {
        ALL_REGIONS.into_iter().find(|r| r.as_str() == name)
    }
}

/// Every region.
pub const ALL_REGIONS: [Region; 7] = [
    Region::North,
    Region::Central,
    Region::East,
    Region::West,
    Region::South,
    Region::Northeast,
    Region::Unknown,
];

/// The 36 states and union territories: code, name, region.
pub const STATES: [(&str, &str, Region); 36] = [
    ("AN", "Andaman and Nicobar Islands", Region::East),
    ("AP", "Andhra Pradesh", Region::South),
    ("AR", "Arunachal Pradesh", Region::Northeast),
    ("AS", "Assam", Region::Northeast),
    ("BR", "Bihar", Region::East),
    ("CG", "Chhattisgarh", Region::Central),
    ("CH", "Chandigarh", Region::North),
    ("DH", "Dadra and Nagar Haveli and Daman and Diu", Region::West),
    ("DL", "Delhi", Region::North),
    ("GA", "Goa", Region::West),
    ("GJ", "Gujarat", Region::West),
    ("HP", "Himachal Pradesh", Region::North),
    ("HR", "Haryana", Region::North),
    ("JH", "Jharkhand", Region::East),
    ("JK", "Jammu and Kashmir", Region::North),
    ("KA", "Karnataka", Region::South),
    ("KL", "Kerala", Region::South),
    ("LA", "Ladakh", Region::North),
    ("LD", "Lakshadweep", Region::South),
    ("MH", "Maharashtra", Region::West),
    ("ML", "Meghalaya", Region::Northeast),
    ("MN", "Manipur", Region::Northeast),
    ("MP", "Madhya Pradesh", Region::Central),
    ("MZ", "Mizoram", Region::Northeast),
    ("NL", "Nagaland", Region::Northeast),
    ("OD", "Odisha", Region::East),
    ("PB", "Punjab", Region::North),
    ("PY", "Puducherry", Region::South),
    ("RJ", "Rajasthan", Region::North),
    ("SK", "Sikkim", Region::Northeast),
    ("TN", "Tamil Nadu", Region::South),
    ("TR", "Tripura", Region::Northeast),
    ("TS", "Telangana", Region::South),
    ("UK", "Uttarakhand", Region::Central),
    ("UP", "Uttar Pradesh", Region::Central),
    ("WB", "West Bengal", Region::East),
];

/// Other spellings of the same states: alias, code.
const ALIASES: [(&str, &str); 6] = [
    ("CT", "CG"),
    ("OR", "OD"),
    ("TG", "TS"),
    ("UT", "UK"),
    ("DN", "DH"),
    ("DD", "DH"),
];

/// `code` upper-cased, with an alias replaced by its code and a GST state
/// code (`"24"`) by its letter code (`GJ`).
pub fn canonical(code: &str) -> String {
    if let Some(letters) = crate::tax_ids::state_code_of_gst(code) {
        return letters.to_owned();
    }
    let upper = code.trim().to_ascii_uppercase();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == upper)
        .map(|(_, code)| (*code).to_owned())
        .unwrap_or(upper)
}

/// The region of a state code (any case, aliases accepted); UNKNOWN when it names no Indian state.
pub fn region_of(code: &str) -> Region {
    let code = canonical(code);
    STATES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Region::Unknown, |(_, _, region)| *region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_one_known_region_and_aliases_resolve() {
        let mut codes: Vec<&str> = STATES.iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 36);
        assert!(STATES.iter().all(|(_, _, r)| *r != Region::Unknown));
        assert_eq!(region_of("mh"), Region::West);
        assert_eq!(region_of("TG"), Region::South);
        assert_eq!(region_of("OR"), Region::East);
        assert_eq!(region_of("XX"), Region::Unknown);
        assert_eq!(canonical("24"), "GJ");
        assert_eq!(region_of("24"), Region::West);
        assert_eq!(Region::parse("NORTHEAST"), Some(Region::Northeast));
    }
}
