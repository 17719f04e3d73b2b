//! Concurrent moves of one partner's exposure: the total equals the sum of
//! its entries and never passes the credit limit (200 moves on PostgreSQL,
//! 50 on SQLite).

use infra::testing::{Backend, TestInfra};
use infra::{DomainError, Infra};
use risk::Side;
use risk::exposure::{ExposureMove, Reason, apply};
use uuid::Uuid;

use crate::support::{buyer_sums, d, partner};

async fn concurrent_moves_keep_the_total_exact_and_within_the_limit(t: TestInfra) {
    let n = if t.backend() == Backend::Postgres { 200 } else { 50 };
    // A limit both counts pass: 30,000 INR against up to 160 or 40 increases of 1,000.
    let id = partner(&t, "30000").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let infra = t.infra().clone();
        // Mostly increases of 1000 (more than the limit holds), every fifth a release of 500.
        let amount = if i % 5 == 4 { "-500" } else { "1000" };
        tasks.spawn(async move {
            infra::write::write(&infra, &infra::Actor::system(), move |tx| {
                Box::pin(async move {
                    let change = ExposureMove {
                        partner_id: id,
                        side: Side::Buyer,
                        amount: d(amount),
                        reason: if amount.starts_with('-') {
                            Reason::Release
                        } else {
                            Reason::Reservation
                        },
                        reference_id: Some(Uuid::now_v7()),
                        note: None,
                    };
                    apply(tx, change).await?;
                    tx.audit("test.move", "partner", &id.to_string(), None).await?;
                    Ok::<_, risk::RiskError>(())
                })
            })
            .await
        });
    }
    let mut refused = 0;
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            Ok(_) => {}
            Err(e) => {
                assert!(
                    ["credit_limit_exceeded", "exposure_below_zero"].contains(&e.code()),
                    "{e}"
                );
                refused += 1;
            }
        }
    }
    let (sum, total) = buyer_sums(&t, id).await;
    assert_eq!(sum, total, "the total is the sum of its entries");
    assert!(total <= 300_000_000, "never past the limit: {total}");
    assert!(refused > 0, "the limit refused some moves");
    assert!(t.db().ping().await.is_ok());
}

infra::backend_tests!(concurrent_moves_keep_the_total_exact_and_within_the_limit);
