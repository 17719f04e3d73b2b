//! The buyer precheck at each boundary (74/75, 49/50), each deduction alone
//! and combined, clamping.

use rust_decimal::Decimal;

use super::{Standing, Status, buyer, buyers};

fn d(v: &str) -> Decimal {
    v.parse().unwrap()
}

fn standing(limit: &str, utilised: &str, rating: &str, payment: i32) -> Standing {
    Standing {
        credit_limit: d(limit),
        utilised: d(utilised),
        rating: d(rating),
        delivery_score: 100,
        payment_score: payment,
        disputes: 0,
        trade_count: 100,
    }
}

#[test]
fn each_deduction_alone_at_its_boundary() {
    let cases = [
        ("1000", "0", "100", "3.0", 70, 100, None),
        ("1000", "901", "100", "3.0", 70, 50, Some("insufficient_limit")),
        ("1000", "900", "100", "3.0", 70, 85, Some("low_remaining_limit")),
        ("1000", "880", "100", "3.0", 70, 100, None),
        ("0", "0", "-10", "3.0", 70, 70, Some("negative_exposure")),
        ("1000", "0", "100", "2.9", 70, 90, Some("fair_rating")),
        ("1000", "0", "100", "2.0", 70, 90, Some("fair_rating")),
        ("1000", "0", "100", "1.9", 70, 75, Some("low_rating")),
        ("1000", "0", "100", "3.0", 69, 90, Some("fair_payment")),
        ("1000", "0", "100", "3.0", 50, 90, Some("fair_payment")),
        ("1000", "0", "100", "3.0", 49, 80, Some("poor_payment")),
    ];
    for (limit, used, value, rating, payment, score, factor) in cases {
        let out = buyer(&standing(limit, used, rating, payment), d(value));
        assert_eq!(out.score, score, "{limit} {used} {value} {rating} {payment}");
        let names: Vec<&str> = out.factors.iter().map(|f| f.factor.as_str()).collect();
        assert_eq!(names, factor.into_iter().collect::<Vec<_>>());
    }
}

#[test]
fn thresholds_74_75_and_49_50() {
    assert_eq!(Status::buyer(75), Status::Pass);
    assert_eq!(Status::buyer(74), Status::Warn);
    assert_eq!(Status::buyer(50), Status::Warn);
    assert_eq!(Status::buyer(49), Status::Fail);
    let at_75 = buyer(&standing("1000", "0", "1.9", 70), d("100"));
    assert_eq!((at_75.score, at_75.status), (75, Status::Pass));
    let at_50 = buyer(&standing("1000", "901", "3.0", 70), d("100"));
    assert_eq!((at_50.score, at_50.status), (50, Status::Warn));
    let at_40 = buyer(&standing("1000", "901", "2.5", 60), d("100"));
    assert_eq!((at_40.score, at_40.status), (30, Status::Fail));
    let at_70 = buyer(&standing("1000", "0", "2.5", 60), d("100"));
    assert_eq!((at_70.score, at_70.status), (80, Status::Pass));
    let at_74 = buyer(&standing("1000", "900", "2.5", 69), d("100"));
    assert_eq!((at_74.score, at_74.status), (65, Status::Warn));
}

#[test]
fn combined_deductions_clamp_at_zero_and_batches_keep_order() {
    let worst = standing("0", "0", "0", 0);
    let out = buyer(&worst, d("100"));
    assert_eq!(out.score, 5, "-50 -25 -20");
    assert_eq!(out.status, Status::Fail);
    assert_eq!(out.factors.len(), 3);
    let candidates: Vec<super::SideCandidate> = (0..1000)
        .map(|i| super::SideCandidate {
            standing: standing("1000", "0", "3.0", if i % 2 == 0 { 70 } else { 40 }),
            value: d("100"),
        })
        .collect();
    let scores: Vec<i32> = buyers(&candidates).iter().map(|o| o.score).collect();
    assert_eq!(scores.len(), 1000);
    assert_eq!(&scores[..4], &[100, 80, 100, 80]);
}
