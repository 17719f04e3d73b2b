//! Fixtures of the assessment and validation cases: partners with set
//! facts, performance and exposure rows, a commodity, actors.

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, Infra};
use settings::commodities::{CommodityService, CreateCommodity};
use uuid::Uuid;

/// A test partner (approved Indian trader, KYC verified) with `capabilities`.
pub async fn partner(t: &TestInfra, capabilities: &[&str]) -> Uuid {
    let id = t.partner_row().await;
    set(t, id, "capabilities", serde_json::json!(capabilities).into()).await;
    id
}

/// Sets partner `id`'s `column` to `value`.
pub async fn set(t: &TestInfra, id: Uuid, column: &str, value: SimpleExpr) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new(column), value)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}

/// Partner `id`'s performance row: rating in tenths, delivery and payment scores, disputes, trades.
pub async fn performance(
    t: &TestInfra,
    id: Uuid,
    rating_tenths: i32,
    delivery: i32,
    payment: i32,
    disputes: i32,
    trades: i32,
) {
    let now = chrono::Utc::now();
    let insert = Query::insert()
        .into_table(Alias::new("risk_performance"))
        .columns(
            [
                "partner_id",
                "rating_tenths",
                "delivery_score",
                "payment_score",
                "disputes",
                "trade_count",
                "created_at",
                "updated_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            id.into(),
            rating_tenths.into(),
            delivery.into(),
            payment.into(),
            disputes.into(),
            trades.into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    t.db().execute(&insert).await.unwrap();
}

/// Partner `id`'s utilised total on `side`, in whole rupees.
pub async fn exposure(t: &TestInfra, id: Uuid, side: &str, rupees: i64) {
    let now = chrono::Utc::now();
    let insert = Query::insert()
        .into_table(Alias::new("risk_exposures"))
        .columns(["partner_id", "side", "utilised", "created_at", "updated_at"].map(Alias::new))
        .values_panic([
            id.into(),
            side.into(),
            (rupees * 10_000).into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    t.db().execute(&insert).await.unwrap();
}

/// A commodity of the catalogue.
pub async fn commodity(t: &TestInfra) -> Uuid {
    let input = CreateCommodity {
        name: "Shankar-6".into(),
        category: "COTTON".into(),
        hsn_code: "5201".into(),
        gst_rate: rust_decimal::Decimal::new(5, 0),
        base_unit: "KG".into(),
        trade_unit: Some("CANDY".into()),
        rate_unit: Some("CANDY".into()),
    };
    CommodityService::new(t.infra().clone())
        .create(&Actor::system(), input)
        .await
        .unwrap()
        .value
        .id
}

/// A user of partner `partner` holding `caps`.
pub fn user_of(partner: Uuid, caps: &[&str]) -> Actor {
    let mut actor = Actor::user(
        ActorKind::External,
        Uuid::now_v7(),
        caps.iter().map(|c| (*c).to_owned()),
    );
    actor.partner_id = Some(partner);
    actor
}

/// Staff holding `caps`.
pub fn staff(caps: &[&str]) -> Actor {
    Actor::user(
        ActorKind::Internal,
        Uuid::now_v7(),
        caps.iter().map(|c| (*c).to_owned()),
    )
}

/// The fields `e` names.
pub fn fields(e: &impl DomainError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

/// The outbox events of type `kind`, oldest first.
pub async fn events(t: &TestInfra, kind: &str) -> Vec<infra::outbox::entity::Model> {
    use infra::sea_orm::EntityTrait;
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter().filter(|e| e.event_type == kind).collect()
}
