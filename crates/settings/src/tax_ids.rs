//! Indian tax and bank identifiers, validated offline: GSTIN (format and check
//! digit, state from its first two digits), PAN, CIN and IFSC.

/// The GST state (or union territory) for a two-digit code.
pub fn gst_state(code: &str) -> Option<&'static str> {
    Some(match code {
        "01" => "Jammu and Kashmir",
        "02" => "Himachal Pradesh",
        "03" => "Punjab",
        "04" => "Chandigarh",
        "05" => "Uttarakhand",
        "06" => "Haryana",
        "07" => "Delhi",
        "08" => "Rajasthan",
        "09" => "Uttar Pradesh",
        "10" => "Bihar",
        "11" => "Sikkim",
        "12" => "Arunachal Pradesh",
        "13" => "Nagaland",
        "14" => "Manipur",
        "15" => "Mizoram",
        "16" => "Tripura",
        "17" => "Meghalaya",
        "18" => "Assam",
        "19" => "West Bengal",
        "20" => "Jharkhand",
        "21" => "Odisha",
        "22" => "Chhattisgarh",
        "23" => "Madhya Pradesh",
        "24" => "Gujarat",
        "25" => "Daman and Diu",
        "26" => "Dadra and Nagar Haveli and Daman and Diu",
        "27" => "Maharashtra",
        "28" => "Andhra Pradesh (old)",
        "29" => "Karnataka",
        "30" => "Goa",
        "31" => "Lakshadweep",
        "32" => "Kerala",
        "33" => "Tamil Nadu",
        "34" => "Puducherry",
        "35" => "Andaman and Nicobar Islands",
        "36" => "Telangana",
        "37" => "Andhra Pradesh",
        "38" => "Ladakh",
        "97" => "Other Territory",
        "99" => "Centre Jurisdiction",
        _ => return None,
    })
}

const GST_CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The check character of the first 14 characters of a GSTIN.
pub fn gstin_check_char(first14: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, c) in first14.bytes().enumerate() {
        let value = GST_CHARS.iter().position(|&g| g == c)? as u32;
        let product = value * if i % 2 == 0 { 1 } else { 2 };
        sum += product / 36 + product % 36;
    }
    Some(GST_CHARS[((36 - sum % 36) % 36) as usize] as char)
}

/// A validated GSTIN (upper case) with its state, or what is wrong with it.
pub fn parse_gstin(raw: &str) -> Result<(String, &'static str), String> {
    let gstin = raw.trim().to_ascii_uppercase();
    if gstin.len() != 15 || !gstin.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("must be 15 letters and digits, such as 27AAPFU0939F1ZV".into());
    }
    let state = gst_state(&gstin[..2])
        .ok_or_else(|| format!("starts with {}, which is not a GST state code", &gstin[..2]))?;
    if !is_pan(&gstin[2..12]) {
        return Err("characters 3 to 12 must be a PAN (five letters, four digits, a letter)".into());
    }
    let expected = gstin_check_char(&gstin[..14]).ok_or("contains characters a GSTIN cannot hold")?;
    if !gstin.ends_with(expected) {
        return Err(format!(
            "has a wrong check digit: the last character should be {expected}"
        ));
    }
    Ok((gstin, state))
}

/// GST state codes and the two-letter state codes they stand for
/// (`../shared/DOMAIN.md`, Partners), such as `("24", "GJ")`.
pub const GST_STATE_CODES: [(&str, &str); 36] = [
    ("01", "JK"),
    ("02", "HP"),
    ("03", "PB"),
    ("04", "CH"),
    ("05", "UK"),
    ("06", "HR"),
    ("07", "DL"),
    ("08", "RJ"),
    ("09", "UP"),
    ("10", "BR"),
    ("11", "SK"),
    ("12", "AR"),
    ("13", "NL"),
    ("14", "MN"),
    ("15", "MZ"),
    ("16", "TR"),
    ("17", "ML"),
    ("18", "AS"),
    ("19", "WB"),
    ("20", "JH"),
    ("21", "OD"),
    ("22", "CG"),
    ("23", "MP"),
    ("24", "GJ"),
    ("26", "DH"),
    ("27", "MH"),
    ("29", "KA"),
    ("30", "GA"),
    ("31", "LD"),
    ("32", "KL"),
    ("33", "TN"),
    ("34", "PY"),
    ("35", "AN"),
    ("36", "TS"),
    ("37", "AP"),
    ("38", "LA"),
];

