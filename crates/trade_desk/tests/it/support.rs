//! Fixtures of the trade desk's cases: partners able to trade, a commodity
//! with its quality template, delivery locations, actors.

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, Infra};
use settings::commodities::{Commodity, CommodityService, CreateCommodity};
use settings::locations::{CreateLocation, LocationService};
use uuid::Uuid;

/// A test partner (an approved Indian trader, KYC verified) with `capabilities`.
pub async fn partner(t: &TestInfra, partner_type: &str, capabilities: &[&str]) -> Uuid {
    let id = t.partner_row().await;
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("capabilities"), serde_json::json!(capabilities))
        .value(Alias::new("partner_type"), partner_type)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let db = t.db();
    db.execute(&update).await.unwrap();
    id
}

/// A trader able to buy and sell in India.
pub async fn trader(t: &TestInfra) -> Uuid {
    partner(t, "trader", &["domestic_buy_india", "domestic_sell_india"]).await
}

/// Sets partner `id`'s `column` to `value`.
pub async fn set(t: &TestInfra, id: Uuid, column: &str, value: &str) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new(column), value)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
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

/// A cotton commodity named `name` (its quality template included), in KG, traded in CANDY.
pub async fn cotton(t: &TestInfra, name: &str) -> Commodity {
    let input = CreateCommodity {
        name: name.into(),
        category: "COTTON".into(),
        hsn_code: "5201".into(),
        gst_rate: rust_decimal::Decimal::new(5, 0),
        base_unit: "KG".into(),
        trade_unit: Some("CANDY".into()),
        rate_unit: Some("CANDY".into()),
    };
    let service = CommodityService::new(t.infra().clone());
    service.create(&Actor::system(), input).await.unwrap().value
}

/// A settings location in `state_code`, named `name`.
pub async fn place(t: &TestInfra, name: &str, state_code: &str) -> Uuid {
    let input = CreateLocation {
        name: name.into(),
        place_id: format!("place-{name}"),
        state_code: Some(state_code.into()),
        city: Some(name.into()),
        pincode: Some("360001".into()),
        latitude: Some(22.3),
        longitude: Some(70.8),
        ..Default::default()
    };
    let service = LocationService::new(t.infra().clone());
    service
        .create(&Actor::system(), input)
        .await
        .unwrap()
        .value
        .location
        .id
}

/// The fields `e` names.
pub fn fields(e: &impl DomainError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

/// The payloads of the outbox events of type `kind`, oldest first.
pub async fn events(t: &TestInfra, kind: &str) -> Vec<serde_json::Value> {
    use infra::sea_orm::EntityTrait;
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.event_type == kind)
        .map(|e| e.payload)
        .collect()
}

/// Gives partner `id` a record that passes the seller precheck: a credit
/// limit of 10 crore and a performance row rated 4.5, delivery 90.
pub async fn seasoned(t: &TestInfra, id: Uuid) {
    let limit = Query::update()
        .table(Alias::new("partners"))
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&limit).await.unwrap();
    let now = chrono::Utc::now();
    let performance = Query::insert()
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
            45i32.into(),
            90i32.into(),
            90i32.into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    t.db().execute(&performance).await.unwrap();
}

/// Makes availability `id` hold `reserved` (scaled by 10^4) for
/// reservations, as they leave the row, without reservation rows.
pub async fn hold(t: &TestInfra, id: Uuid, reserved: i64) {
    let update = Query::update()
        .table(Alias::new("availabilities"))
        .value(Alias::new("reserved_quantity"), reserved)
        .value(
            Alias::new("available_quantity"),
            Expr::cust(format!("total_quantity - {reserved}")),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    t.db().execute(&update).await.unwrap();
}
