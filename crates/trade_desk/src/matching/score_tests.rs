//! Table tests of the scoring formulas.

use chrono::NaiveDate;
use risk::precheck::Status;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn day(n: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 12, n)
}

#[test]
fn quality_inside_outside_and_at_the_preferred() {
    let asked = json!({"min": "28", "max": "32", "preferred": "30"});
    let cases = [
        (Some(json!("30")), 1.0, "at the preferred"),
        (Some(json!(30)), 1.0, "a JSON number"),
        (Some(json!("29")), 0.75, "inside, halfway to min"),
        (Some(json!("31.5")), 0.625, "inside, near max"),
        (Some(json!("32")), 0.5, "at a bound"),
        (Some(json!("28")), 0.5, "at the other bound"),
        (Some(json!("27.9")), 0.0, "outside below"),
        (Some(json!("32.1")), 0.0, "outside above"),
        (None, 0.0, "missing"),
        (
            Some(json!({"min": "29", "max": "30"})),
            0.75,
            "a range by its worse end",
        ),
        (
            Some(json!({"min": "27", "max": "30"})),
            0.0,
            "a range reaching outside",
        ),
    ];
    for (stated, want, case) in cases {
        assert_eq!(parameter(&asked, stated.as_ref()), want, "{case}");
    }
    let no_preferred = json!({"min": "28"});
    assert_eq!(
        parameter(&no_preferred, Some(&json!("40"))),
        1.0,
        "inside an open range"
    );
    let colour = json!({"preferred": "White"});
    assert_eq!(parameter(&colour, Some(&json!("white"))), 1.0, "text, case aside");
    assert_eq!(parameter(&colour, Some(&json!("Cream"))), 0.0, "other text");
}

#[test]
fn quality_is_the_mean_over_the_asked_parameters() {
    let asked = json!({
        "staple_length": {"min": "28", "max": "32", "preferred": "30"},
        "micronaire": {"min": "3.5", "max": "4.9"},
    });
    let cases = [
        (json!({"staple_length": "30", "micronaire": "4.2"}), 1.0),
        (json!({"staple_length": "32", "micronaire": "4.2"}), 0.75),
        (json!({"staple_length": "32"}), 0.25),
        (json!({"staple_length": "33", "micronaire": "5"}), 0.0),
    ];
    for (stated, want) in cases {
        assert_eq!(quality(&asked, &stated), want, "{stated}");
    }
    assert_eq!(quality(&json!({}), &json!({})), 1.0, "nothing asked");
}

#[test]
fn price_at_the_preferred_at_the_max_and_above() {
    let (preferred, max) = (Some(d("100")), Some(d("200")));
    let cases = [
        (Some(d("80")), preferred, max, 1.0, "below the preferred"),
        (Some(d("100")), preferred, max, 1.0, "at the preferred"),
        (Some(d("150")), preferred, max, 0.5, "halfway"),
        (Some(d("175")), preferred, max, 0.25, "three quarters"),
        (Some(d("200")), preferred, max, 0.0, "at the max"),
        (Some(d("250")), preferred, max, 0.0, "above the max"),
        (
            Some(d("180")),
            None,
            max,
            1.0,
            "at 90 % of the max, the preferred when none",
        ),
        (Some(d("190")), None, max, 0.5, "halfway from 90 % to the max"),
        (
            Some(d("120")),
            preferred,
            None,
            0.0,
            "above a preferred without a max",
        ),
        (Some(d("999")), None, None, 1.0, "no price asked"),
        (None, preferred, max, NO_PRICE, "no price stated"),
    ];
    for (price_per_base, preferred, max, want, case) in cases {
        assert_eq!(price(price_per_base, preferred, max), want, "{case}");
    }
}

#[test]
fn delivery_weighs_the_window_overlap_and_the_distance() {
    let asked = (day(1), day(10));
    let cases = [
        ((day(1), day(10)), 1.0, "the same window"),
        ((day(6), day(20)), 0.5, "half of it"),
        ((day(11), day(20)), 0.0, "after it"),
        ((None, None), 1.0, "no window offered"),
        ((day(5), None), 0.6, "open-ended from the 5th"),
    ];
    for (offered, want, case) in cases {
        assert_eq!(window(asked, offered), want, "{case}");
    }
    assert_eq!(window((None, None), (day(1), day(2))), 1.0, "no window asked");
    assert_eq!(distance(Some(0.0)), 1.0);
    assert_eq!(distance(Some(250.0)), 0.75);
    assert_eq!(distance(Some(DELIVERY_REACH_KM * 2.0)), 0.0);
    assert_eq!(distance(None), NO_DISTANCE);
    assert_eq!(delivery(0.5, 0.75), 0.625);
}

