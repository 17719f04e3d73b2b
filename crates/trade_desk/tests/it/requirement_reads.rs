//! Requirement reads: the buyer precheck stored and made again when the
//! prices change; the demand statistics; the history from the audit log and
//! the events; the events' audiences.

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{DomainError, Infra};
use serde_json::json;
use trade_desk::requirements::{CancelRequirement, NewRequirement, RequirementChanges};
use uuid::Uuid;

use crate::reads_support::{Ask, BUY, ask, dec, posted, service};
use crate::support::{cotton, fields, place, staff, trader, user_of};

async fn the_precheck_is_stored_and_made_again_when_prices_change(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let mut input = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    let unpriced = requirements.create(&me, input.clone()).await.unwrap().value;
    let p = unpriced.precheck.unwrap();
    assert_eq!(
        (p.value.as_str(), p.score, p.status.as_str()),
        ("0", 100, "PASS"),
        "standing alone"
    );
    input.max_price = Some("62000".parse().unwrap());
    let priced = requirements.create(&me, input).await.unwrap().value;
    let p = priced.precheck.clone().unwrap();
    // 300 candy = 106686.66 kg at 62000 / 355.6222 = 174.3423 per kg.
    let value = (dec("106686.66") * dec("174.3423")).round_dp(4);
    assert_eq!(p.value, value.normalize().to_string());
    let facts = risk::facts::load(t.db(), &[buyer]).await.unwrap();
    let expected = risk::precheck::buyer(&facts[&buyer].standing(risk::Side::Buyer), value);
    assert_eq!(
        (p.score, p.status.as_str()),
        (expected.score, expected.status.as_str())
    );
    assert_eq!(p.factors, expected.factors);
    assert_eq!(p.factors[0].factor, "insufficient_limit", "a credit limit of 0");
    assert_eq!(p.status, "WARN", "stored, not refused");

    let visibility = RequirementChanges {
        visibility: Some("PRIVATE".into()),
        ..RequirementChanges::default()
    };
    let same = requirements
        .update(&me, priced.id, visibility, None)
        .await
        .unwrap()
        .value;
    assert_eq!(same.precheck, priced.precheck, "no price or quantity changed");
    let cheaper = RequirementChanges {
        max_price: Some("31000".parse().unwrap()),
        ..RequirementChanges::default()
    };
    let cheaper = requirements
        .update(&me, priced.id, cheaper, None)
        .await
        .unwrap()
        .value;
    let value = (dec("106686.66") * dec("87.1712")).round_dp(4);
    assert_eq!(cheaper.precheck.unwrap().value, value.normalize().to_string());
}

async fn demand_statistics_count_published_requirements_by_urgency(t: TestInfra) {
    let buyer = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            max_price: Some("62000"),
            ..ask(yard)
        },
    )
    .await;
    posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            urgency: "URGENT",
            ..ask(yard)
        },
    )
    .await;
    let gone = posted(&t, buyer, cotton.id, ask(yard)).await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let reason = CancelRequirement {
        reason: "bought elsewhere".into(),
    };
    requirements.cancel(&me, gone.id, reason).await.unwrap();
    let draft = NewRequirement {
        commodity_id: cotton.id,
        min_quantity: "1".parse().unwrap(),
        max_quantity: "2".parse().unwrap(),
        delivery_location_ids: vec![yard],
        ..NewRequirement::default()
    };
    requirements.create(&me, draft).await.unwrap();
    let stats = requirements.demand(&me, cotton.id, None).await.unwrap();
    assert_eq!((stats.days, stats.unit.as_str()), (30, "KG"));
    assert_eq!(stats.total.count, 2, "drafts and cancelled ones are no demand");
    assert_eq!(stats.total.total_quantity, "213373.32", "2 x 300 candy");
    assert_eq!(stats.total.average_quantity.as_deref(), Some("106686.66"));
    assert_eq!(
        stats.total.average_max_price.as_deref(),
        Some("174.3423"),
        "per kg, the priced one"
    );
    assert_eq!(stats.by_urgency["URGENT"].count, 1);
    assert_eq!(stats.by_urgency["URGENT"].average_max_price, None);
    assert_eq!(stats.by_urgency["NORMAL"].count, 1);
    assert_eq!(stats.by_urgency["PLANNING"].count, 0);
    assert_eq!(stats.by_urgency["PLANNING"].total_quantity, "0");
    let e = requirements.demand(&me, cotton.id, Some(0)).await.unwrap_err();
    assert_eq!(fields(&e), ["days"]);
    let e = requirements
        .demand(&me, Uuid::now_v7(), Some(7))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::NotFound);
}

