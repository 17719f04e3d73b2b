//! The ledger: adjustments, the credit limit and zero, the band event, who
//! reaches which partner, and moves of every reason in a caller's write.

use infra::testing::TestInfra;
use infra::{DomainError, ErrorKind, PageRequest};
use risk::exposure::{Band, ExposureMove, Reason, apply};
use risk::{RiskError, Side};
use uuid::Uuid;

use crate::support::{adjustment, buyer_sums, d, events, ledger, manager, partner, staff, user_of};

async fn adjustments_move_the_total_and_write_entries(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let ledger = ledger(&t);
    let boss = manager();
    let after = ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "30000"))
        .await
        .unwrap()
        .value;
    assert_eq!(after.utilised.buyer.value(), d("30000"));
    assert_eq!(after.available.value(), d("70000"));
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "-5000.5"))
        .await
        .unwrap();
    ledger
        .adjust(&boss, id, adjustment(Side::Seller, "250000"))
        .await
        .unwrap();
    let picture = ledger.partner(&boss, id, PageRequest::default()).await.unwrap();
    assert_eq!(picture.exposure.utilised.buyer.value(), d("24999.5"));
    assert_eq!(
        picture.exposure.utilised.seller.value(),
        d("250000"),
        "sellers have no limit"
    );
    assert_eq!(picture.entries.items.len(), 3);
    assert_eq!(picture.entries.items[0].side, "seller", "newest first");
    assert!(picture.entries.items.iter().all(|e| e.reason == "adjustment"));
    assert_eq!(picture.entries.items[1].note.as_deref(), Some("opening balance"));
    assert_eq!(picture.entries.items[1].created_by, boss.user_id);
    assert!(picture.assessments.is_empty());
    assert_eq!(picture.performance.rating, d("3.0"), "neutral");
    let (sum, total) = buyer_sums(&t, id).await;
    assert_eq!(sum, total);
    assert_eq!(events(&t, "ExposureAdjusted").await.len(), 3);
    let page = PageRequest::parse(Some(2), None).unwrap();
    let first = ledger.partner(&boss, id, page).await.unwrap().entries;
    let next = PageRequest::parse(Some(2), first.next_cursor.as_deref()).unwrap();
    let second = ledger.partner(&boss, id, next).await.unwrap().entries;
    assert_eq!((first.items.len(), second.items.len()), (2, 1));
    assert_eq!(second.next_cursor, None);
}

async fn the_limit_and_zero_are_refused_with_what_remains(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let ledger = ledger(&t);
    let boss = manager();
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "99999.5"))
        .await
        .unwrap();
    let refused = ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "1"))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.kind(), refused.code()),
        (ErrorKind::Conflict, "credit_limit_exceeded")
    );
    assert_eq!(refused.members()["remaining"], "0.5");
    assert!(matches!(refused, RiskError::CreditLimitExceeded { remaining } if remaining.value() == d("0.5")));
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "0.5"))
        .await
        .unwrap();
    let below = ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "-100000.0001"))
        .await
        .unwrap_err();
    assert_eq!(below.code(), "exposure_below_zero");
    let zero = ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "0"))
        .await
        .unwrap_err();
    assert_eq!(zero.field_errors()[0].field, "amount");
    let mut short = adjustment(Side::Buyer, "1");
    short.reason = " x ".into();
    let short = ledger.adjust(&boss, id, short).await.unwrap_err();
    assert_eq!(short.field_errors()[0].field, "reason");
    let (sum, total) = buyer_sums(&t, id).await;
    assert_eq!((sum, total), (1_000_000_000, 1_000_000_000));
    let missing = ledger
        .adjust(&boss, Uuid::now_v7(), adjustment(Side::Buyer, "1"))
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

async fn a_band_change_upward_emits_one_event(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let ledger = ledger(&t);
    let boss = manager();
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "40000"))
        .await
        .unwrap();
    assert!(events(&t, "ExposureBandChanged").await.is_empty());
    let yellow = ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "15000"))
        .await
        .unwrap()
        .value;
    assert_eq!(yellow.band, Band::Yellow);
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "1000"))
        .await
        .unwrap();
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "-20000"))
        .await
        .unwrap();
    let changed = events(&t, "ExposureBandChanged").await;
    assert_eq!(changed.len(), 1, "once, upward only: {changed:?}");
    assert_eq!(changed[0]["previous_band"], "GREEN");
    assert_eq!(changed[0]["band"], "YELLOW");
    assert_eq!(changed[0]["severity"], "low");
    assert_eq!(changed[0]["partner_id"], id.to_string());
    ledger
        .adjust(&boss, id, adjustment(Side::Buyer, "60000"))
        .await
        .unwrap();
    let changed = events(&t, "ExposureBandChanged").await;
    assert_eq!(changed.len(), 2);
    assert_eq!(
        (changed[1]["previous_band"].as_str(), changed[1]["band"].as_str()),
        (Some("GREEN"), Some("RED"))
    );
}

async fn partner_users_reach_only_their_own_partner(t: TestInfra) {
    let mine = partner(&t, "100000").await;
    let theirs = partner(&t, "100000").await;
    let ledger = ledger(&t);
    let me = user_of(mine, &[risk::RISK_READ]);
    assert_eq!(ledger.exposure(&me, mine).await.unwrap().partner_id, mine);
    assert_eq!(
        ledger.exposure(&me, theirs).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        ledger
            .partner(&me, theirs, PageRequest::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let listed = ledger.monitor(&me, None, PageRequest::default()).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].exposure.partner_id, mine);
    let refused = ledger
        .adjust(&me, mine, adjustment(Side::Buyer, "1"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "capability_missing");
    let reader = staff(&[]);
    assert_eq!(
        ledger
            .monitor(&reader, None, PageRequest::default())
            .await
            .unwrap_err()
            .code(),
        "capability_missing"
    );
}

async fn every_reason_moves_inside_the_caller_s_write(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let reference = Uuid::now_v7();
    let moves = [
        (Reason::Reservation, "5000"),
        (Reason::Release, "-1000"),
        (Reason::Expiry, "-1000"),
        (Reason::Trade, "2500"),
        (Reason::Settlement, "-2500"),
        (Reason::Cancellation, "-500"),
    ];
    let written = infra::write::write(t.infra(), &infra::Actor::system(), move |tx| {
        Box::pin(async move {
            for (reason, amount) in moves {
                let change = ExposureMove {
                    partner_id: id,
                    side: Side::Buyer,
                    amount: d(amount),
                    reason,
                    reference_id: Some(reference),
                    note: None,
                };
                apply(tx, change).await?;
            }
            tx.audit("test.moves", "partner", &id.to_string(), None).await?;
            Ok::<_, RiskError>(())
        })
    })
    .await;
    assert!(written.is_ok(), "{written:?}");
    let (sum, total) = buyer_sums(&t, id).await;
    assert_eq!((sum, total), (25_000_000, 25_000_000));
    let boss = manager();
    let entries = ledger(&t)
        .partner(&boss, id, PageRequest::default())
        .await
        .unwrap()
        .entries
        .items;
    let reasons: Vec<&str> = entries.iter().rev().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "reservation",
            "release",
            "expiry",
            "trade",
            "settlement",
            "cancellation"
        ]
    );
    assert!(entries.iter().all(|e| e.reference_id == Some(reference)));
}

infra::backend_tests!(
    adjustments_move_the_total_and_write_entries,
    the_limit_and_zero_are_refused_with_what_remains,
    a_band_change_upward_emits_one_event,
    partner_users_reach_only_their_own_partner,
    every_reason_moves_inside_the_caller_s_write,
);
