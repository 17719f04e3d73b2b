//! Facts in batch: the partner record, performance (neutral when absent)
//! and exposure (zero when absent) for many partners at once.

use infra::Infra;
use infra::testing::TestInfra;
use risk::facts::{Performance, load};
use rust_decimal::Decimal;

use crate::rules_fixtures::{exposure, partner, performance, set};

async fn facts_load_in_batch_with_neutral_defaults(t: TestInfra) {
    let mut ids = Vec::new();
    for _ in 0..30 {
        ids.push(partner(&t, &["domestic_buy_india"]).await);
    }
    let known = ids[0];
    set(&t, known, "credit_limit", (500_000i64 * 10_000).into()).await;
    set(&t, known, "pan", "AAAPL1234C".into()).await;
    set(&t, known, "contact_email", "ravi@Cotton-Mills.in".into()).await;
    performance(&t, known, 42, 80, 90, 1, 12).await;
    exposure(&t, known, "buyer", 120_000).await;
    exposure(&t, known, "seller", 7).await;
    let gmail = ids[1];
    set(&t, gmail, "contact_email", "someone@gmail.com".into()).await;
    let missing = uuid::Uuid::now_v7();
    let mut asked = ids.clone();
    asked.push(missing);
    let facts = load(t.db(), &asked).await.unwrap();
    assert_eq!(facts.len(), 30, "an unknown id is left out");
    let f = &facts[&known];
    assert_eq!(f.credit_limit, Decimal::from(500_000));
    assert_eq!(f.utilised_buyer, Decimal::from(120_000));
    assert_eq!(f.utilised_seller, Decimal::from(7));
    assert_eq!(f.performance.rating, Decimal::new(42, 1));
    assert_eq!(
        (f.performance.delivery_score, f.performance.payment_score),
        (80, 90)
    );
    assert_eq!((f.performance.disputes, f.performance.trade_count), (1, 12));
    assert_eq!(f.pan.as_deref(), Some("AAAPL1234C"));
    assert!(f.kyc_verified);
    assert_eq!(f.capabilities, ["domestic_buy_india"]);
    assert!(f.email_domains.contains("cotton-mills.in"));
    assert!(f.mobiles.contains("9800000000"));
    let plain = &facts[&ids[5]];
    assert_eq!(plain.performance, Performance::neutral());
    assert_eq!(plain.utilised_buyer, Decimal::ZERO);
    assert!(
        facts[&gmail].email_domains.is_empty(),
        "public mail domains are ignored"
    );
}

infra::backend_tests!(facts_load_in_batch_with_neutral_defaults);
