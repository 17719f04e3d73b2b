//! The performance record: neutral values, trades counted in the caller's
//! write, staff corrections audited with the old values, versions, fields.

use infra::testing::TestInfra;
use infra::{DomainError, ErrorKind};
use risk::performance::{PerformanceCorrection, record_trade};

use crate::support::{audits, d, events, ledger, manager, partner, user_of};

fn correction(rating: &str) -> PerformanceCorrection {
    PerformanceCorrection {
        rating: d(rating),
        delivery_score: 85,
        payment_score: 60,
        disputes: 2,
        reason: "quarterly review".into(),
        version: None,
    }
}

async fn a_partner_without_history_reads_neutral_values(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let record = ledger(&t).performance(&manager(), id).await.unwrap();
    assert_eq!(record.rating, d("3.0"));
    assert_eq!((record.delivery_score, record.payment_score), (70, 70));
    assert_eq!((record.disputes, record.trade_count, record.version), (0, 0, 0));
    assert_eq!(record.last_trade_at, None);
    let theirs = partner(&t, "1").await;
    let me = user_of(id, &[risk::RISK_READ]);
    assert_eq!(
        ledger(&t).performance(&me, theirs).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

async fn trades_count_inside_the_trade_s_write(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let early = chrono::Utc::now() - chrono::Duration::days(2);
    let late = early + chrono::Duration::days(1);
    for at in [late, early] {
        infra::write::write(t.infra(), &infra::Actor::system(), move |tx| {
            Box::pin(async move {
                record_trade(tx, id, at).await?;
                tx.audit("test.trade", "partner", &id.to_string(), None).await?;
                Ok::<_, infra::ServiceError>(())
            })
        })
        .await
        .unwrap();
    }
    let record = ledger(&t).performance(&manager(), id).await.unwrap();
    assert_eq!(record.trade_count, 2);
    let kept = record.last_trade_at.unwrap();
    assert_eq!(
        kept.timestamp_micros(),
        late.timestamp_micros(),
        "the latest trade is kept"
    );
    assert_eq!(record.rating, d("3.0"), "the neutral values otherwise");
}

async fn corrections_are_audited_with_the_old_values(t: TestInfra) {
    let id = partner(&t, "100000").await;
    let ledger = ledger(&t);
    let boss = manager();
    let first = ledger
        .correct_performance(&boss, id, correction("4.2"), Some(0))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (first.rating, first.delivery_score, first.version),
        (d("4.2"), 85, 1)
    );
    let stale = ledger
        .correct_performance(&boss, id, correction("4.5"), Some(0))
        .await
        .unwrap_err();
    assert_eq!(
        (stale.kind(), stale.code()),
        (ErrorKind::PreconditionFailed, "stale_version")
    );
    let second = ledger
        .correct_performance(&boss, id, correction("1.5"), Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!((second.rating, second.version), (d("1.5"), 2));
    let same = ledger
        .correct_performance(&boss, id, correction("1.5"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(same.version, 2, "nothing changed");
    let audited = audits(&t, "risk_performance.correct").await;
    assert_eq!(audited.len(), 3);
    assert_eq!(audited[0]["old"]["rating"], "3.0");
    assert_eq!(audited[1]["old"]["rating"], "4.2");
    assert_eq!(audited[1]["changes"]["rating"]["new"], "1.5");
    assert_eq!(audited[1]["reason"], "quarterly review");
    assert_eq!(events(&t, "PerformanceCorrected").await.len(), 2);
    let mut bad = correction("5.1");
    bad.delivery_score = 101;
    bad.payment_score = -1;
    bad.disputes = -1;
    bad.reason = "x".into();
    let refused = ledger
        .correct_performance(&boss, id, bad, None)
        .await
        .unwrap_err();
    let fields: Vec<String> = refused.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        ["rating", "delivery_score", "payment_score", "disputes", "reason"]
    );
    let precise = ledger
        .correct_performance(&boss, id, correction("4.25"), None)
        .await
        .unwrap_err();
    assert_eq!(precise.field_errors()[0].field, "rating");
    for edge in ["0", "5", "5.0"] {
        ledger
            .correct_performance(&boss, id, correction(edge), None)
            .await
            .unwrap();
    }
    let reader = user_of(id, &[risk::RISK_READ]);
    let refused = ledger
        .correct_performance(&reader, id, correction("4"), None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "capability_missing");
}

infra::backend_tests!(
    a_partner_without_history_reads_neutral_values,
    trades_count_inside_the_trade_s_write,
    corrections_are_audited_with_the_old_values,
);
