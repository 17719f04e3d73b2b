//! Fixtures of the risk cases: partners with a credit limit, actors, events.

use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::sea_orm::{ConnectionTrait, EntityTrait};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, Infra};
use risk::LedgerService;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The ledger service over `t`.
pub fn ledger(t: &TestInfra) -> LedgerService<AppInfra> {
    LedgerService::new(t.infra().clone())
}

/// A decimal from text.
pub fn d(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

/// A test partner with credit limit `limit` INR.
pub async fn partner(t: &TestInfra, limit: &str) -> Uuid {
    let id = t.partner_row().await;
    set_limit(t, id, limit).await;
    id
}

/// Sets partner `id`'s credit limit to `limit` INR.
pub async fn set_limit(t: &TestInfra, id: Uuid, limit: &str) {
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(
            Alias::new("credit_limit"),
            infra::money::to_scaled(d(limit)).unwrap(),
        )
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

/// A risk manager.
pub fn manager() -> Actor {
    staff(&[risk::RISK_READ, risk::RISK_MANAGE])
}

/// The payloads of the outbox events of type `kind`, oldest first.
pub async fn events(t: &TestInfra, kind: &str) -> Vec<serde_json::Value> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.event_type == kind)
        .map(|e| e.payload)
        .collect()
}

/// The audit rows' details of `action`, oldest first.
pub async fn audits(t: &TestInfra, action: &str) -> Vec<serde_json::Value> {
    let mut rows = infra::audit::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|a| a.id);
    rows.into_iter()
        .filter(|a| a.action == action)
        .filter_map(|a| a.details)
        .collect()
}

/// The adjustment input moving `side` by `amount`.
pub fn adjustment(side: risk::Side, amount: &str) -> risk::exposure::AdjustExposure {
    risk::exposure::AdjustExposure {
        side,
        amount: amount.parse().unwrap(),
        reason: "opening balance".into(),
    }
}

/// The sum of partner `id`'s entries on the buyer side and its utilised total, both scaled.
pub async fn buyer_sums(t: &TestInfra, id: Uuid) -> (i64, i64) {
    use infra::sea_orm::{ColumnTrait, QueryFilter};
    use risk::exposure::entity::{entry, exposure};
    let entries: i64 = entry::Entity::find()
        .filter(entry::Column::PartnerId.eq(id))
        .filter(entry::Column::Side.eq("buyer"))
        .all(t.db())
        .await
        .unwrap()
        .iter()
        .map(|e| e.amount)
        .sum();
    let total = exposure::Entity::find_by_id((id, "buyer".to_owned()))
        .one(t.db())
        .await
        .unwrap()
        .map_or(0, |r| r.utilised);
    (entries, total)
}
