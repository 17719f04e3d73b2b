//! The offline checks of an application, every bad field named at once
//! (through `settings::tax_ids`), and the normalized values they give.

use chrono::NaiveDate;
use infra::{ValidationError, Validator};
use settings::tax_ids::{
    gst_code_of_state, is_ifsc, is_pan, parse_gstin, pincode_problem, state_code_of_gst,
};
use settings::users::{normalize_email, normalize_mobile};

use crate::input::{Address, Bank, Contact, StartApplication};
use crate::types::{EntityClass, EntityType, GstCompliance, PartnerType};

/// An application that passed every offline check, normalized: upper-case
/// tax ids, the mobile as `+<country><number>`, the state code as letters.
#[derive(Clone, Debug, PartialEq)]
pub struct Valid {
    /// The input, normalized.
    pub input: StartApplication,
    /// Its partner type.
    pub partner_type: PartnerType,
    /// Its entity type.
    pub entity_type: EntityType,
    /// ISO alpha-2.
    pub country: String,
    /// Its GST compliance.
    pub gst_compliance: Option<GstCompliance>,
    /// The corporate group, trimmed and lower-cased.
    pub corporate_group_key: Option<String>,
}

impl Valid {
    /// Whether the applicant is in India.
    pub fn is_india(&self) -> bool {
        self.country == "IN"
    }
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn upper(value: Option<String>) -> Option<String> {
    trimmed(value).map(|v| v.to_ascii_uppercase())
}

fn length(v: &mut Validator, field: &str, value: &str, min: usize, max: usize) {
    let n = value.trim().chars().count();
    v.check(
        (min..=max).contains(&n),
        field,
        &format!("must be {min} to {max} characters"),
    );
}

/// Whether `s` is an IEC: 10 letters and digits.
pub fn is_iec(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A vehicle registration number without spaces or dashes, upper case, or `None` if it is not one.
pub fn normalize_vehicle(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    ((4..=15).contains(&compact.len()) && compact.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(compact)
}

pub(crate) fn check_address(v: &mut Validator, address: &mut Address, india: bool) {
    length(v, "address.line1", &address.line1, 1, 300);
    length(v, "address.city", &address.city, 1, 100);
    if let Some(problem) = pincode_problem(address.pincode.trim(), india) {
        v.check(false, "address.pincode", problem);
    }
    address.pincode = address.pincode.trim().to_owned();
    let code = upper(address.state_code.take());
    address.state_code = match code {
        Some(c) if india && c.bytes().all(|b| b.is_ascii_digit()) => {
            let letters = state_code_of_gst(&c);
            v.check(letters.is_some(), "address.state_code", "is not a GST state code");
            letters.map(str::to_owned)
        }
        Some(c) if india => {
            v.check(
                gst_code_of_state(&c).is_some(),
                "address.state_code",
                "is not an Indian state code such as GJ or MH",
            );
            Some(c)
        }
        Some(c) => {
            v.check(
                c.len() <= 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "address.state_code",
                "must be a letter code (a GST numeric code names a place in India only)",
            );
            Some(c)
        }
        None => {
            v.check(!india, "address.state_code", "is required in India");
            None
        }
    };
    if let Some(lat) = address.latitude {
        v.check(
            (-90.0..=90.0).contains(&lat),
            "address.latitude",
            "must be -90 to 90",
        );
    }
    if let Some(lng) = address.longitude {
        v.check(
            (-180.0..=180.0).contains(&lng),
            "address.longitude",
            "must be -180 to 180",
        );
    }
}

fn check_contact(v: &mut Validator, contact: &mut Contact) {
    length(v, "contact.full_name", &contact.full_name, 2, 200);
    contact.full_name = contact.full_name.trim().to_owned();
    if let Some(mobile) = v.take("contact.mobile", normalize_mobile(&contact.mobile)) {
        contact.mobile = mobile;
    }
    if let Some(email) = trimmed(contact.email.take()) {
        contact.email = v.take("contact.email", normalize_email(&email)).or(Some(email));
    }
}

fn check_bank(v: &mut Validator, bank: &mut Bank) {
    length(v, "bank.account_name", &bank.account_name, 2, 200);
    bank.account_number = bank.account_number.trim().to_ascii_uppercase();
    v.check(
        (6..=34).contains(&bank.account_number.len())
            && bank.account_number.bytes().all(|b| b.is_ascii_alphanumeric()),
        "bank.account_number",
        "must be 6 to 34 letters and digits",
    );
    bank.ifsc = bank.ifsc.trim().to_ascii_uppercase();
    v.check(
        is_ifsc(&bank.ifsc),
        "bank.ifsc",
        "must be an IFSC: four letters, a zero, six letters or digits (HDFC0001234)",
    );
}

fn check_tax_ids(v: &mut Validator, input: &mut StartApplication, india: bool, class: Option<EntityClass>) {
    input.gstin = upper(input.gstin.take());
    input.pan = upper(input.pan.take());
    input.iec = upper(input.iec.take());
    input.foreign_tax_id = trimmed(input.foreign_tax_id.take());
    let business = class == Some(EntityClass::BusinessEntity);
    let gstin = match input.gstin.as_deref() {
        Some(raw) => v.take("gstin", parse_gstin(raw)).map(|(g, _)| g),
        None => {
            v.check(
                !(india && business),
                "gstin",
                "is required for Indian business entities",
            );
            None
        }
    };
    match input.pan.as_deref() {
        Some(pan) if !is_pan(pan) => {
            v.check(
                false,
                "pan",
                "must be a PAN: five letters, four digits, a letter (AAPFU0939F)",
            );
        }
        Some(pan) => {
            if let Some(g) = &gstin {
                v.check(
                    &g[2..12] == pan,
                    "pan",
                    "must equal characters 3 to 12 of the GSTIN",
                );
            }
        }
        None => {
            v.check(
                !(india && business),
                "pan",
                "is required for Indian business entities",
            );
        }
    }
    if let (Some(g), Some(code)) = (&gstin, input.address.state_code.as_deref())
        && india
        && state_code_of_gst(&g[..2]).is_some_and(|letters| letters != code)
    {
        v.check(
            false,
            "gstin",
            &format!("is registered in state {} but the address is in {code}", &g[..2]),
        );
    }
    if let Some(iec) = input.iec.as_deref() {
        v.check(is_iec(iec), "iec", "must be 10 letters and digits");
    }
    match input.foreign_tax_id.as_deref() {
        Some(id) => length(v, "foreign_tax_id", id, 4, 50),
        None => {
            v.check(
                india || !business,
                "foreign_tax_id",
                "is required for foreign business entities",
            );
        }
    }
}

/// Checks every field of `input` (business dates against `today`), naming each bad one.
pub fn validate(mut input: StartApplication, today: NaiveDate) -> Result<Valid, ValidationError> {
    let mut v = Validator::new();
    length(&mut v, "legal_name", &input.legal_name, 2, 300);
    input.legal_name = input.legal_name.trim().to_owned();
    input.trade_name = trimmed(input.trade_name.take());
    if let Some(name) = &input.trade_name {
        length(&mut v, "trade_name", name, 1, 300);
    }
    let partner_type = PartnerType::parse(input.partner_type.trim());
    v.check(
        partner_type.is_some(),
        "partner_type",
        &format!("must be {}", PartnerType::choices()),
    );
    let entity_type = EntityType::parse(input.entity_type.trim());
    v.check(
        entity_type.is_some(),
        "entity_type",
        &format!("must be {}", EntityType::choices()),
    );
    let country = upper(input.country.take()).unwrap_or_else(|| "IN".to_owned());
    v.check(
        country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()),
        "country",
        "must be an ISO 3166 alpha-2 code such as IN",
    );
    input.country = Some(country.clone());
    let india = country == "IN";
    check_address(&mut v, &mut input.address, india);
    check_contact(&mut v, &mut input.contact);
    if let Some(bank) = input.bank.as_mut() {
        check_bank(&mut v, bank);
    }
    check_tax_ids(
        &mut v,
        &mut input,
        india,
        partner_type.map(PartnerType::entity_class),
    );
    let mut vehicles = Vec::new();
    for raw in &input.vehicle_numbers {
        match normalize_vehicle(raw) {
            Some(n) if !vehicles.contains(&n) => vehicles.push(n),
            Some(_) => {
                v.check(false, "vehicle_numbers", "lists a vehicle twice");
            }
            None => {
                v.check(
                    false,
                    "vehicle_numbers",
                    "must be registration numbers such as GJ03AB1234",
                );
            }
        }
    }
    input.vehicle_numbers = vehicles;
    if let Some(start) = input.business_start_date {
        v.check(start <= today, "business_start_date", "must not be in the future");
    }
    if let Some(turnover) = input.annual_turnover {
        v.check(
            !turnover.value().is_sign_negative() || turnover.value().is_zero(),
            "annual_turnover",
            "must not be negative",
        );
    }
    input.gst_compliance = trimmed(input.gst_compliance.take());
    let gst_compliance = input.gst_compliance.as_deref().map(GstCompliance::parse);
    v.check(
        gst_compliance.is_none_or(|g| g.is_some()),
        "gst_compliance",
        &format!("must be {}", GstCompliance::choices()),
    );
    input.corporate_group = trimmed(input.corporate_group.take());
    if let Some(group) = &input.corporate_group {
        length(&mut v, "corporate_group", group, 2, 200);
    }
    input.commodity_ids.sort();
    input.commodity_ids.dedup();
    v.finish()?;
    Ok(Valid {
        corporate_group_key: input.corporate_group.as_deref().map(str::to_lowercase),
        partner_type: partner_type.unwrap_or(PartnerType::Buyer),
        entity_type: entity_type.unwrap_or(EntityType::Huf),
        gst_compliance: gst_compliance.flatten(),
        country,
        input,
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
