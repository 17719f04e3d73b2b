//! `just bench` (contention): the cost of contention on one availability's
//! row. On PostgreSQL + Redis, 200 buyers reserve 1 candy each at once from
//! one availability of 200 candies (every reservation waits for that row's
//! lock), against, in the same run, the same 200 buyers reserving 1 candy
//! each from 200 availabilities of 1 candy (no two on one row). Both go
//! through `ReservationService::reserve` as a library caller would (no
//! HTTP), on one pool of database connections.
//!
//! Three rounds, alternating which case goes first, on fresh availabilities
//! each round. Reported per case: requests per second (200 over the wall
//! time of the burst), p50 and p99 of each reservation's time from the
//! burst's start (what its caller waits, queueing included), and the ratios.
//! After each burst the quantities are checked: nothing oversold, `reserved`
//! equal to the active reservations' sum, and one more reservation refused.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::{ScratchDatabase, ScratchPrefix, redis_url};
use infra::{Actor, AppInfra, DomainError, Infra, InfraConfig};
use serde_json::json;
use settings::commodities::{CommodityService, CreateCommodity};
use trade_desk::availabilities::entity::availability;
use trade_desk::availabilities::{AdHocAddress, AvailabilityService, NewAvailability};
use trade_desk::reservations::entity::reservation;
use trade_desk::reservations::{NewReservation, ReservationService};
use uuid::Uuid;

#[path = "support/traders.rs"]
mod traders;

use traders::{seasoned_trader, user_of};

/// Concurrent reservations per burst, and buyers.
const N: usize = 200;
const ROUNDS: usize = 3;
/// One candy, scaled by 10^4 as stored.
const ONE: i64 = 10_000;

/// The fixed parties and catalogue of the run.
struct Market {
    infra: AppInfra,
    seller: Actor,
    buyers: Vec<Actor>,
    commodity: Uuid,
    /// Availabilities made so far: each gets a place of its own (one seller
    /// lists one quantity of a commodity once a day at a place).
    made: AtomicUsize,
}

async fn market(infra: &AppInfra) -> Market {
    let commodity = CommodityService::new(infra.clone())
        .create(
            &Actor::system(),
            CreateCommodity {
                name: "Bench Shankar-6".into(),
                category: "COTTON".into(),
                hsn_code: "5201".into(),
                gst_rate: "5".parse().unwrap(),
                base_unit: "KG".into(),
                trade_unit: Some("CANDY".into()),
                rate_unit: Some("CANDY".into()),
            },
        )
        .await
        .unwrap()
        .value
        .id;
    let seller = user_of(
        seasoned_trader(infra).await,
        &["AVAILABILITY_CREATE", "AVAILABILITY_READ"],
    );
    let mut buyers = Vec::with_capacity(N);
    for _ in 0..N {
        let id = seasoned_trader(infra).await;
        buyers.push(user_of(id, &["AVAILABILITY_RESERVE", "AVAILABILITY_READ"]));
    }
    Market {
        infra: infra.clone(),
        seller,
        buyers,
        commodity,
        made: AtomicUsize::new(0),
    }
}

impl Market {
    /// A new ACTIVE availability of `candies` at 61,000 a candy, at a yard of its own.
    async fn offer(&self, candies: usize) -> Uuid {
        let n = self.made.fetch_add(1, Ordering::Relaxed);
        let input = NewAvailability {
            commodity_id: self.commodity,
            address: Some(AdHocAddress {
                text: format!("Bench yard {n}, Rajkot"),
                latitude: 22.0 + n as f64 * 0.001,
                longitude: 70.8,
                state_code: "GJ".into(),
            }),
            quantity: candies.to_string().parse().unwrap(),
            price: Some("61000".parse().unwrap()),
            quality: json!({"staple_length": "29", "micronaire": "4.2"})
                .as_object()
                .cloned(),
            ..NewAvailability::default()
        };
        let made = AvailabilityService::new(self.infra.clone())
            .create(&self.seller, input)
            .await
            .unwrap()
            .value;
        assert_eq!(made.status, "ACTIVE", "auto-approved");
        made.id
    }

    async fn row(&self, id: Uuid) -> availability::Model {
        availability::Entity::find_by_id(id)
            .one(self.infra.db())
            .await
            .unwrap()
            .unwrap()
    }

    /// The held quantity of the ACTIVE reservations of availability `id`.
    async fn active_sum(&self, id: Uuid) -> i64 {
        reservation::Entity::find()
            .filter(reservation::Column::AvailabilityId.eq(id))
            .filter(reservation::Column::Status.eq("ACTIVE"))
            .all(self.infra.db())
            .await
            .unwrap()
            .iter()
            .map(|r| r.held_quantity - r.released_quantity)
            .sum()
    }

