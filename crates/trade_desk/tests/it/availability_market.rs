//! Availabilities in the market: duplicates and circular trading refused
//! (both ways, and as a question), and expiry once from two instances.

use chrono::Duration;
use infra::testing::TestInfra;
use infra::{DomainError, ErrorKind, Infra};
use serde_json::json;
use trade_desk::availabilities::{AdHocAddress, AvailabilityService};
use trade_desk::circular::CircularInput;
use trade_desk::requirements::{NewRequirement, RequirementService};
use uuid::Uuid;

use crate::availabilities::{DESK, SELL, offer, reason, service};
use crate::support::{cotton, events, place, staff, trader, user_of};

async fn duplicates_and_circular_trading_are_refused(t: TestInfra) {
    let seller = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(seller, SELL);
    let availabilities = service(&t);
    let first = availabilities
        .create(&me, offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    let e = availabilities
        .create(&me, offer(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::Conflict, "duplicate_availability")
    );
    let mut other = offer(cotton.id, yard);
    other.quantity = "101".parse().unwrap();
    availabilities.create(&me, other).await.unwrap();
    availabilities
        .cancel(&me, first.id, reason("posted twice"))
        .await
        .unwrap();
    availabilities
        .create(&me, offer(cotton.id, yard))
        .await
        .expect("a cancelled listing is no duplicate");

    let adhoc = || {
        let mut input = offer(cotton.id, yard);
        input.location_id = None;
        input.address = Some(AdHocAddress {
            text: "Plot 4, GIDC Shapar".into(),
            latitude: 22.19,
            longitude: 70.78,
            state_code: "gj".into(),
        });
        input
    };
    let field = availabilities.create(&me, adhoc()).await.unwrap().value;
    assert_eq!(
        (field.state_code.as_deref(), field.latitude),
        (Some("GJ"), Some(22.19))
    );
    let e = availabilities.create(&me, adhoc()).await.unwrap_err();
    assert_eq!(e.code(), "duplicate_availability", "the same point twice");
    availabilities
        .cancel(&me, field.id, reason("moved"))
        .await
        .unwrap();

    // The seller now has open availabilities of cotton today: it may not ask to buy it.
    let buying = user_of(seller, &["REQUIREMENT_CREATE"]);
    let need = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "10".parse().unwrap(),
        max_quantity: "20".parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    let requirements = RequirementService::new(t.infra().clone());
    let e = requirements.create(&buying, need.clone()).await.unwrap_err();
    assert_eq!(e.code(), "circular_trading");
    let ask = |side: &str, who: Uuid| CircularInput {
        partner_id: who,
        commodity_id: cotton.id,
        side: serde_json::from_value(json!(side)).unwrap(),
    };
    let today = availabilities.today();
    let answer = trade_desk::circular::validate(t.infra(), &buying, ask("buy", seller), today)
        .await
        .unwrap();
    assert!(!answer.allowed);
    assert_eq!(answer.conflicts.len(), 2, "{answer:?}");
    let e = trade_desk::circular::validate(t.infra(), &buying, ask("sell", seller), today)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "capability_missing",
        "asking about selling needs AVAILABILITY_CREATE"
    );

    // And the other way: a buyer with an open requirement may not sell it today.
    let buyer = trader(&t).await;
    let wants = requirements
        .create(&user_of(buyer, &["REQUIREMENT_CREATE"]), need)
        .await
        .unwrap()
        .value;
    let e = availabilities
        .create(&user_of(buyer, SELL), offer(cotton.id, yard))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "circular_trading");
    assert!(
        e.to_string().contains(&wants.number),
        "names the requirement: {e}"
    );
    let e = trade_desk::circular::validate(t.infra(), &me, ask("sell", buyer), today)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope", "a partner asks about itself");
}

async fn expiry_changes_each_availability_once(t: TestInfra) {
    let seller = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let other = t.another_instance().await;
    let (a, b) = (service(&t), AvailabilityService::new(other.clone()));
    let me = user_of(seller, SELL);
    let mut sizes = ["100", "110", "120"].into_iter().map(|q| {
        let mut input = offer(cotton.id, yard);
        input.quantity = q.parse().unwrap();
        input
    });
    let active = a.create(&me, sizes.next().unwrap()).await.unwrap().value;
    a.approve(&staff(DESK), active.id).await.unwrap();
    let pending = a.create(&me, sizes.next().unwrap()).await.unwrap().value;
    let kept = a.create(&me, sizes.next().unwrap()).await.unwrap().value;
    a.cancel(&me, kept.id, reason("not for sale")).await.unwrap();
    assert_eq!(a.expire().await.unwrap(), 0, "nothing has run out");
    for clock in [t.clock(), other.clock()] {
        clock.advance(Duration::days(31));
    }
    let (x, y) = tokio::join!(a.expire(), b.expire());
    assert_eq!(
        x.unwrap() + y.unwrap(),
        2,
        "the active and the pending, once, from two instances"
    );
    assert_eq!(a.expire().await.unwrap(), 0, "run again");
    assert_eq!(events(&t, "AvailabilityExpired").await.len(), 2);
    let reader = staff(&["AVAILABILITY_READ"]);
    for (id, status) in [
        (active.id, "EXPIRED"),
        (pending.id, "EXPIRED"),
        (kept.id, "CANCELLED"),
    ] {
        assert_eq!(a.get(&reader, id).await.unwrap().status, status);
    }
}

async fn the_table_keeps_its_quantities_consistent(t: TestInfra) {
    use infra::sea_orm::ConnectionTrait;
    use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let seller = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let made = service(&t)
        .create(&user_of(seller, SELL), offer(cotton.id, yard))
        .await
        .unwrap()
        .value;
    for (column, value) in [
        ("reserved_quantity", 10_000i64),
        ("available_quantity", -1),
        ("sold_quantity", -5),
    ] {
        let update = Query::update()
            .table(Alias::new("availabilities"))
            .value(Alias::new(column), value)
            .and_where(Expr::col(Alias::new("id")).eq(made.id))
            .to_owned();
        assert!(
            t.db().execute(&update).await.is_err(),
            "{column} = {value} is refused"
        );
    }
    crate::support::hold(&t, made.id, 10_000).await;
    let held = service(&t).get(&staff(DESK), made.id).await.unwrap();
    assert_eq!(
        (
            held.available_quantity.to_string(),
            held.reserved_quantity.to_string()
        ),
        ("99".into(), "1".into())
    );
}

infra::backend_tests!(
    the_table_keeps_its_quantities_consistent,
    duplicates_and_circular_trading_are_refused,
    expiry_changes_each_availability_once,
);