async fn the_history_joins_the_audit_log_and_the_events(t: TestInfra) {
    let buyer = trader(&t).await;
    let other = trader(&t).await;
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(buyer, BUY);
    let requirements = service(&t);
    let r = posted(&t, buyer, cotton.id, ask(yard)).await;
    requirements
        .update(&me, r.id, RequirementChanges::default(), None)
        .await
        .unwrap();
    let change = RequirementChanges {
        max_quantity: Some("400".parse().unwrap()),
        ..RequirementChanges::default()
    };
    requirements.update(&me, r.id, change, None).await.unwrap();
    let reason = CancelRequirement {
        reason: "bought elsewhere".into(),
    };
    requirements.cancel(&me, r.id, reason).await.unwrap();
    let history = requirements.history(&me, r.id).await.unwrap();
    let seen: Vec<(Option<&str>, Option<&str>, Option<i64>)> = history
        .items
        .iter()
        .map(|e| (e.action.as_deref(), e.event_type.as_deref(), e.version))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("requirement.create"), Some("RequirementCreated"), Some(1)),
            (Some("requirement.publish"), Some("RequirementPublished"), Some(2)),
            (Some("requirement.update"), None, None),
            (Some("requirement.update"), Some("RequirementUpdated"), Some(3)),
            (Some("requirement.cancel"), Some("RequirementCancelled"), Some(4)),
        ]
    );
    assert_eq!(
        history.items[4].details.as_ref().unwrap()["reason"],
        "bought elsewhere"
    );
    assert_eq!(history.items[3].actor_id, me.user_id, "who changed it");
    let staff_view = requirements
        .history(&staff(&["REQUIREMENT_READ"]), r.id)
        .await
        .unwrap();
    assert_eq!(staff_view.items.len(), 5);
    let e = requirements
        .history(&user_of(other, BUY), r.id)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "out_of_scope",
        "a PUBLIC one seen, but its history is the buyer's"
    );
    let private = posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            visibility: "PRIVATE",
            ..ask(yard)
        },
    )
    .await;
    let e = requirements
        .history(&user_of(other, BUY), private.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), infra::ErrorKind::NotFound);
}

async fn events_name_their_commodity_and_audience(t: TestInfra) {
    let (buyer, seller) = (trader(&t).await, trader(&t).await);
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let open = posted(&t, buyer, cotton.id, ask(yard)).await;
    let restricted = posted(
        &t,
        buyer,
        cotton.id,
        Ask {
            visibility: "RESTRICTED",
            invited: vec![seller],
            ..ask(yard)
        },
    )
    .await;
    let rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let audience = |id: Uuid, kind: &str| {
        let row = rows
            .iter()
            .find(|e| e.aggregate_id == id.to_string() && e.event_type == kind)
            .unwrap();
        assert_eq!(row.payload["commodity_id"], json!(cotton.id), "{}", row.payload);
        infra::outbox::Audience::from_metadata(&row.metadata).map(|mut a| {
            a.partners.sort();
            a.partners
        })
    };
    assert_eq!(
        audience(open.id, "RequirementCreated"),
        Some(vec![buyer]),
        "a draft: its buyer"
    );
    assert_eq!(
        audience(open.id, "RequirementPublished"),
        None,
        "PUBLIC: every partner"
    );
    let mut both = vec![buyer, seller];
    both.sort();
    assert_eq!(audience(restricted.id, "RequirementPublished"), Some(both));
}

infra::backend_tests!(
    the_precheck_is_stored_and_made_again_when_prices_change,
    demand_statistics_count_published_requirements_by_urgency,
    the_history_joins_the_audit_log_and_the_events,
    events_name_their_commodity_and_audience,
);
