//! `just bench` (matching): matching one requirement against 100,000
//! ACTIVE availabilities (5 commodities, 36 states, 2,000 sellers, random
//! qualities, prices and party links) on PostgreSQL, against a plain
//! indexed `SELECT` of the same candidate rows in the same run, as a ratio
//! (goal: the engine at most 1.5x that read). The engine's run is
//! `trade_desk::matching::engine::for_requirement`: the SQL cut, the exact
//! rules, one batched links query, the sellers' facts and prechecks in one
//! batch, and the scoring; it stores nothing. Best mean of three
//! interleaved rounds.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a benchmark stops loudly

use std::time::{Duration, Instant};

use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use infra::testing::{ScratchDatabase, ScratchPrefix, partner_row, redis_url};
use infra::{Actor, ActorKind, AppInfra, Infra, InfraConfig};
use serde_json::json;
use settings::commodities::units::Units;
use settings::locations::{CreateLocation, LocationService};
use trade_desk::availabilities::entity::availability;
use trade_desk::matching::{candidates, engine, sides};
use trade_desk::requirements::entity::requirement;
use trade_desk::requirements::{NewRequirement, RequirementService};
use uuid::Uuid;

#[path = "support/market.rs"]
mod market;

use market::{AVAILABILITIES, CANDY_KG, COMMODITIES, SELLERS, seed};

const ROUNDS: usize = 3;
const PER_ROUND: usize = 20;
/// One seller in this many shares the buyer's corporate group (a party link);
/// 7 is prime to the market's 5 commodities and 36 states, so linked sellers
/// hold candidates of every commodity and state.
const LINKED_EVERY: usize = 7;

/// An approved trader able to buy, with a credit limit of 10 crore, in corporate group `group`.
async fn buyer(infra: &AppInfra, group: &str) -> Uuid {
    let id = partner_row(infra.db()).await.unwrap();
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("capabilities"), json!(["domestic_buy_india"]))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .value(Alias::new("corporate_group"), group)
        .value(Alias::new("corporate_group_key"), group)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    infra.db().execute(&update).await.unwrap();
    id
}

/// Gives every seller 10 crore of credit and a record that passes the
/// seller precheck (rating 4.5, delivery and payment 90).
async fn season(infra: &AppInfra, buyer: Uuid) {
    for sql in [
        "UPDATE partners SET credit_limit = 1000000000000".to_owned(),
        format!(
            "INSERT INTO risk_performance (partner_id, rating_tenths, delivery_score, payment_score, \
             created_at, updated_at) SELECT id, 45, 90, 90, now(), now() FROM partners WHERE id <> '{buyer}'"
        ),
    ] {
        infra.db().execute_unprepared(&sql).await.unwrap();
    }
}

/// Puts every `LINKED_EVERY`th seller (from the fourth) in corporate group `group`.
async fn link(infra: &AppInfra, sellers: &[Uuid], group: &str) -> usize {
    let linked: Vec<Uuid> = sellers.iter().skip(3).step_by(LINKED_EVERY).copied().collect();
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("corporate_group"), group)
        .value(Alias::new("corporate_group_key"), group)
        .and_where(Expr::col(Alias::new("id")).is_in(linked.clone()))
        .to_owned();
    infra.db().execute(&update).await.unwrap();
    linked.len()
}

