//! Reservations: concurrent reservations never oversell and leave the
//! quantities and the buyer's ledger in step; partial and whole releases
//! give back the exact value; units convert exactly or are refused; a
//! release racing the expiry ends one way. The refusals are in
//! `reservation_refusals`.

use std::sync::Arc;

use chrono::Duration;
use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::{AppInfra, DomainError, Infra};
use trade_desk::availabilities::entity::availability;
use trade_desk::reservations::entity::reservation;
use trade_desk::reservations::{NewReservation, Release, ReservationService};
use uuid::Uuid;

use crate::availabilities::{SELL, offer, service as offers};
use crate::support::{cotton, events, fields, place, seasoned, trader, user_of};

/// What a buyer's user holds.
pub(crate) const BUY: &[&str] = &["AVAILABILITY_RESERVE", "AVAILABILITY_READ", "TRADE_READ"];

pub(crate) fn reservations(t: &TestInfra) -> ReservationService<AppInfra> {
    ReservationService::new(t.infra().clone())
}

pub(crate) fn ask(quantity: &str) -> NewReservation {
    NewReservation {
        quantity: quantity.parse().unwrap(),
        ..NewReservation::default()
    }
}

/// A seasoned seller's ACTIVE availability of `quantity` CANDY at 61000 a CANDY, and a seasoned buyer.
pub(crate) async fn market(t: &TestInfra, quantity: &str) -> (Uuid, Uuid, Uuid) {
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

pub(crate) async fn row(t: &TestInfra, id: Uuid) -> availability::Model {
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

infra::backend_tests!(
    concurrent_reservations_never_oversell,
    releases_give_back_the_exact_value,
    units_convert_exactly_or_are_refused,
    a_release_racing_the_expiry_ends_one_way,
);
