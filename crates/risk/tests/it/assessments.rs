//! Stored assessments: the answer kept with its id and read back, one
//! RiskAssessed per assessment, a partner's users kept to their own, every
//! broken field named, trades failing on shared tax ids.

use infra::ServiceError;
use infra::testing::TestInfra;
use risk::assessments::{AssessmentService, CounterpartyAssessment, SideAssessment, TradeAssessment};
use risk::precheck::Status;
use risk::{RISK_ASSESS, RISK_READ};
use rust_decimal::Decimal;

use crate::rules_fixtures::{commodity, events, exposure, fields, partner, performance, set, staff, user_of};

fn service(t: &TestInfra) -> AssessmentService<infra::AppInfra> {
    AssessmentService::new(t.infra().clone())
}

fn side(partner_id: uuid::Uuid, commodity_id: uuid::Uuid, value: &str) -> SideAssessment {
    SideAssessment {
        partner_id,
        commodity_id,
        quantity: "10".parse().unwrap(),
        value: value.parse().unwrap(),
    }
}

async fn an_assessment_is_stored_read_back_and_announced(t: TestInfra) {
    let seller = partner(&t, &["domestic_sell_india"]).await;
    set(&t, seller, "credit_limit", (1_000_000i64 * 10_000).into()).await;
    exposure(&t, seller, "seller", 950_000).await;
    performance(&t, seller, 45, 90, 90, 0, 80).await;
    let cotton = commodity(&t).await;
    let risk = service(&t);
    let desk = staff(&[RISK_ASSESS, RISK_READ]);
    let a = risk
        .seller(&desk, side(seller, cotton, "100000"))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (a.score, a.status),
        (60, Status::Warn),
        "over the limit after the trade: -40"
    );
    assert_eq!(a.factors[0].factor, "exposure_over_limit");
    assert_eq!(a.factors[0].points, -40);
    assert_eq!(a.kind, "seller");
    assert_eq!(a.created_by, desk.user_id);
    let read = risk.get(&desk, a.id).await.unwrap();
    assert_eq!(read, a);
    let announced = events(&t, "RiskAssessed").await;
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0].aggregate_type, "risk_assessment");
    assert_eq!(announced[0].aggregate_id, a.id.to_string());
    assert_eq!(announced[0].topic, risk::TOPIC);
    assert_eq!(announced[0].payload["assessment"]["score"], 60);

    let b = risk
        .buyer(&desk, side(seller, cotton, "1000001"))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (b.score, b.status),
        (50, Status::Warn),
        "the remaining limit is under the value: -50"
    );
    let c = risk
        .counterparty(&desk, CounterpartyAssessment { partner_id: seller })
        .await
        .unwrap()
        .value;
    assert_eq!(c.credit_limit_advice, Some(Decimal::new(12, 1)));
    assert!(c.advice_reason.unwrap().contains("4.5"));
    assert_eq!(events(&t, "RiskAssessed").await.len(), 3);
}

async fn partners_reach_only_their_own_and_inputs_are_checked(t: TestInfra) {
    let mine = partner(&t, &[]).await;
    let theirs = partner(&t, &[]).await;
    let cotton = commodity(&t).await;
    let risk = service(&t);
    let desk = staff(&[RISK_ASSESS, RISK_READ]);
    let theirs_assessed = risk
        .buyer(&desk, side(theirs, cotton, "100"))
        .await
        .unwrap()
        .value;
    let me = user_of(mine, &[RISK_ASSESS, RISK_READ]);
    let own = risk.buyer(&me, side(mine, cotton, "100")).await.unwrap().value;
    assert_eq!(risk.get(&me, own.id).await.unwrap().id, own.id);
    assert!(matches!(
        risk.get(&me, theirs_assessed.id).await,
        Err(ServiceError::NotFound("assessment"))
    ));
    assert!(matches!(
        risk.buyer(&me, side(theirs, cotton, "100")).await,
        Err(ServiceError::NotFound("partner"))
    ));
    let trade = TradeAssessment {
        buyer_partner_id: theirs,
        seller_partner_id: theirs,
        value: "100".parse().unwrap(),
    };
    assert!(matches!(
        risk.trade(&me, trade).await,
        Err(ServiceError::NotFound("partner"))
    ));
    let reader = user_of(mine, &[RISK_READ]);
    assert!(matches!(
        risk.buyer(&reader, side(mine, cotton, "100")).await,
        Err(ServiceError::Forbidden(_))
    ));
    let mut bad = side(mine, cotton, "0");
    bad.quantity = "0".parse().unwrap();
    let err = risk.seller(&desk, bad).await.unwrap_err();
    assert_eq!(fields(&err), ["quantity", "value"]);
    let err = risk
        .seller(&desk, side(mine, uuid::Uuid::now_v7(), "5"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["commodity_id"]);
    let err = risk
        .seller(&desk, side(uuid::Uuid::now_v7(), cotton, "5"))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound("partner")));
}

async fn a_trade_fails_on_a_shared_pan_and_warns_on_a_shared_domain(t: TestInfra) {
    let buyer = partner(&t, &[]).await;
    let seller = partner(&t, &[]).await;
    let other = partner(&t, &[]).await;
    for id in [buyer, seller, other] {
        set(&t, id, "credit_limit", (1_000_000i64 * 10_000).into()).await;
        performance(&t, id, 45, 90, 90, 0, 80).await;
    }
    set(&t, buyer, "pan", "AAAPL1234C".into()).await;
    set(&t, seller, "pan", "AAAPL1234C".into()).await;
    set(&t, other, "pan", "BBBPL1234C".into()).await;
    set(&t, other, "contact_mobile", "+919811111111".into()).await;
    set(&t, buyer, "contact_mobile", "+919822222222".into()).await;
    set(&t, buyer, "contact_email", "a@cotton-mills.in".into()).await;
    set(&t, other, "contact_email", "b@cotton-mills.in".into()).await;
    let risk = service(&t);
    let desk = staff(&[RISK_ASSESS, RISK_READ]);
    let trade = |s| TradeAssessment {
        buyer_partner_id: buyer,
        seller_partner_id: s,
        value: "1000".parse().unwrap(),
    };
    let failed = risk.trade(&desk, trade(seller)).await.unwrap().value;
    assert_eq!(failed.status, Status::Fail);
    assert!(failed.factors.iter().any(|f| f.factor == "shared_pan"));
    assert_eq!(failed.other_partner_id, Some(seller));
    assert_eq!(failed.buyer.as_ref().unwrap().score, 100);
    let warned = risk.trade(&desk, trade(other)).await.unwrap().value;
    assert_eq!((warned.score, warned.status), (100, Status::Warn));
    let names: Vec<&str> = warned.factors.iter().map(|f| f.factor.as_str()).collect();
    assert_eq!(names, ["shared_email_domain"]);
    let seller_user = user_of(other, &[RISK_READ]);
    assert_eq!(
        risk.get(&seller_user, warned.id).await.unwrap().id,
        warned.id,
        "the seller reads it too"
    );
}

infra::backend_tests!(
    an_assessment_is_stored_read_back_and_announced,
    partners_reach_only_their_own_and_inputs_are_checked,
    a_trade_fails_on_a_shared_pan_and_warns_on_a_shared_domain,
);
