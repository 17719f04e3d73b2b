//! Every refusal of a reservation with its code.

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, ExprTrait, Query};
use infra::testing::TestInfra;
use infra::{DomainError, Infra};
use uuid::Uuid;

use crate::availabilities::{SELL, reason, service as offers};
use crate::reservations::{BUY, ask, market, reservations, row};
use crate::support::{fields, seasoned, set, staff, trader, user_of};

/// Gives partner `id` a performance row rated `rating_tenths` with `payment` score.
async fn performance(t: &TestInfra, id: Uuid, rating_tenths: i32, payment: i32) {
    let now = chrono::Utc::now();
    let insert = Query::insert()
        .into_table(Alias::new("risk_performance"))
        .columns(
            [
                "partner_id",
                "rating_tenths",
                "delivery_score",
                "payment_score",
                "created_at",
                "updated_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            id.into(),
            rating_tenths.into(),
            90i32.into(),
            payment.into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    t.db().execute(&insert).await.unwrap();
}

async fn every_refusal_has_its_code(t: TestInfra) {
    let (seller, buyer, id) = market(&t, "100").await;
    let service = reservations(&t);
    let me = user_of(buyer, BUY);
    let mut long = ask("1");
    long.hours = Some(169);
    assert_eq!(
        fields(&service.reserve(&me, id, long).await.unwrap_err()),
        ["hours"]
    );
    assert_eq!(
        fields(&service.reserve(&me, id, ask("0")).await.unwrap_err()),
        ["quantity"]
    );
    let e = service.reserve(&staff(BUY), id, ask("1")).await.unwrap_err();
    assert_eq!(fields(&e), ["buyer_partner_id"], "staff name the buyer");
    let e = service.reserve(&me, id, ask("101")).await.unwrap_err();
    assert_eq!(e.code(), "insufficient_quantity");
    let e = service
        .reserve(&user_of(buyer, &["AVAILABILITY_READ"]), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_missing");
    let mut foreign = ask("1");
    foreign.requirement_id = Some(Uuid::now_v7());
    assert_eq!(
        fields(&service.reserve(&me, id, foreign).await.unwrap_err()),
        ["requirement_id"]
    );
    let e = service.reserve(&me, Uuid::now_v7(), ask("1")).await.unwrap_err();
    assert_eq!(e.code(), "not_found");
    let set_offer = |column: &'static str, value: i64| {
        Query::update()
            .table(Alias::new("availabilities"))
            .value(Alias::new(column), value)
            .and_where(infra::sea_orm::sea_query::Expr::col(Alias::new("id")).eq(id))
            .to_owned()
    };
    t.db()
        .execute(&set_offer("min_order_quantity", 5 * 10_000))
        .await
        .unwrap();
    assert_eq!(
        fields(&service.reserve(&me, id, ask("4")).await.unwrap_err()),
        ["quantity"]
    );
    let whole = Query::update()
        .table(Alias::new("availabilities"))
        .value(Alias::new("allow_partial"), false)
        .value(Alias::new("min_order_quantity"), Option::<i64>::None)
        .and_where(infra::sea_orm::sea_query::Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&whole).await.unwrap();
    assert_eq!(
        fields(&service.reserve(&me, id, ask("50")).await.unwrap_err()),
        ["quantity"]
    );
    let fair = Query::update()
        .table(Alias::new("availabilities"))
        .value(Alias::new("allow_partial"), true)
        .and_where(infra::sea_orm::sea_query::Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&fair).await.unwrap();
    set(&t, buyer, "corporate_group_key", "one-group").await;
    set(&t, seller, "corporate_group_key", "one-group").await;
    let e = service.reserve(&me, id, ask("1")).await.unwrap_err();
    assert_eq!(e.code(), "party_linked");
    assert!(e.to_string().contains("corporate_group"), "{e}");
    set(&t, buyer, "corporate_group_key", "own-group").await;
    let poor = trader(&t).await;
    let e = service
        .reserve(&user_of(poor, BUY), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "credit_limit_exceeded",
        "a neutral buyer without credit warns, then the limit holds"
    );
    assert_eq!(e.members()["remaining"], "0");
    let weak = trader(&t).await;
    performance(&t, weak, 10, 40).await;
    let e = service
        .reserve(&user_of(weak, BUY), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "buyer_precheck_failed");
    let suspended = trader(&t).await;
    set(&t, suspended, "status", "suspended").await;
    let e = service
        .reserve(&user_of(suspended, BUY), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "partner_suspended");
    let seller_only = crate::support::partner(&t, "seller", &["domestic_sell_india"]).await;
    let e = service
        .reserve(&user_of(seller_only, BUY), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "side_not_allowed");
    offers(&t)
        .cancel(&user_of(seller, SELL), id, reason("not for sale"))
        .await
        .unwrap();
    let other = trader(&t).await;
    seasoned(&t, other).await;
    let e = service
        .reserve(&user_of(other, BUY), id, ask("1"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "availability_not_active");
    assert!(e.to_string().contains("CANCELLED"), "{e}");
    assert_eq!(
        row(&t, id).await.reserved_quantity,
        0,
        "nothing moved by a refusal"
    );
}

infra::backend_tests!(every_refusal_has_its_code);
