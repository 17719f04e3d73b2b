//! Validations: party links through `partners::links`, and whether a
//! partner may take a side.

use infra::ServiceError;
use infra::testing::TestInfra;
use risk::RISK_ASSESS;
use risk::validations::{PartyLinksInput, RoleInput, TradeSide, ValidationService};

use crate::rules_fixtures::{fields, partner, set, staff, user_of};

async fn links_and_roles_are_answered(t: TestInfra) {
    let a = partner(&t, &["domestic_sell_india"]).await;
    let b = partner(&t, &[]).await;
    let c = partner(&t, &[]).await;
    set(&t, a, "pan", "AAAPL1234C".into()).await;
    set(&t, b, "pan", "AAAPL1234C".into()).await;
    let v = ValidationService::new(t.infra().clone());
    let desk = staff(&[RISK_ASSESS]);
    let ask = |p, o| PartyLinksInput {
        partner_id: p,
        other_partner_id: o,
    };
    let linked = v.party_links(&desk, ask(a, b)).await.unwrap();
    assert!(linked.linked);
    assert!(linked.reason.unwrap().contains("PAN"));
    let free = v.party_links(&desk, ask(a, c)).await.unwrap();
    assert!(!free.linked);
    assert_eq!(free.reason, None);
    let err = v
        .party_links(&desk, ask(a, uuid::Uuid::now_v7()))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["other_partner_id"]);
    let outsider = user_of(c, &[RISK_ASSESS]);
    assert!(matches!(
        v.party_links(&outsider, ask(a, b)).await,
        Err(ServiceError::NotFound("partner"))
    ));

    let role = |side, cross_border| RoleInput {
        partner_id: a,
        side,
        cross_border,
    };
    let sell = v.role(&desk, role(TradeSide::Sell, false)).await.unwrap();
    assert!(sell.allowed, "{}", sell.reason);
    let export = v.role(&desk, role(TradeSide::Sell, true)).await.unwrap();
    assert!(!export.allowed);
    assert!(export.reason.contains("export_allowed"));
    set(&t, a, "status", "suspended".into()).await;
    let suspended = v.role(&desk, role(TradeSide::Sell, false)).await.unwrap();
    assert!(!suspended.allowed);
    assert!(matches!(
        v.role(&outsider, role(TradeSide::Buy, false)).await,
        Err(ServiceError::NotFound("partner"))
    ));
}

infra::backend_tests!(links_and_roles_are_answered);
