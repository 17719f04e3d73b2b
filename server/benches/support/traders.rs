//! Partners the trade desk benches act as: approved traders with the
//! credit and the record (rating 4.5, delivery and payment 90) that pass
//! the prechecks, and their users.

use infra::sea_orm::ConnectionTrait;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::testing::partner_row;
use infra::{Actor, ActorKind, AppInfra, Infra};
use serde_json::json;
use uuid::Uuid;

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

/// An approved trader with a credit limit of 10 crore and a record (rating
/// 4.5, delivery and payment 90) that passes both prechecks.
pub async fn seasoned_trader(infra: &AppInfra) -> Uuid {
    let id = partner_row(infra.db()).await.unwrap();
    let update = Query::update()
        .table(Alias::new("partners"))
        .value(
            Alias::new("capabilities"),
            json!(["domestic_buy_india", "domestic_sell_india"]),
        )
        .value(Alias::new("credit_limit"), 1_000_000_000_000i64)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    infra.db().execute(&update).await.unwrap();
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
    infra.db().execute(&performance).await.unwrap();
    id
}