    /// Checks availability `id` of `candies`: all reserved, none oversold,
    /// `reserved` the active reservations' sum, and one more refused.
    async fn check_sold_out(&self, service: &ReservationService<AppInfra>, id: Uuid, candies: i64) {
        let row = self.row(id).await;
        assert_eq!(
            (row.available_quantity, row.reserved_quantity, row.status.as_str()),
            (0, candies * ONE, "RESERVED"),
            "every candy reserved once, none more"
        );
        assert_eq!(
            self.active_sum(id).await,
            row.reserved_quantity,
            "reserved is the active reservations' sum"
        );
        let refused = service
            .reserve(&self.buyers[0], id, one())
            .await
            .expect_err("nothing is left to reserve");
        assert!(
            ["insufficient_quantity", "availability_not_active"].contains(&refused.code()),
            "a clean refusal, not {refused:?}"
        );
    }
}

fn one() -> NewReservation {
    NewReservation {
        quantity: "1".parse().unwrap(),
        ..NewReservation::default()
    }
}

/// One burst: each task's time from the burst's start, and the burst's wall time.
struct Burst {
    latencies: Vec<Duration>,
    wall: Duration,
}

/// Reserves 1 candy for each `(buyer, availability)` at once.
async fn burst(service: &Arc<ReservationService<AppInfra>>, targets: Vec<(Actor, Uuid)>) -> Burst {
    let started = Instant::now();
    let tasks: Vec<_> = targets
        .into_iter()
        .map(|(buyer, id)| {
            let service = service.clone();
            tokio::spawn(async move {
                service.reserve(&buyer, id, one()).await.unwrap();
                started.elapsed()
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(tasks.len());
    for task in tasks {
        latencies.push(task.await.unwrap());
    }
    Burst {
        latencies,
        wall: started.elapsed(),
    }
}

/// The figures of one case over every round.
#[derive(Default)]
struct Case {
    latencies: Vec<Duration>,
    wall: Duration,
    best_wall: Option<Duration>,
}

impl Case {
    fn add(&mut self, burst: Burst) {
        self.wall += burst.wall;
        self.best_wall = Some(self.best_wall.map_or(burst.wall, |b| b.min(burst.wall)));
        self.latencies.extend(burst.latencies);
    }
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
    fn best_per_second(&self) -> f64 {
        N as f64 / self.best_wall.unwrap_or(Duration::MAX).as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let database = ScratchDatabase::create()
        .await
        .expect("PostgreSQL and Redis must be running (just services-up)");
    let prefix = ScratchPrefix::new();
    let mut config = InfraConfig::postgres_redis(&database.url, redis_url());
    config.key_prefix = prefix.prefix.clone();
    let infra = AppInfra::connect(&config).await.unwrap();
    infra.migrate().await.unwrap();
    let seeding = Instant::now();
    let market = market(&infra).await;
    let seeded = seeding.elapsed();
    let service = Arc::new(ReservationService::new(infra.clone()));

    let (mut hot, mut spread) = (Case::default(), Case::default());
    for round in 0..ROUNDS {
        let one_row = market.offer(N).await;
        let mut rows = Vec::with_capacity(N);
        for _ in 0..N {
            rows.push(market.offer(1).await);
        }
        let on_one: Vec<_> = market.buyers.iter().map(|b| (b.clone(), one_row)).collect();
        let on_many: Vec<_> = market.buyers.iter().cloned().zip(rows.iter().copied()).collect();
        if round % 2 == 0 {
            hot.add(burst(&service, on_one).await);
            spread.add(burst(&service, on_many).await);
        } else {
            spread.add(burst(&service, on_many).await);
            hot.add(burst(&service, on_one).await);
        }
        market.check_sold_out(&service, one_row, N as i64).await;
        for id in &rows {
            market.check_sold_out(&service, *id, 1).await;
        }
    }

    println!(
        "reservation contention ({N} concurrent reservations of 1 candy by {N} buyers; \
         {ROUNDS} rounds alternating the order; pool of {} connections; seeded in {:.1} s):",
        config.db_max_connections,
        seeded.as_secs_f64()
    );
    println!(
        "  {:<34} {:>9} {:>11} {:>9} {:>9}",
        "case", "req/s", "best req/s", "p50 ms", "p99 ms"
    );
    for (name, case) in [
        ("one availability (one row)", &hot),
        ("200 availabilities (200 rows)", &spread),
    ] {
        println!(
            "  {name:<34} {:>9.0} {:>11.0} {:>9.1} {:>9.1}",
            case.per_second(),
            case.best_per_second(),
            ms(case.percentile(50.0)),
            ms(case.percentile(99.0))
        );
    }
    println!(
        "  ratio 200 rows / one row: throughput {:.2}x, p50 {:.2}x, p99 {:.2}x",
        spread.per_second() / hot.per_second(),
        hot.percentile(50.0).as_secs_f64() / spread.percentile(50.0).as_secs_f64(),
        hot.percentile(99.0).as_secs_f64() / spread.percentile(99.0).as_secs_f64()
    );
    println!(
        "  no oversell: every availability ends RESERVED with reserved = the active reservations' sum, \
         available 0, one more refused"
    );
}
