//! Reservations: concurrent reservations never oversell and leave the
//! quantities and the buyer's ledger in step; partial and whole releases
//! give back the exact value; units convert exactly or are refused; a
//! release racing the expiry ends one way; every refusal with its code.

use std::sync::Arc;

use chrono::Duration;
use infra::sea_orm::sea_query::{Alias, ExprTrait, Query};
use infra::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, Infra};
use trade_desk::availabilities::entity::availability;
use trade_desk::reservations::entity::reservation;
use trade_desk::reservations::{NewReservation, Release, ReservationService};
use uuid::Uuid;

use crate::availabilities::{SELL, offer, reason, service as offers};
use crate::support::{cotton, events, fields, place, seasoned, set, staff, trader, user_of};

/// What a buyer's user holds.
const BUY: &[&str] = &["AVAILABILITY_RESERVE", "AVAILABILITY_READ", "TRADE_READ"];

fn reservations(t: &TestInfra) -> ReservationService<AppInfra> {
    ReservationService::new(t.infra().clone())
}

fn ask(quantity: &str) -> NewReservation {
    NewReservation {
        quantity: quantity.parse().unwrap(),
        ..NewReservation::default()
    }
}

/// A seasoned seller's ACTIVE availability of `quantity` CANDY at 61000 a CANDY, and a seasoned buyer.
async fn market(t: &TestInfra, quantity: &str) -> (Uuid, Uuid, Uuid) {
    let (seller, buyer) = (trader(t).await, trader(t).await);
    seasoned(t, seller).await;
    seasoned(t, buyer).await;
    let cotton = cotton(t, "Shankar-6").await;
    let yard = place(t, "Rajkot", "GJ").await;
    let mut input = offer(cotton.id, yard);
    input.quantity = quantity.parse().unwrap();
    let made = offers(t)
        .create(&user_of(seller, SELL), input)
        .await
        .unwrap()
        .value;
    assert_eq!(made.status, "ACTIVE", "auto-approved");
    (seller, buyer, made.id)
}

async fn row(t: &TestInfra, id: Uuid) -> availability::Model {
    availability::Entity::find_by_id(id)
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
}

/// The buyer's utilised total and the sum of its ledger entries (scaled).
async fn ledger(t: &TestInfra, buyer: Uuid) -> (i64, i64) {
    use risk::exposure::entity::entry;
    let (utilised, _) = risk::exposure::view::totals(t.db(), buyer).await.unwrap();
    let entries = entry::Entity::find()
        .filter(entry::Column::PartnerId.eq(buyer))
        .filter(entry::Column::Side.eq("buyer"))
        .all(t.db())
        .await
        .unwrap();
    (utilised, entries.iter().map(|e| e.amount).sum())
}

/// The sums of held quantity and value still reserved over the ACTIVE reservations of `offer`.
async fn active_sums(t: &TestInfra, offer: Uuid) -> (i64, i64) {
    let rows = reservation::Entity::find()
        .filter(reservation::Column::AvailabilityId.eq(offer))
        .filter(reservation::Column::Status.eq("ACTIVE"))
        .all(t.db())
        .await
        .unwrap();
    let held = rows.iter().map(|r| r.held_quantity - r.released_quantity).sum();
    let value = rows.iter().map(|r| r.value - r.released_value).sum();
    (held, value)
}

async fn concurrent_reservations_never_oversell(t: TestInfra) {
    let n: usize = if t.backend() == infra::testing::Backend::Postgres {
        200
    } else {
        50
    };
    let total = n * 3 / 5;
    let (_, buyer, id) = market(&t, &total.to_string()).await;
    let service = Arc::new(reservations(&t));
    let me = user_of(buyer, BUY);
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (service, me) = (service.clone(), me.clone());
            tokio::spawn(async move { service.reserve(&me, id, ask("1")).await })
        })
        .collect();
    let mut made = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => made += 1,
            Err(e) => assert!(
                ["insufficient_quantity", "availability_not_active"].contains(&e.code()),
                "a clean refusal, not {e:?}"
            ),
        }
    }
    assert_eq!(made, total, "every unit reserved once, none more");
    let after = row(&t, id).await;
    assert_eq!((after.available_quantity, after.status.as_str()), (0, "RESERVED"));
    assert_eq!(after.reserved_quantity, total as i64 * 10_000);
    let (held, value) = active_sums(&t, id).await;
    assert_eq!(
        held, after.reserved_quantity,
        "reserved is the active reservations' sum"
    );
    let (utilised, entries) = ledger(&t, buyer).await;
    assert_eq!(utilised, entries, "utilised is the ledger's sum");
    assert_eq!(utilised, value, "and the active reservations' value");
    assert_eq!(utilised, total as i64 * 61_000 * 10_000);
    assert_eq!(
        after.version,
        1 + total as i64,
        "each reservation bumps the version once"
    );
}