/// The plain read of the rows the engine's cut takes: the same indexed
/// filters (commodity, ACTIVE, unexpired, approved, PUBLIC, the state,
/// the quantity, the price per base unit) and window, nothing else.
async fn plain(
    infra: &AppInfra,
    commodity: Uuid,
    state: &str,
    least_base: i64,
    max_base_price: i64,
) -> usize {
    availability::Entity::find()
        .filter(availability::Column::CommodityId.eq(commodity))
        .filter(availability::Column::Status.eq("ACTIVE"))
        .filter(availability::Column::ExpiresAt.gt(chrono::Utc::now()))
        .filter(availability::Column::ApprovalStatus.is_in(["APPROVED", "AUTO_APPROVED"]))
        .filter(availability::Column::Visibility.eq("PUBLIC"))
        .filter(availability::Column::StateCode.eq(state))
        .filter(availability::Column::BaseQuantity.gte(least_base))
        .filter(availability::Column::BasePrice.lte(max_base_price))
        .order_by_desc(availability::Column::CreatedAt)
        .order_by_desc(availability::Column::Id)
        .limit(candidates::WINDOW)
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
    let market = seed(&infra).await;
    let buyer_id = buyer(&infra, "BENCH GROUP").await;
    let linked = link(&infra, &market.sellers, "BENCH GROUP").await;
    season(&infra, buyer_id).await;
    let seeded = seeding.elapsed();
    let yard = LocationService::new(infra.clone())
        .create(
            &Actor::system(),
            CreateLocation {
                name: "Ahmedabad yard".into(),
                place_id: "bench-ahmedabad".into(),
                state_code: Some("GJ".into()),
                city: Some("Ahmedabad".into()),
                pincode: Some("380001".into()),
                latitude: Some(23.0),
                longitude: Some(72.6),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value
        .location
        .id;
    let mut me = Actor::user(
        ActorKind::External,
        Uuid::now_v7(),
        ["REQUIREMENT_CREATE".to_owned(), "REQUIREMENT_READ".to_owned()],
    );
    me.partner_id = Some(buyer_id);
    let commodity = market.commodities[0];
    let input = NewRequirement {
        commodity_id: commodity,
        min_quantity: "20".parse().unwrap(),
        preferred_quantity: Some("100".parse().unwrap()),
        max_quantity: "200".parse().unwrap(),
        delivery_location_ids: vec![yard],
        quality: json!({"staple_length": {"min": 27, "preferred": 30, "max": 33}})
            .as_object()
            .cloned(),
        max_price: Some("66000".parse().unwrap()),
        preferred_price: Some("58000".parse().unwrap()),
        ..NewRequirement::default()
    };
    let requirements = RequirementService::new(infra.clone());
    let draft = requirements.create(&me, input).await.unwrap().value;
    requirements.publish(&me, draft.id).await.unwrap();
    let row = requirement::Entity::find_by_id(draft.id)
        .one(infra.db())
        .await
        .unwrap()
        .unwrap();
    let units = Units::load(&infra).await.unwrap();
    let need = sides::needs(infra.db(), &units, vec![row])
        .await
        .unwrap()
        .remove(0);
    // The cut's bounds in storage units: 10 % of the preferred 100 CANDY for partial lots, 66000 a CANDY.
    let least_base = (10.0 * CANDY_KG * 10_000.0).round() as i64;
    let max_base = (66_000.0 / CANDY_KG * 10_000.0).round() as i64;
    let candidates = plain(&infra, commodity, "GJ", least_base, max_base).await;
    let now = chrono::Utc::now();
    let run = engine::for_requirement(infra.db(), &units, &need, now, false)
        .await
        .unwrap();
    let explained = engine::for_requirement(infra.db(), &units, &need, now, true)
        .await
        .unwrap();
    let party_linked = explained
        .dropped
        .iter()
        .filter(|d| d.reason == "party_linked")
        .count();
    let mut reasons: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in &explained.dropped {
        *reasons.entry(d.reason.as_str()).or_default() += 1;
    }
    assert!(
        !run.found.is_empty(),
        "the requirement finds offers; dropped: {reasons:?}"
    );

    let mut best = [Duration::MAX; 2];
    for _ in 0..ROUNDS {
        let runs = [
            mean(|| async {
                engine::for_requirement(infra.db(), &units, &need, chrono::Utc::now(), false)
                    .await
                    .unwrap()
                    .found
                    .len()
            })
            .await,
            mean(|| plain(&infra, commodity, "GJ", least_base, max_base)).await,
        ];
        for (b, r) in best.iter_mut().zip(runs) {
            *b = (*b).min(r);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "matching ({AVAILABILITIES} ACTIVE, {COMMODITIES} commodities, 36 states, {SELLERS} sellers, \
         {linked} in the buyer's group; seeded in {:.1} s; best mean of {ROUNDS} rounds of {PER_ROUND}):",
        seeded.as_secs_f64()
    );
    println!(
        "  one requirement (GJ, staple 27-33, at most 66000 a CANDY): {candidates} candidates, \
         {} matches, {party_linked} party-linked dropped (explained, all drops: {reasons:?})",
        run.found.len()
    );
    println!(
        "    engine (cut, rules, links, prechecks, scores) {:>8.2} ms",
        ms(best[0])
    );
    println!(
        "    plain indexed SELECT of the candidates       {:>8.2} ms",
        ms(best[1])
    );
    println!(
        "    ratio engine / SELECT                         {:>8.2}x (goal at most 1.5x)",
        best[0].as_secs_f64() / best[1].as_secs_f64()
    );
}
