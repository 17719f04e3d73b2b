//! The seller precheck at each boundary, each deduction alone and combined.

use rust_decimal::Decimal;

use super::{Standing, Status, seller};

fn d(v: &str) -> Decimal {
    v.parse().unwrap()
}

/// A standing with no deductions but those the arguments cause.
fn standing(limit: &str, utilised: &str, rating: &str, delivery: i32) -> Standing {
    Standing {
        credit_limit: d(limit),
        utilised: d(utilised),
        rating: d(rating),
        delivery_score: delivery,
        payment_score: 100,
        disputes: 0,
        trade_count: 100,
    }
}

#[test]
fn each_deduction_alone_at_its_boundary() {
    // (limit, utilised, value, rating, delivery, expected score, factor)
    let cases = [
        ("1000", "0", "100", "4.0", 75, 100, None),
        ("1000", "901", "100", "4.0", 75, 60, Some("exposure_over_limit")),
        ("1000", "900", "100", "4.0", 75, 80, Some("low_remaining_credit")),
        ("1000", "880", "100", "4.0", 75, 100, None), // remaining 120 = 1.2 x 100
        ("1000", "881", "100", "4.0", 75, 80, Some("low_remaining_credit")),
        ("1000", "0", "100", "3.9", 75, 85, Some("fair_rating")),
        ("1000", "0", "100", "3.0", 75, 85, Some("fair_rating")),
        ("1000", "0", "100", "2.9", 75, 70, Some("low_rating")),
        ("1000", "0", "100", "4.0", 74, 85, Some("fair_delivery")),
        ("1000", "0", "100", "4.0", 50, 85, Some("fair_delivery")),
        ("1000", "0", "100", "4.0", 49, 70, Some("poor_delivery")),
    ];
    for (limit, used, value, rating, delivery, score, factor) in cases {
        let out = seller(&standing(limit, used, rating, delivery), d(value));
        assert_eq!(out.score, score, "{limit} {used} {value} {rating} {delivery}");
        let names: Vec<&str> = out.factors.iter().map(|f| f.factor.as_str()).collect();
        assert_eq!(names, factor.into_iter().collect::<Vec<_>>());
        assert!(out.factors.iter().all(|f| f.points < 0 && !f.reason.is_empty()));
    }
}

#[test]
fn thresholds_79_80_and_59_60() {
    assert_eq!(Status::general(80), Status::Pass);
    assert_eq!(Status::general(79), Status::Warn);
    assert_eq!(Status::general(60), Status::Warn);
    assert_eq!(Status::general(59), Status::Fail);
    // 80: low remaining credit alone; 85 - 15 - ... ; 60: over the limit alone.
    let at_80 = seller(&standing("1000", "900", "4.5", 90), d("100"));
    assert_eq!((at_80.score, at_80.status), (80, Status::Pass));
    let at_60 = seller(&standing("1000", "950", "4.5", 90), d("100"));
    assert_eq!((at_60.score, at_60.status), (60, Status::Warn));
    let at_55 = seller(&standing("1000", "0", "2.0", 74), d("100"));
    assert_eq!((at_55.score, at_55.status), (55, Status::Fail));
    let at_70 = seller(&standing("1000", "900", "3.5", 75), d("100"));
    assert_eq!((at_70.score, at_70.status), (65, Status::Warn));
}

#[test]
fn combined_deductions_clamp_at_zero() {
    let out = seller(&standing("0", "0", "1.0", 10), d("100"));
    // -40 -30 -30 = 0
    assert_eq!(out.score, 0);
    assert_eq!(out.status, Status::Fail);
    assert_eq!(out.factors.len(), 3);
    assert!(out.recommendation.starts_with("Do not proceed"));
    let neutral = seller(&Standing::neutral(d("1000000"), Decimal::ZERO), d("100"));
    assert_eq!(neutral.score, 70, "neutral: rating 3.0 -15, delivery 70 -15");
}
