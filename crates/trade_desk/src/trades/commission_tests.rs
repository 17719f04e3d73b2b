//! The commission lines: each type and payer, tiers at their boundaries,
//! the clamp, broken structures.

use super::*;

#[test]
fn each_commission_type_and_payer() {
    let mut percentage = structure("PERCENTAGE", "BUYER");
    percentage.rate = Some(m("0.5"));
    let mut fixed = structure("FIXED", "SELLER");
    fixed.rate = Some(m("250.1250"));
    let mut tiered = structure("TIERED", "BOTH");
    tiered.tiers = Some(vec![tier("0", Some("100000"), "2"), tier("100000", None, "1")]);
    let mut inactive = structure("FIXED", "BOTH");
    inactive.rate = Some(m("999"));
    inactive.is_active = false;
    let all = [percentage, fixed, tiered, inactive];
    let lines = commission_lines(d("250000.00"), &all).unwrap();
    let got: Vec<(&str, &str, Option<String>, String)> = lines
        .iter()
        .map(|l| {
            (
                l.commission_type.as_str(),
                l.payer.as_str(),
                l.rate.map(|r| r.to_string()),
                l.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("PERCENTAGE", "BUYER", Some("0.5".into()), "1250.00".into()),
            ("FIXED", "SELLER", None, "250.13".into()),
            ("TIERED", "BUYER", Some("1".into()), "2500.00".into()),
            ("TIERED", "SELLER", Some("1".into()), "2500.00".into()),
        ]
    );
    assert!(lines.iter().all(|l| l.structure_id != all[3].id));
}

#[test]
fn tiered_applies_the_holding_tier_to_the_whole_value_at_each_boundary() {
    let mut tiered = structure("TIERED", "BUYER");
    tiered.tiers = Some(vec![
        tier("0", Some("100000"), "2"),
        tier("100000", Some("1000000"), "1"),
        tier("1000000", None, "0.5"),
    ]);
    // (value, tier rate, commission)
    let cases = [
        ("0.00", Some("2"), "0.00"),
        ("0.01", Some("2"), "0.00"),
        ("99999.99", Some("2"), "2000.00"),
        ("100000.00", Some("1"), "1000.00"),
        ("100000.01", Some("1"), "1000.00"),
        ("999999.99", Some("1"), "10000.00"),
        ("1000000.00", Some("0.5"), "5000.00"),
        ("5000000.00", Some("0.5"), "25000.00"),
    ];
    for (value, rate, commission) in cases {
        let (got_rate, got) = commission_of(d(value), &tiered).unwrap();
        assert_eq!(got_rate.map(|r| r.to_string()).as_deref(), rate, "{value}");
        assert_eq!(got.to_string(), commission, "{value}");
    }
}

#[test]
fn tiered_outside_every_tier_is_zero_before_the_clamp() {
    let gapped = vec![tier("1000", Some("2000"), "1"), tier("5000", None, "2")];
    assert_eq!(tier_for(d("999.99"), &gapped), None);
    assert_eq!(tier_for(d("2000"), &gapped), None);
    assert_eq!(tier_for(d("5000"), &gapped).map(|t| t.rate), Some(m("2")));
    let mut tiered = structure("TIERED", "SELLER");
    tiered.tiers = Some(gapped);
    assert_eq!(commission_of(d("3000"), &tiered).unwrap(), (None, d("0.00")));
    tiered.min_amount = Some(m("50"));
    assert_eq!(commission_of(d("3000"), &tiered).unwrap(), (None, d("50.00")));
    assert_eq!(
        commission_of(d("1500"), &tiered).unwrap(),
        (Some(d("1")), d("50.00"))
    );
}

#[test]
fn min_and_max_clamp() {
    let mut clamped = structure("PERCENTAGE", "BOTH");
    clamped.rate = Some(m("1"));
    clamped.min_amount = Some(m("100"));
    clamped.max_amount = Some(m("1000"));
    // (value, commission)
    let cases = [
        ("0.00", "100.00"),
        ("5000.00", "100.00"),
        ("10000.00", "100.00"),
        ("10000.50", "100.01"),
        ("50000.00", "500.00"),
        ("100000.00", "1000.00"),
        ("200000.00", "1000.00"),
    ];
    for (value, commission) in cases {
        assert_eq!(
            commission_of(d(value), &clamped).unwrap().1.to_string(),
            commission,
            "{value}"
        );
    }
    let mut fixed = structure("FIXED", "BUYER");
    fixed.rate = Some(m("40"));
    fixed.min_amount = Some(m("75.5"));
    assert_eq!(commission_of(d("1"), &fixed).unwrap(), (None, d("75.50")));
}

#[test]
fn broken_structures_are_refused() {
    let mut odd = structure("SLIDING", "BUYER");
    assert!(commission_lines(d("1"), std::slice::from_ref(&odd)).is_err());
    odd.commission_type = "TIERED".into();
    assert!(commission_lines(d("1"), std::slice::from_ref(&odd)).is_err());
    let mut nobody = structure("FIXED", "BROKER");
    nobody.rate = Some(m("1"));
    assert!(commission_lines(d("1"), &[nobody]).is_err());
}