#[test]
fn warn_halves_the_risk_part_and_takes_ten_percent_off_fail_drops() {
    assert_eq!(risk_part(Status::Pass), Some(1.0));
    assert_eq!(risk_part(Status::Warn), Some(0.5));
    assert_eq!(risk_part(Status::Fail), None, "FAIL drops the candidate");
    let w = Weights::seeded("COTTON");
    let perfect = MatchParts {
        quality: 1.0,
        price: 1.0,
        delivery: 1.0,
        risk: 1.0,
    };
    assert_eq!(total(&w, &perfect, Status::Pass), 1.0);
    let warned = MatchParts { risk: 0.5, ..perfect };
    // (0.40 + 0.30 + 0.15 + 0.15 x 0.5) x 0.9
    assert_eq!(total(&w, &warned, Status::Warn), 0.8325);
    assert_eq!(label(0.8325), "good");
}

#[test]
fn each_category_has_its_weights_and_minimum() {
    let parts = MatchParts {
        quality: 0.5,
        price: 1.0,
        delivery: 0.5,
        risk: 1.0,
    };
    let cases = [
        ("COTTON", (0.40, 0.30, 0.15, 0.15), 0.6, 0.725),
        ("DEFAULT", (0.40, 0.30, 0.15, 0.15), 0.6, 0.725),
        ("YARN", (0.40, 0.30, 0.15, 0.15), 0.6, 0.725),
        ("WHEAT", (0.35, 0.35, 0.20, 0.10), 0.5, 0.725),
        ("RICE", (0.35, 0.35, 0.20, 0.10), 0.5, 0.725),
        ("OIL", (0.40, 0.35, 0.15, 0.10), 0.6, 0.725),
        ("OILSEEDS", (0.40, 0.35, 0.15, 0.10), 0.6, 0.725),
    ];
    for (category, (q, p, dl, r), min, want) in cases {
        let w = Weights::seeded(category);
        assert_eq!(
            (w.quality, w.price, w.delivery, w.risk),
            (q, p, dl, r),
            "{category}"
        );
        assert_eq!(w.min_score, min, "{category}");
        assert!(
            (w.quality + w.price + w.delivery + w.risk - 1.0).abs() < 1e-9,
            "{category}"
        );
        assert_eq!(total(&w, &parts, Status::Pass), want, "{category}");
    }
    // A score of 0.55 is kept for wheat and rice only.
    for (category, kept_at_055) in [("COTTON", false), ("WHEAT", true), ("RICE", true), ("OIL", false)] {
        let w = Weights::seeded(category);
        assert_eq!(kept(&w, 0.55), kept_at_055, "{category}");
        assert!(kept(&w, w.min_score), "{category}: the minimum itself is kept");
    }
    // One part at a time: each weight on its own.
    let only = |quality, price, delivery, risk| MatchParts {
        quality,
        price,
        delivery,
        risk,
    };
    let cases = [
        ("COTTON", [0.4, 0.3, 0.15, 0.15]),
        ("WHEAT", [0.35, 0.35, 0.2, 0.1]),
        ("RICE", [0.35, 0.35, 0.2, 0.1]),
        ("OIL", [0.4, 0.35, 0.15, 0.1]),
    ];
    for (category, want) in cases {
        let w = Weights::seeded(category);
        let got = [
            total(&w, &only(1.0, 0.0, 0.0, 0.0), Status::Pass),
            total(&w, &only(0.0, 1.0, 0.0, 0.0), Status::Pass),
            total(&w, &only(0.0, 0.0, 1.0, 0.0), Status::Pass),
            total(&w, &only(0.0, 0.0, 0.0, 1.0), Status::Pass),
        ];
        assert_eq!(got, want, "{category}");
    }
}

#[test]
fn labels_by_score() {
    let cases = [
        (1.0, "excellent"),
        (0.9, "excellent"),
        (0.8999, "good"),
        (0.75, "good"),
        (0.7499, "acceptable"),
        (0.6, "acceptable"),
        (0.5, "acceptable"),
    ];
    for (score, want) in cases {
        assert_eq!(label(score), want, "{score}");
    }
}
