use super::*;
use crate::input::{Address, Bank, Contact};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default()
}

fn input() -> StartApplication {
    StartApplication {
        legal_name: "Shree Cotton Traders".into(),
        partner_type: "seller".into(),
        entity_type: "partnership".into(),
        gstin: Some("27aapfu0939f1zv".into()),
        pan: Some("AAPFU0939F".into()),
        address: Address {
            line1: "12 Market Yard".into(),
            city: "Jalgaon".into(),
            state_code: Some("mh".into()),
            pincode: "425001".into(),
            latitude: Some(21.0),
            longitude: Some(75.5),
            ..Address::default()
        },
        contact: Contact {
            full_name: "Ramesh Patil".into(),
            email: Some("Ramesh@Example.com".into()),
            mobile: "98765 43210".into(),
        },
        bank: Some(Bank {
            account_name: "Shree Cotton Traders".into(),
            account_number: "50100012345678".into(),
            ifsc: "hdfc0001234".into(),
        }),
        ..StartApplication::default()
    }
}

fn fields(result: Result<Valid, ValidationError>) -> Vec<String> {
    result
        .err()
        .map(|e| e.errors.into_iter().map(|f| f.field).collect())
        .unwrap_or_default()
}

#[test]
fn a_good_application_is_normalized() {
    let valid = validate(input(), today()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(valid.country, "IN");
    assert_eq!(valid.input.gstin.as_deref(), Some("27AAPFU0939F1ZV"));
    assert_eq!(valid.input.contact.mobile, "+919876543210");
    assert_eq!(valid.input.contact.email.as_deref(), Some("ramesh@example.com"));
    assert_eq!(valid.input.address.state_code.as_deref(), Some("MH"));
    assert_eq!(valid.input.bank.map(|b| b.ifsc), Some("HDFC0001234".to_owned()));
    let numeric = StartApplication {
        address: Address {
            state_code: Some("27".into()),
            ..input().address
        },
        ..input()
    };
    assert_eq!(
        validate(numeric, today())
            .ok()
            .and_then(|v| v.input.address.state_code),
        Some("MH".to_owned())
    );
}

#[test]
fn each_tax_id_rule_names_its_field() {
    let wrong_check = StartApplication {
        gstin: Some("27AAPFU0939F1ZW".into()),
        ..input()
    };
    assert_eq!(fields(validate(wrong_check, today())), ["gstin"]);
    let other_pan = StartApplication {
        pan: Some("AAPFU0940F".into()),
        ..input()
    };
    assert_eq!(fields(validate(other_pan, today())), ["pan"]);
    let bad_pan = StartApplication {
        pan: Some("AAPF10939F".into()),
        ..input()
    };
    assert_eq!(fields(validate(bad_pan, today())), ["pan"]);
    let other_state = StartApplication {
        address: Address {
            state_code: Some("GJ".into()),
            ..input().address
        },
        ..input()
    };
    assert_eq!(fields(validate(other_state, today())), ["gstin"]);
    let bad = StartApplication {
        iec: Some("12345".into()),
        bank: Some(Bank {
            ifsc: "HDFC1001234".into(),
            ..input().bank.unwrap_or_default()
        }),
        address: Address {
            pincode: "025001".into(),
            ..input().address
        },
        ..input()
    };
    assert_eq!(
        fields(validate(bad, today())),
        ["address.pincode", "bank.ifsc", "iec"]
    );
}

#[test]
fn indian_business_entities_need_gstin_and_pan_foreign_ones_a_tax_id() {
    let bare = StartApplication {
        gstin: None,
        pan: None,
        ..input()
    };
    assert_eq!(fields(validate(bare.clone(), today())), ["gstin", "pan"]);
    let broker = StartApplication {
        partner_type: "broker".into(),
        ..bare.clone()
    };
    assert!(validate(broker, today()).is_ok());
    let foreign = StartApplication {
        country: Some("ae".into()),
        address: Address {
            state_code: Some("DU".into()),
            pincode: "00000".into(),
            ..input().address
        },
        ..bare.clone()
    };
    assert_eq!(fields(validate(foreign.clone(), today())), ["foreign_tax_id"]);
    let with_id = StartApplication {
        foreign_tax_id: Some("100200300400500".into()),
        ..foreign
    };
    assert!(validate(with_id, today()).is_ok());
}

#[test]
fn names_types_and_dates() {
    let bad = StartApplication {
        legal_name: "X".into(),
        partner_type: "wholesaler".into(),
        entity_type: "company".into(),
        gst_compliance: Some("great".into()),
        business_start_date: NaiveDate::from_ymd_opt(2027, 1, 1),
        vehicle_numbers: vec!["GJ-03-AB-1234".into(), "gj03ab1234".into()],
        ..input()
    };
    assert_eq!(
        fields(validate(bad, today())),
        [
            "legal_name",
            "partner_type",
            "entity_type",
            "vehicle_numbers",
            "business_start_date",
            "gst_compliance"
        ]
    );
}
