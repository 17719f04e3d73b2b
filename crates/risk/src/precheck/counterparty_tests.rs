//! The counterparty assessment: each deduction alone at its boundary,
//! combined, clamping at 0, and every credit limit advice.

use rust_decimal::Decimal;

use super::counterparty::advice;
use super::{Standing, Status, clamp, counterparty};

fn d(v: &str) -> Decimal {
    v.parse().unwrap()
}

/// A standing with no deductions: limit 1000, rating 4.0, scores 75, 50 trades, no disputes.
fn clean() -> Standing {
    Standing {
        credit_limit: d("1000"),
        utilised: Decimal::ZERO,
        rating: d("4.0"),
        delivery_score: 75,
        payment_score: 75,
        disputes: 0,
        trade_count: 50,
    }
}

#[test]
fn each_deduction_alone_at_its_boundary() {
    type Edit = fn(&mut Standing);
    let cases: [(Edit, i32, Option<&str>); 18] = [
        (|_| {}, 100, None),
        (|s| s.utilised = d("750"), 100, None),
        (|s| s.utilised = d("751"), 85, Some("high_utilisation")),
        (|s| s.utilised = d("900"), 85, Some("high_utilisation")),
        (|s| s.utilised = d("901"), 75, Some("high_utilisation")),
        (|s| s.rating = d("3.9"), 92, Some("rating")),
        (|s| s.rating = d("2.9"), 85, Some("rating")),
        (|s| s.rating = d("1.9"), 75, Some("rating")),
        (|s| s.payment_score = 74, 92, Some("performance")),
        (
            |s| (s.delivery_score, s.payment_score) = (60, 60),
            92,
            Some("performance"),
        ),
        (
            |s| (s.delivery_score, s.payment_score) = (59, 59),
            85,
            Some("performance"),
        ),
        (
            |s| (s.delivery_score, s.payment_score) = (40, 40),
            85,
            Some("performance"),
        ),
        (
            |s| (s.delivery_score, s.payment_score) = (39, 39),
            75,
            Some("performance"),
        ),
        (|s| s.disputes = 3, 92, Some("disputes")), // 6 %
        (|s| s.disputes = 5, 92, Some("disputes")), // 10 %: over 5 %, not over 10 %
        (|s| s.disputes = 6, 85, Some("disputes")), // 12 %
        (|s| s.trade_count = 49, 95, Some("few_trades")),
        (|s| s.trade_count = 9, 90, Some("few_trades")),
    ];
    for (i, (edit, score, factor)) in cases.into_iter().enumerate() {
        let mut s = clean();
        edit(&mut s);
        let out = counterparty(&s).outcome;
        assert_eq!(out.score, score, "case {i}");
        let names: Vec<&str> = out.factors.iter().map(|f| f.factor.as_str()).collect();
        assert_eq!(names, factor.into_iter().collect::<Vec<_>>(), "case {i}");
    }
    let mut five = clean();
    five.disputes = 2; // 4 %
    assert_eq!(counterparty(&five).outcome.score, 100);
    five.trade_count = 40; // 5 % is not over 5 %
    assert_eq!(counterparty(&five).outcome.score, 95);
}

#[test]
fn combined_deductions_clamp_at_zero_and_the_thresholds_hold() {
    let worst = Standing {
        credit_limit: d("100"),
        utilised: d("100"),
        rating: d("1"),
        delivery_score: 10,
        payment_score: 10,
        disputes: 5,
        trade_count: 1,
    };
    let out = counterparty(&worst).outcome;
    assert_eq!(out.score, 0, "-25 -25 -25 -15 -10 = -100");
    assert_eq!(out.factors.len(), 5);
    assert_eq!(out.status, Status::Fail);
    assert_eq!(clamp(-7), 0);
    assert_eq!(clamp(130), 100);
    let neutral = counterparty(&Standing::neutral(d("1000"), Decimal::ZERO));
    assert_eq!(
        neutral.outcome.score, 74,
        "rating 3.0 -8, performance 70 -8, no trades -10"
    );
    assert_eq!(neutral.outcome.status, Status::Warn);
    let mut at_80 = clean();
    (at_80.utilised, at_80.trade_count) = (d("800"), 49);
    assert_eq!(counterparty(&at_80).outcome.score, 80);
    assert_eq!(counterparty(&at_80).outcome.status, Status::Pass);
    at_80.rating = d("3.9");
    assert_eq!(counterparty(&at_80).outcome.score, 72);
    let mut at_60 = clean();
    (at_60.utilised, at_60.rating, at_60.trade_count) = (d("950"), d("2.5"), 100);
    assert_eq!(counterparty(&at_60).outcome.score, 60);
    assert_eq!(counterparty(&at_60).outcome.status, Status::Warn);
    at_60.disputes = 6;
    let fail = counterparty(&at_60).outcome;
    assert_eq!((fail.score, fail.status), (52, Status::Fail));
}

#[test]
fn credit_limit_advice_at_each_boundary() {
    let cases = [
        ("4.5", "90", "1.2"),
        ("4.4", "90", "1.1"),
        ("4.5", "89.5", "1.1"),
        ("4.0", "80", "1.1"),
        ("3.9", "80", "1.0"),
        ("4.0", "79.5", "1.0"),
        ("3.0", "60", "1.0"),
        ("2.9", "95", "0.75"),
        ("4.0", "59.5", "0.75"),
    ];
    for (rating, performance, multiplier) in cases {
        let a = advice(d(rating), d(performance));
        assert_eq!(a.credit_limit_advice, d(multiplier), "{rating} {performance}");
        assert!(!a.advice_reason.is_empty());
    }
    let neutral = counterparty(&Standing::neutral(d("1000"), Decimal::ZERO));
    assert_eq!(neutral.advice.credit_limit_advice, d("1.0"));
}
