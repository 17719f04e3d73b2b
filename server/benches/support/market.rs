//! The market the trade desk benches read: 100,000 ACTIVE availabilities
//! of 5 cotton commodities in 36 states from 2,000 sellers, with random
//! qualities, prices, quantities and places (deterministic), inserted in
//! batches of 1,000 on PostgreSQL, then analysed.

use infra::sea_orm::{ConnectionTrait, EntityTrait};
use infra::testing::partner_row;
use infra::{Actor, AppInfra, Infra};
use serde_json::json;
use settings::commodities::{CommodityService, CreateCommodity};
use settings::locations::regions::STATES;
use trade_desk::availabilities::entity::availability;
use uuid::Uuid;

/// The seeded market.
pub struct Market {
    /// The commodities, the first the benches read.
    pub commodities: Vec<Uuid>,
    /// The sellers.
    pub sellers: Vec<Uuid>,
}

pub const AVAILABILITIES: usize = 100_000;
pub const COMMODITIES: usize = 5;
pub const SELLERS: usize = 2_000;
/// Kilograms per candy, the unit of the prices.
pub const CANDY_KG: f64 = 355.6222;

/// A small deterministic generator (xorshift64*).
pub struct Dice(pub u64);

impl Dice {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..hi`.
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `count` cotton commodities named `{name} {i}`, in KG, traded and priced per CANDY, GST 5 %.
pub async fn cottons(infra: &AppInfra, name: &str, count: usize) -> Vec<Uuid> {
    let commodities = CommodityService::new(infra.clone());
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let input = CreateCommodity {
            name: format!("{name} {i}"),
            category: "COTTON".into(),
            hsn_code: "5201".into(),
            gst_rate: "5".parse().unwrap(),
            base_unit: "KG".into(),
            trade_unit: Some("CANDY".into()),
            rate_unit: Some("CANDY".into()),
        };
        ids.push(
            commodities
                .create(&Actor::system(), input)
                .await
                .unwrap()
                .value
                .id,
        );
    }
    ids
}

/// Seeds the market over `infra`.
pub async fn seed(infra: &AppInfra) -> Market {
    let commodity_ids = cottons(infra, "Bench Cotton", COMMODITIES).await;
    let mut sellers = Vec::with_capacity(SELLERS);
    for _ in 0..SELLERS {
        sellers.push(partner_row(infra.db()).await.unwrap());
    }
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let rows: Vec<availability::ActiveModel> = (0..AVAILABILITIES)
        .map(|i| {
            let (state, _, _) = STATES[i % STATES.len()];
            let price = (dice.between(50_000.0, 70_000.0) * 100.0).round() / 100.0;
            let quantity = 10_000 * (10 + (dice.next() % 490) as i64);
            let lat = dice.between(8.0, 32.0);
            let lng = dice.between(69.0, 89.0);
            let visibility = if i % 10 == 9 { "PRIVATE" } else { "PUBLIC" };
            let model = availability::Model {
                id: infra::ids::new_id(),
                seller_partner_id: sellers[i % SELLERS],
                commodity_id: commodity_ids[i % COMMODITIES],
                variety_id: None,
                location_id: None,
                partner_location_id: None,
                address: Some(
                    json!({"text": format!("Yard {i}"), "latitude": lat, "longitude": lng,
                    "state_code": state}),
                ),
                location_key: format!("bench:{i}"),
                state_code: Some(state.into()),
                latitude: Some(lat),
                longitude: Some(lng),
                unit: "CANDY".into(),
                total_quantity: quantity,
                available_quantity: quantity,
                reserved_quantity: 0,
                sold_quantity: 0,
                base_quantity: (quantity as f64 * CANDY_KG).round() as i64,
                min_order_quantity: None,
                allow_partial: true,
                price_type: "FIXED".into(),
                price: Some((price * 10_000.0).round() as i64),
                price_unit: Some("CANDY".into()),
                base_price: Some((price / CANDY_KG * 10_000.0).round() as i64),
                price_matrix: None,
                quality: json!({
                    "staple_length": format!("{:.1}", dice.between(26.0, 34.0)),
                    "micronaire": format!("{:.1}", dice.between(3.5, 5.0)),
                }),
                delivery_term_id: None,
                payment_term_id: None,
                delivery_from: None,
                delivery_to: None,
                visibility: visibility.into(),
                test_report_document_id: None,
                expires_at: now + chrono::Duration::days(30),
                status: "ACTIVE".into(),
                approval_status: "AUTO_APPROVED".into(),
                precheck_score: Some(80),
                precheck_status: Some("PASS".into()),
                precheck_factors: None,
                decided_by: None,
                decided_at: Some(now),
                rejection_reason: None,
                cancel_reason: None,
                business_date: today,
                created_by: None,
                version: 1,
                created_at: now - chrono::Duration::seconds(i as i64),
                updated_at: now,
            };
            infra::sea_orm::IntoActiveModel::into_active_model(model)
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        availability::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(infra.db())
            .await
            .unwrap();
    }
    infra
        .db()
        .execute_unprepared("ANALYZE availabilities")
        .await
        .unwrap();
    Market {
        commodities: commodity_ids,
        sellers,
    }
}