async fn releases_give_back_the_exact_value(t: TestInfra) {
    let (seller, buyer, id) = market(&t, "100").await;
    let service = reservations(&t);
    let me = user_of(buyer, BUY);
    let mut input = ask("3");
    input.hours = Some(48);
    let held = service.reserve(&me, id, input).await.unwrap().value;
    assert_eq!(
        (held.status.as_str(), held.value.to_string().as_str()),
        ("ACTIVE", "183000")
    );
    assert_eq!(held.expires_at - held.created_at, Duration::hours(48));
    assert_eq!(held.availability_version, 2);
    assert_eq!(row(&t, id).await.available_quantity, 97 * 10_000);
    let part = Release {
        quantity: Some("1".parse().unwrap()),
    };
    let after = service.release(&me, held.id, part).await.unwrap().value;
    assert_eq!(after.status, "ACTIVE");
    assert_eq!(after.active_quantity.to_string(), "2");
    assert_eq!(after.released_value.to_string(), "61000");
    let too_much = Release {
        quantity: Some("5".parse().unwrap()),
    };
    let e = service.release(&me, held.id, too_much).await.unwrap_err();
    assert_eq!(fields(&e), ["quantity"]);
    let e = service
        .release(&user_of(seller, BUY), held.id, Release::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope", "the seller does not release");
    let stranger = trader(&t).await;
    let e = service.get(&user_of(stranger, BUY), held.id).await.unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(
        service.get(&user_of(seller, BUY), held.id).await.unwrap().id,
        held.id
    );
    let done = service
        .release(&me, held.id, Release::default())
        .await
        .unwrap()
        .value;
    assert_eq!(
        (done.status.as_str(), done.released_value.to_string().as_str()),
        ("RELEASED", "183000")
    );
    let e = service
        .release(&me, held.id, Release::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "reservation_not_active");
    let offer = row(&t, id).await;
    assert_eq!(
        (offer.available_quantity, offer.reserved_quantity),
        (100 * 10_000, 0)
    );
    assert_eq!(ledger(&t, buyer).await, (0, 0));
    let reserved = events(&t, "QuantityReserved").await;
    let released = events(&t, "QuantityReleased").await;
    assert_eq!((reserved.len(), released.len()), (1, 2));
    assert_eq!(released[1]["reservation"]["status"], "RELEASED");
    let page = service
        .list(
            &me,
            Some("buyer".into()),
            None,
            Some("released".into()),
            infra::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let sold = service
        .list(
            &user_of(seller, BUY),
            Some("seller".into()),
            None,
            None,
            infra::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(sold.items.len(), 1);
    let e = service
        .list(
            &me,
            Some("both".into()),
            None,
            None,
            infra::PageRequest::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["side"]);
}

async fn units_convert_exactly_or_are_refused(t: TestInfra) {
    let (_, buyer, id) = market(&t, "100").await;
    let service = reservations(&t);
    let me = user_of(buyer, BUY);
    let mut kg = ask("711.2444");
    kg.unit = Some("kg".into());
    let held = service.reserve(&me, id, kg).await.unwrap().value;
    assert_eq!(
        (held.held_quantity.to_string().as_str(), held.held_unit.as_str()),
        ("2", "CANDY")
    );
    assert_eq!(held.unit, "KG");
    let mut inexact = ask("100");
    inexact.unit = Some("KG".into());
    let e = service.reserve(&me, id, inexact).await.unwrap_err();
    assert_eq!(fields(&e), ["quantity"], "100 kg is no exact quantity of candy");
    let mut meters = ask("1");
    meters.unit = Some("METER".into());
    let e = service.reserve(&me, id, meters).await.unwrap_err();
    assert_eq!(fields(&e), ["unit"]);
}

async fn a_release_racing_the_expiry_ends_one_way(t: TestInfra) {
    let (_, buyer, id) = market(&t, "100").await;
    let other = t.another_instance().await;
    let (a, b) = (reservations(&t), ReservationService::new(other.clone()));
    let me = user_of(buyer, BUY);
    let mut input = ask("10");
    input.hours = Some(1);
    let held = a.reserve(&me, id, input).await.unwrap().value;
    assert_eq!(a.expire().await.unwrap(), 0, "not yet");
    for clock in [t.clock(), other.clock()] {
        clock.advance(Duration::hours(2));
    }
    let (released, expired) = tokio::join!(a.release(&me, held.id, Release::default()), b.expire());
    let expired = expired.unwrap();
    match released {
        Ok(r) => assert_eq!((r.value.status.as_str(), expired), ("RELEASED", 0)),
        Err(e) => assert_eq!((e.code(), expired), ("reservation_not_active", 1)),
    }
    assert_eq!(a.expire().await.unwrap(), 0, "once");
    let ways = events(&t, "QuantityReleased").await.len() + events(&t, "ReservationExpired").await.len();
    assert_eq!(ways, 1, "exactly one of the two");
    let offer = row(&t, id).await;
    assert_eq!(
        (offer.available_quantity, offer.reserved_quantity),
        (100 * 10_000, 0)
    );
    assert_eq!(ledger(&t, buyer).await.0, 0);
    let (utilised, entries) = ledger(&t, buyer).await;
    assert_eq!(utilised, entries);
}

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

infra::backend_tests!(
    concurrent_reservations_never_oversell,
    releases_give_back_the_exact_value,
    units_convert_exactly_or_are_refused,
    a_release_racing_the_expiry_ends_one_way,
    every_refusal_has_its_code,
);