/// The two-letter state code of a GST state code (`"24"` is `GJ`), if it names a state.
pub fn state_code_of_gst(gst_code: &str) -> Option<&'static str> {
    let code = gst_code.trim();
    GST_STATE_CODES
        .iter()
        .find(|(digits, _)| *digits == code)
        .map(|(_, letters)| *letters)
}

/// The GST state code of a two-letter state code (`GJ` is `"24"`), if it has one.
pub fn gst_code_of_state(state_code: &str) -> Option<&'static str> {
    let code = state_code.trim().to_ascii_uppercase();
    GST_STATE_CODES
        .iter()
        .find(|(_, letters)| *letters == code)
        .map(|(digits, _)| *digits)
}

/// Whether `s` is a PAN: five letters, four digits, one letter.
pub fn is_pan(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

/// Whether `s` is an IFSC: four letters, a zero, six letters or digits.
pub fn is_ifsc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4] == b'0'
        && b[5..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whether `s` is a CIN: L or U, five digits, two letters, four digits, three letters, six digits.
pub fn is_cin(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 21
        && matches!(b[0], b'L' | b'U')
        && b[1..6].iter().all(u8::is_ascii_digit)
        && b[6..8].iter().all(u8::is_ascii_uppercase)
        && b[8..12].iter().all(u8::is_ascii_digit)
        && b[12..15].iter().all(u8::is_ascii_uppercase)
        && b[15..].iter().all(u8::is_ascii_digit)
}

/// Whether `country` means India: absent or blank (stored as India), `India` or `IN`.
pub fn is_india(country: Option<&str>) -> bool {
    country
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .is_none_or(|c| c.eq_ignore_ascii_case("india") || c.eq_ignore_ascii_case("IN"))
}

/// What is wrong with a postal code, if anything: an Indian PIN is six digits
/// not starting with 0; elsewhere 1 to 10 characters.
pub fn pincode_problem(pin: &str, india: bool) -> Option<&'static str> {
    if india {
        let ok = pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()) && !pin.starts_with('0');
        (!ok).then_some("must be six digits, not starting with 0")
    } else {
        (!(1..=10).contains(&pin.trim().len())).then_some("must hold 1 to 10 characters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gstin_check_digits() {
        assert_eq!(parse_gstin("27aapfu0939f1zv").map(|g| g.1), Ok("Maharashtra"));
        assert_eq!(parse_gstin("29AAGCB7383J1Z4").map(|g| g.1), Ok("Karnataka"));
        assert!(
            parse_gstin("27AAPFU0939F1ZW")
                .unwrap_err()
                .contains("check digit")
        );
        assert!(parse_gstin("00AAPFU0939F1ZV").unwrap_err().contains("state code"));
        assert!(parse_gstin("27AAPF10939F1ZV").is_err());
        assert!(parse_gstin("27AAPFU0939F1Z").is_err());
    }

    #[test]
    fn pan_ifsc_cin() {
        assert!(is_pan("AAPFU0939F"));
        assert!(!is_pan("AAPFU0939"));
        assert!(is_ifsc("HDFC0001234"));
        assert!(!is_ifsc("HDFC1001234"));
        assert!(is_cin("U74999MH2015PTC123456"));
        assert!(!is_cin("X74999MH2015PTC123456"));
    }

    #[test]
    fn gst_state_codes_map_to_letter_codes() {
        assert_eq!(state_code_of_gst("24"), Some("GJ"));
        assert_eq!(state_code_of_gst(" 27 "), Some("MH"));
        assert_eq!(state_code_of_gst("25"), None);
        assert_eq!(gst_code_of_state("gj"), Some("24"));
        assert_eq!(gst_code_of_state("XX"), None);
        for (digits, letters) in GST_STATE_CODES {
            assert!(gst_state(digits).is_some(), "{digits}");
            assert_ne!(
                crate::locations::regions::region_of(letters),
                crate::locations::regions::Region::Unknown,
                "{letters}"
            );
        }
    }
}
