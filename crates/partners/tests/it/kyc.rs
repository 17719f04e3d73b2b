//! KYC expiry: the expiring list (days, reach), reminders once per threshold
//! and cycle (twice run, two instances), and the expiry check once with one
//! event, suspending only when asked.

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, DomainError, ErrorKind, Infra, PageRequest};
use partners::kyc::KycService;
use partners::records::PartnerService;
use uuid::Uuid;

use crate::records::approved;
use crate::support::{fields, staff};

fn kyc(infra: &AppInfra) -> KycService<AppInfra> {
    KycService::new(infra.clone())
}

/// Moves `clocks` so that `left` days remain before `partner`'s KYC runs out.
fn move_to(service: &KycService<AppInfra>, clocks: &[&infra::Clock], expires: chrono::NaiveDate, left: i64) {
    let by = (expires - service.today()).num_days() - left;
    for clock in clocks {
        clock.advance(chrono::Duration::days(by));
    }
}

async fn events(t: &TestInfra, kind: &str) -> Vec<serde_json::Value> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.event_type == kind)
        .map(|e| e.payload)
        .collect()
}

async fn lists_the_expiring_within_days(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let service = kyc(t.infra());
    let expires = one.kyc_expires_on.unwrap();
    move_to(&service, &[t.clock()], expires, 80);
    let reader = staff(&["PARTNER_READ"]);
    let all = service
        .expiring(&reader, 90, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(all.next_cursor, None);
    assert_eq!(all.items[0].days_left, 80);
    assert_eq!(all.items[0].kyc_expires_on, expires);
    let first = PageRequest::parse(Some(1), None).unwrap();
    let page = service.expiring(&reader, 90, first).await.unwrap();
    assert_eq!(page.items, all.items[..1]);
    let next = PageRequest::parse(Some(1), page.next_cursor.as_deref()).unwrap();
    let rest = service.expiring(&reader, 90, next).await.unwrap();
    assert_eq!((rest.items.as_slice(), rest.next_cursor), (&all.items[1..], None));
    let none = service
        .expiring(&reader, 30, PageRequest::default())
        .await
        .unwrap();
    assert!(none.items.is_empty());
    for days in [0, 366, -1] {
        let e = service
            .expiring(&reader, days, PageRequest::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(fields(&e), ["days"]);
    }
    let e = service
        .expiring(&staff(&[]), 90, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let mut own = Actor::user(ActorKind::External, Uuid::now_v7(), []);
    own.partner_id = Some(two.id);
    let mine = service.expiring(&own, 90, PageRequest::default()).await.unwrap();
    assert_eq!(mine.items.iter().map(|p| p.id).collect::<Vec<_>>(), [two.id]);
}

async fn reminders_go_once_per_threshold(t: TestInfra) {
    let one = approved(&t, 1).await;
    let other = t.another_instance().await;
    let (a, b) = (kyc(t.infra()), kyc(&other));
    let expires = one.kyc_expires_on.unwrap();
    move_to(&a, &[t.clock(), other.clock()], expires, 95);
    assert_eq!(a.send_reminders().await.unwrap(), 0, "none before 90 days");
    move_to(&a, &[t.clock(), other.clock()], expires, 90);
    assert_eq!(a.send_reminders().await.unwrap(), 1);
    assert_eq!(a.send_reminders().await.unwrap(), 0, "run twice");
    assert_eq!(b.send_reminders().await.unwrap(), 0, "another instance");
    move_to(&a, &[t.clock(), other.clock()], expires, 75);
    assert_eq!(b.send_reminders().await.unwrap(), 0, "90 was sent");
    move_to(&a, &[t.clock(), other.clock()], expires, 58);
    let (x, y) = tokio::join!(a.send_reminders(), b.send_reminders());
    assert_eq!(x.unwrap() + y.unwrap(), 1, "60 once, from two instances at once");
    let due = events(&t, "KycReminderDue").await;
    let thresholds: Vec<i64> = due.iter().map(|p| p["days_before"].as_i64().unwrap()).collect();
    assert_eq!(thresholds, [90, 60]);
    assert_eq!(due[1]["days_left"], 58);
    let notices = events(&t, infra::notify::EVENT).await;
    let kyc_notices = notices
        .iter()
        .filter(|n| n["kind"] == "partner.kyc_expiring")
        .count();
    assert_eq!(kyc_notices, 2, "one notification per reminder");
}

async fn expiry_marks_once_and_suspends_when_asked(t: TestInfra) {
    let one = approved(&t, 1).await;
    let service = kyc(t.infra());
    let expires = one.kyc_expires_on.unwrap();
    move_to(&service, &[t.clock()], expires, 0);
    assert!(
        service.expire(false).await.unwrap().expired.is_empty(),
        "valid on its last day"
    );
    move_to(&service, &[t.clock()], expires, -1);
    let first = service.expire(false).await.unwrap();
    assert_eq!(first.expired, [one.id]);
    assert!(first.suspended.is_empty());
    assert!(
        service.expire(false).await.unwrap().expired.is_empty(),
        "run twice"
    );
    let records = PartnerService::new(t.infra().clone());
    let after = records.get(&Actor::system(), one.id).await.unwrap();
    assert_eq!(
        (after.kyc_status.as_str(), after.status.as_str()),
        ("expired", "approved")
    );
    assert_eq!(events(&t, "KycExpired").await.len(), 1);
    let left = service
        .expiring(&Actor::system(), 365, PageRequest::default())
        .await;
    assert!(left.unwrap().items.is_empty());

    let two = approved(&t, 2).await;
    let expires = two.kyc_expires_on.unwrap();
    move_to(&service, &[t.clock()], expires, -3);
    let other = t.another_instance().await;
    other.clock().advance(t.clock().now() - other.clock().now());
    let b = kyc(&other);
    let (x, y) = tokio::join!(service.expire(true), b.expire(true));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(
        [x.suspended, y.suspended].concat(),
        [two.id],
        "once across instances"
    );
    let after = records.get(&Actor::system(), two.id).await.unwrap();
    assert_eq!(
        (after.kyc_status.as_str(), after.status.as_str()),
        ("expired", "suspended")
    );
    assert_eq!(events(&t, "KycExpired").await.len(), 2);
    assert_eq!(events(&t, "PartnerSuspended").await.len(), 1);
}

async fn renewals_pass_or_fail_once(t: TestInfra) {
    use partners::kyc::renewals::CompleteRenewal;
    let one = approved(&t, 1).await;
    let service = kyc(t.infra());
    let boss = staff(&["PARTNER_MANAGE"]);
    let e = service
        .start_renewal(&staff(&["PARTNER_READ"]), one.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let started = service.start_renewal(&boss, one.id).await.unwrap().value;
    assert_eq!(started.kyc_status, "renewal_required");
    assert_eq!(started.due_on, service.today() + chrono::Duration::days(30));
    let again = service.start_renewal(&boss, one.id).await.unwrap_err();
    assert_eq!(again.code(), "kyc_renewal_open");
    let bad = CompleteRenewal {
        result: "maybe".into(),
        reason: None,
    };
    let e = service
        .complete_renewal(&boss, one.id, started.id, bad)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["result"]);
    let fail = CompleteRenewal {
        result: "fail".into(),
        reason: None,
    };
    let e = service
        .complete_renewal(&boss, one.id, started.id, fail)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    let pass = CompleteRenewal {
        result: "pass".into(),
        reason: None,
    };
    let done = service
        .complete_renewal(&boss, one.id, started.id, pass.clone())
        .await
        .unwrap()
        .value;
    assert_eq!(
        (done.status.as_str(), done.kyc_status.as_str()),
        ("passed", "verified")
    );
    let renewed = one
        .kyc_expires_on
        .unwrap()
        .checked_add_months(chrono::Months::new(12));
    assert_eq!(done.kyc_expires_on, renewed);
    let closed = service
        .complete_renewal(&boss, one.id, started.id, pass)
        .await
        .unwrap_err();
    assert_eq!(closed.code(), "kyc_renewal_closed");

    let second = service.start_renewal(&boss, one.id).await.unwrap().value;
    let fail = CompleteRenewal {
        result: "fail".into(),
        reason: Some("documents forged".into()),
    };
    let failed = service
        .complete_renewal(&boss, one.id, second.id, fail)
        .await
        .unwrap()
        .value;
    assert_eq!((failed.kyc_status.as_str(), failed.suspended), ("expired", true));
    let after = PartnerService::new(t.infra().clone())
        .get(&Actor::system(), one.id)
        .await
        .unwrap();
    assert_eq!(after.status, "suspended");
    assert_eq!(events(&t, "KycRenewalStarted").await.len(), 2);
    assert_eq!(events(&t, "KycRenewed").await.len(), 1);
    assert_eq!(events(&t, "KycRenewalFailed").await.len(), 1);
    assert_eq!(events(&t, "PartnerSuspended").await.len(), 1);
}

infra::backend_tests!(
    renewals_pass_or_fail_once,
    lists_the_expiring_within_days,
    reminders_go_once_per_threshold,
    expiry_marks_once_and_suspends_when_asked,
);
