//! `just bench` (search): the availability search over 100,000 ACTIVE
//! availabilities (5 commodities, 36 states, 2,000 sellers, random
//! qualities and prices) on PostgreSQL, against a plain indexed `SELECT`
//! of the same candidate rows in the same run, as a ratio (goal: the search
//! at most 3x that read).
//!
//! Two cases, each the best mean of three interleaved rounds:
//! - by state: one commodity, one state, a quality range, a preferred and
//!   a highest price (about 430 candidates);
//! - by point: one commodity within 150 km of a point (a bounding box cut).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::time::{Duration, Instant};

use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use infra::testing::{ScratchDatabase, ScratchPrefix, partner_row, redis_url};
use infra::{Actor, ActorKind, AppInfra, Infra, InfraConfig};
use serde_json::json;
use settings::locations::regions::STATES;
use trade_desk::availabilities::entity::availability;
use trade_desk::availabilities::{AvailabilitySearch, AvailabilityService};
use trade_desk::search::geo::{BoundingBox, Point};
use uuid::Uuid;

const ROUNDS: usize = 3;
const PER_ROUND: usize = 100;

#[path = "support/market.rs"]
#[allow(dead_code)] // each bench reads the part of the market it needs
mod market;

use market::{AVAILABILITIES, CANDY_KG, COMMODITIES, SELLERS, seed};

/// The plain read of the candidates a search cuts: the same filters and
/// window, PUBLIC only (the caller is listed on no RESTRICTED one), no
/// ranking, no party links, no views.
async fn plain(
    infra: &AppInfra,
    commodity: Uuid,
    state: Option<&str>,
    max_base_price: Option<i64>,
    bbox: Option<BoundingBox>,
) -> usize {
    let mut query = availability::Entity::find()
        .filter(availability::Column::CommodityId.eq(commodity))
        .filter(availability::Column::Status.eq("ACTIVE"))
        .filter(availability::Column::ExpiresAt.gt(chrono::Utc::now()))
        .filter(availability::Column::Visibility.eq("PUBLIC"));
    if let Some(s) = state {
        query = query.filter(availability::Column::StateCode.eq(s));
    }
    if let Some(m) = max_base_price {
        query = query.filter(availability::Column::BasePrice.lte(m));
    }
    if let Some(b) = bbox {
        query = query
            .filter(availability::Column::Latitude.between(b.min_lat, b.max_lat))
            .filter(availability::Column::Longitude.between(b.min_lng, b.max_lng));
    }
    query
        .order_by_desc(availability::Column::CreatedAt)
        .order_by_desc(availability::Column::Id)
        .limit(trade_desk::search::WINDOW)
        .all(infra.db())
        .await
        .unwrap()
        .len()
}

async fn mean<F, Fut>(mut run: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let started = Instant::now();
    for _ in 0..PER_ROUND {
        std::hint::black_box(run().await);
    }
    started.elapsed() / PER_ROUND as u32
}

fn body(value: serde_json::Value) -> AvailabilitySearch {
    serde_json::from_value(value).unwrap()
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
    let commodities = seed(&infra).await.commodities;
    let seeded = seeding.elapsed();
    let buyer_id = partner_row(infra.db()).await.unwrap();
    let mut buyer = Actor::user(
        ActorKind::External,
        Uuid::now_v7(),
        ["AVAILABILITY_READ".to_owned()],
    );
    buyer.partner_id = Some(buyer_id);
    let service = AvailabilityService::new(infra.clone());
    let commodity = commodities[0];

    let by_state = json!({"commodity_id": commodity, "state": "GJ",
        "quality": {"staple_length": {"min": 27, "max": 33, "preferred": 30}},
        "preferred_price": "55000", "max_price": "66000", "limit": 20});
    let max_base = (66_000.0 / CANDY_KG * 10_000.0).round() as i64;
    let centre = Point { lat: 22.3, lng: 72.6 };
    let by_point = json!({"commodity_id": commodity, "lat": centre.lat, "lng": centre.lng,
        "radius_km": 150, "limit": 20});
    let bbox = BoundingBox::around(centre, 150.0);

    let state_candidates = plain(&infra, commodity, Some("GJ"), Some(max_base), None).await;
    let point_candidates = plain(&infra, commodity, None, None, Some(bbox)).await;
    let found = service.search(&buyer, body(by_state.clone())).await.unwrap();
    assert_eq!(found.items.len(), 20, "a full page");

    let mut best = [Duration::MAX; 4];
    for _ in 0..ROUNDS {
        let runs = [
            mean(|| async {
                service
                    .search(&buyer, body(by_state.clone()))
                    .await
                    .unwrap()
                    .items
                    .len()
            })
            .await,
            mean(|| plain(&infra, commodity, Some("GJ"), Some(max_base), None)).await,
            mean(|| async {
                service
                    .search(&buyer, body(by_point.clone()))
                    .await
                    .unwrap()
                    .items
                    .len()
            })
            .await,
            mean(|| plain(&infra, commodity, None, None, Some(bbox))).await,
        ];
        for (b, r) in best.iter_mut().zip(runs) {
            *b = (*b).min(r);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "availability search ({AVAILABILITIES} ACTIVE, {COMMODITIES} commodities, {} states, {SELLERS} sellers; \
         seeded in {:.1} s; best mean of {ROUNDS} rounds of {PER_ROUND}):",
        STATES.len(),
        seeded.as_secs_f64()
    );
    for (name, candidates, search, read) in [
        ("by state + quality + price", state_candidates, best[0], best[1]),
        ("by point, 150 km", point_candidates, best[2], best[3]),
    ] {
        println!("  {name} ({candidates} candidates):");
        println!(
            "    search (cut, links, rank, page of 20)  {:>8.2} ms",
            ms(search)
        );
        println!("    plain indexed SELECT of the candidates {:>8.2} ms", ms(read));
        println!(
            "    ratio search / SELECT                  {:>8.2}x (goal at most 3x)",
            search.as_secs_f64() / read.as_secs_f64()
        );
    }
}
