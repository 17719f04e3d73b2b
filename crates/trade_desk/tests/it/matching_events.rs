//! Matching on events: with no consumer running, the sweep catches up on
//! the events it finds unprocessed (a requirement published, an
//! availability approved), stores the match, pushes it once to the buyer
//! (`requirement-events`) and the seller (`availability-events`), and a
//! second sweep finds nothing left; a push within the buyer's minute
//! waits (the match stays NEW) and goes out in the next window; a pair
//! found again within 5 minutes is not pushed again.

use chrono::Duration;
use infra::notify::default_notifier;
use infra::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use infra::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::write::write;
use infra::{Actor, Infra};
use trade_desk::matching::entity::matched;
use trade_desk::matching::pushes::push;
use trade_desk::matching::reactions::{Swept, sweep};
use uuid::Uuid;

use crate::matching::{DESK_MATCHING, market, matching, seller};
use crate::support::{events, staff};

async fn stored(t: &TestInfra, requirement: Uuid) -> Vec<matched::Model> {
    matched::Entity::find()
        .filter(matched::Column::RequirementId.eq(requirement))
        .all(t.db())
        .await
        .unwrap()
}

/// One push of requirement `id`'s NEW matches, as the pushes consumer makes it.
async fn push_once(t: &TestInfra, id: Uuid) -> bool {
    let kv = t.infra().kv().clone();
    write(t.infra(), &Actor::system(), move |tx| {
        Box::pin(async move { push(tx, &kv, default_notifier().as_ref(), id).await })
    })
    .await
    .unwrap()
    .value
}

async fn the_sweep_matches_and_pushes_what_no_consumer_processed(t: TestInfra) {
    let m = market(&t).await;
    let (_, offer) = seller(&t, &m, m.rajkot, "60500", false).await;
    assert!(
        stored(&t, m.requirement).await.is_empty(),
        "no consumer runs here"
    );
    t.clock().advance(Duration::seconds(20));
    let swept = sweep(t.infra(), default_notifier()).await.unwrap();
    assert!(
        swept.caught_up >= 2,
        "the publication and the approval at least: {swept:?}"
    );
    let rows = stored(&t, m.requirement).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].availability_id, rows[0].status.as_str()),
        (offer, "NOTIFIED")
    );
    let to_buyer = events(&t, "MatchFound").await;
    let on = |topic: &str| {
        to_buyer
            .iter()
            .filter(|p| p.get("matches").is_some() == (topic == "requirement"))
            .count()
    };
    assert_eq!(on("requirement"), 1, "the buyer told once: {to_buyer:?}");
    let to_seller: Vec<_> = to_buyer.iter().filter(|p| p.get("match").is_some()).collect();
    assert_eq!(to_seller.len(), 1, "the seller told once");
    assert_eq!(events(&t, "MatchNotified").await.len(), 1);
    let again = sweep(t.infra(), default_notifier()).await.unwrap();
    assert_eq!(again, Swept::default(), "nothing left unprocessed");
}

async fn a_throttled_push_waits_and_a_pair_is_told_once_in_five_minutes(t: TestInfra) {
    let m = market(&t).await;
    let (_, first) = seller(&t, &m, m.rajkot, "60500", false).await;
    let desk = staff(DESK_MATCHING);
    matching(&t)
        .run_requirement(&desk, m.requirement, false)
        .await
        .unwrap();
    assert!(push_once(&t, m.requirement).await, "the first push goes out");
    let (_, second) = seller(&t, &m, m.rajkot, "60800", false).await;
    matching(&t)
        .run_requirement(&desk, m.requirement, false)
        .await
        .unwrap();
    assert!(
        !push_once(&t, m.requirement).await,
        "within the buyer's minute: deferred"
    );
    let status = |rows: &[matched::Model], id: Uuid| {
        rows.iter()
            .find(|r| r.availability_id == id)
            .map(|r| r.status.clone())
            .unwrap()
    };
    assert_eq!(
        status(&stored(&t, m.requirement).await, second),
        "NEW",
        "kept for later, not dropped"
    );
    let window = format!("matching:push:{}", m.buyer);
    t.infra().kv().delete(&window).await.unwrap();
    assert!(push_once(&t, m.requirement).await, "the next window pushes it");
    assert_eq!(status(&stored(&t, m.requirement).await, second), "NOTIFIED");

    // The first pair found again (NEW once more) within its quiet time.
    let reopen = Query::update()
        .table(Alias::new("matches"))
        .value(Alias::new("status"), "NEW")
        .and_where(Expr::col(Alias::new("availability_id")).eq(first))
        .to_owned();
    t.db().execute(&reopen).await.unwrap();
    t.infra().kv().delete(&window).await.unwrap();
    assert!(
        !push_once(&t, m.requirement).await,
        "the pair was told within 5 minutes"
    );
    assert_eq!(
        status(&stored(&t, m.requirement).await, first),
        "NOTIFIED",
        "and counts as told"
    );
    let pushes = events(&t, "MatchFound")
        .await
        .into_iter()
        .filter(|p| p.get("matches").is_some())
        .count();
    assert_eq!(pushes, 2, "two pushes to the buyer in all");
}

infra::backend_tests!(
    the_sweep_matches_and_pushes_what_no_consumer_processed,
    a_throttled_push_waits_and_a_pair_is_told_once_in_five_minutes,
);
