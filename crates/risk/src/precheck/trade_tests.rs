//! The trade assessment: average score, the stricter status, FAIL on party
//! links and shared tax ids, WARN on a shared mobile or corporate domain.

use partners::links::LinkReason;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Party, Standing, Status, TradeCandidate, trade, trades};

fn d(v: &str) -> Decimal {
    v.parse().unwrap()
}

fn strong() -> Standing {
    Standing {
        credit_limit: d("1000000"),
        utilised: Decimal::ZERO,
        rating: d("4.5"),
        delivery_score: 90,
        payment_score: 90,
        disputes: 0,
        trade_count: 100,
    }
}

fn party(pan: &str, mobile: &str, domain: &str) -> Party {
    Party {
        partner_id: Uuid::now_v7(),
        pan: Some(pan.into()),
        gstin: None,
        foreign_tax_id: None,
        mobiles: [mobile.to_owned()].into(),
        email_domains: [domain.to_owned()]
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect(),
    }
}

#[test]
fn clean_parties_pass_with_the_average_score() {
    let weak_seller = Standing {
        rating: d("3.5"),
        ..strong()
    };
    let out = trade(
        &strong(),
        &party("AAAAA1111A", "9800000001", "buyer.in"),
        &weak_seller,
        &party("BBBBB2222B", "9800000002", "seller.in"),
        d("1000"),
        &[],
    );
    assert_eq!(out.buyer.score, 100);
    assert_eq!(out.seller.score, 85);
    assert_eq!(out.outcome.score, 92);
    assert_eq!(out.outcome.status, Status::Pass);
    assert_eq!(out.outcome.factors[0].factor, "seller.fair_rating");
}

#[test]
fn the_stricter_side_status_wins() {
    let poor_buyer = Standing {
        payment_score: 40,
        rating: d("1.5"),
        ..strong()
    };
    let out = trade(
        &poor_buyer,
        &party("AAAAA1111A", "9800000001", ""),
        &strong(),
        &party("BBBBB2222B", "9800000002", ""),
        d("1000"),
        &[],
    );
    assert_eq!(out.buyer.score, 55);
    assert_eq!(out.buyer.status, Status::Warn);
    assert_eq!(out.outcome.score, 77);
    assert_eq!(
        out.outcome.status,
        Status::Warn,
        "77 alone would be WARN; the buyer's WARN holds"
    );
}

#[test]
fn shared_pan_and_links_fail_shared_mobile_and_domain_warn() {
    let b = party("AAAAA1111A", "9800000001", "cotton.in");
    let pan = party("AAAAA1111A", "9800000002", "");
    let out = trade(
        &strong(),
        &b,
        &strong(),
        &pan,
        d("1000"),
        &[LinkReason::SharedPan],
    );
    assert_eq!(out.outcome.status, Status::Fail);
    let names: Vec<&str> = out.outcome.factors.iter().map(|f| f.factor.as_str()).collect();
    assert_eq!(names, ["shared_pan"], "named once, from the tax ids");
    assert!(out.outcome.recommendation.starts_with("Do not trade"));

    let group = party("CCCCC3333C", "9800000003", "");
    let out = trade(
        &strong(),
        &b,
        &strong(),
        &group,
        d("1000"),
        &[LinkReason::CorporateGroup],
    );
    assert_eq!(out.outcome.status, Status::Fail);
    assert_eq!(out.outcome.factors[0].factor, "corporate_group");

    let mobile = party("DDDDD4444D", "9800000001", "");
    let out = trade(&strong(), &b, &strong(), &mobile, d("1000"), &[]);
    assert_eq!(out.outcome.status, Status::Warn);
    assert_eq!(out.outcome.score, 100, "WARN-only findings cost nothing");
    assert_eq!(out.outcome.factors[0].factor, "shared_mobile");
    assert_eq!(out.outcome.factors[0].points, 0);

    let domain = party("EEEEE5555E", "9800000005", "cotton.in");
    let out = trade(&strong(), &b, &strong(), &domain, d("1000"), &[]);
    assert_eq!(out.outcome.status, Status::Warn);
    assert_eq!(out.outcome.factors[0].factor, "shared_email_domain");
}

#[test]
fn a_batch_answers_each_candidate_in_order() {
    let b = party("AAAAA1111A", "9800000001", "");
    let candidates: Vec<TradeCandidate> = (0..500)
        .map(|i| TradeCandidate {
            buyer: (strong(), b.clone()),
            seller: (
                strong(),
                party(if i % 5 == 0 { "AAAAA1111A" } else { "ZZZZZ9999Z" }, "1", ""),
            ),
            value: d("1000"),
            links: Vec::new(),
        })
        .collect();
    let answers = trades(&candidates);
    assert_eq!(answers.len(), 500);
    let failed = answers
        .iter()
        .filter(|a| a.outcome.status == Status::Fail)
        .count();
    assert_eq!(failed, 100);
}
