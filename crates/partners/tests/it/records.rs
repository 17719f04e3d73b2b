//! Approved partners as records: reads and lists with filters and masking,
//! reach across partners, updates per capability and version, credit limit,
//! suspension, capabilities, export and counts.

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, DomainError, ErrorKind, Infra, PageRequest};
use partners::records::{PartnerFilter, PartnerService, SetCapabilities, SetCreditLimit, UpdatePartner};
use partners::{Caller, Partner};
use uuid::Uuid;

use crate::support::{SELLER_DOCUMENTS, documents, fields, manager, pan, seller, service, staff};

/// An approved Indian seller numbered `n` (auto-approved: low risk, documents verified).
pub async fn approved(t: &TestInfra, n: u32) -> Partner {
    let apps = service(t);
    let admin = manager();
    let mut input = seller(n);
    input.annual_turnover = Some("20000000".parse().unwrap());
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps.submit(&Caller::staff(&admin), app.id).await.unwrap().value;
    let id = submitted.application.partner_id.expect("auto-approved");
    records(t).get(&Actor::system(), id).await.unwrap()
}

fn records(t: &TestInfra) -> PartnerService<AppInfra> {
    PartnerService::new(t.infra().clone())
}

fn user_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(ActorKind::External, Uuid::now_v7(), []);
    actor.partner_id = Some(partner);
    actor
}

fn filter() -> PartnerFilter {
    PartnerFilter::default()
}

async fn event_types(t: &TestInfra, id: Uuid) -> Vec<(String, i64)> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.aggregate_id == id.to_string())
        .map(|e| (e.event_type, e.version))
        .collect()
}

async fn lists_filter_page_and_mask(t: TestInfra) {
    let one = approved(&t, 1).await;
    let approval = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let approval = approval
        .iter()
        .find(|e| e.event_type == "PartnerApproved")
        .unwrap();
    assert_eq!(
        approval.payload["partner"]["pan"], "******001F",
        "events mask it too"
    );
    let two = approved(&t, 2).await;
    let service = records(&t);
    let reader = staff(&["PARTNER_READ"]);
    assert_eq!(
        one.pan.as_deref(),
        Some(pan(1).as_str()),
        "one partner is unmasked"
    );
    let all = service
        .list(&reader, filter(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(all.items[0].pan.as_deref(), Some("******001F"));
    let bank = all.items[0].bank.as_ref().unwrap();
    assert_eq!(bank.account_number, "**********5678");
    let page = PageRequest::parse(Some(1), None).unwrap();
    let first = service.list(&reader, filter(), page).await.unwrap();
    assert_eq!(first.items[0].id, one.id);
    let cursor = first.next_cursor.expect("a second page");
    let page = PageRequest::parse(Some(1), Some(&cursor)).unwrap();
    let second = service.list(&reader, filter(), page).await.unwrap();
    assert_eq!((second.items[0].id, second.next_cursor), (two.id, None));
    let by = |f: PartnerFilter| {
        let service = service.clone();
        let reader = reader.clone();
        async move {
            let page = service.list(&reader, f, PageRequest::default()).await?;
            Ok::<Vec<Uuid>, infra::ServiceError>(page.items.iter().map(|p| p.id).collect())
        }
    };
    let text = PartnerFilter {
        text: Some(two.code.to_lowercase()),
        ..filter()
    };
    assert_eq!(by(text).await.unwrap(), [two.id]);
    let text = PartnerFilter {
        text: Some("COTTON 1 pvt".into()),
        ..filter()
    };
    assert_eq!(by(text).await.unwrap(), [one.id]);
    let gstin = PartnerFilter {
        text: Some(one.gstin.clone().unwrap()),
        ..filter()
    };
    assert_eq!(by(gstin).await.unwrap(), [one.id]);
    let sells = PartnerFilter {
        capability: Some("domestic_sell_india".into()),
        ..filter()
    };
    assert_eq!(by(sells).await.unwrap().len(), 2);
    let exports = PartnerFilter {
        capability: Some("export_allowed".into()),
        ..filter()
    };
    assert!(by(exports).await.unwrap().is_empty());
    let typed = PartnerFilter {
        partner_type: Some("seller".into()),
        status: Some("approved".into()),
        kyc_status: Some("verified".into()),
        risk_category: Some("low".into()),
        ..filter()
    };
    assert_eq!(by(typed).await.unwrap().len(), 2);
    let later = PartnerFilter {
        updated_since: Some(two.updated_at + chrono::Duration::seconds(1)),
        ..filter()
    };
    assert!(by(later).await.unwrap().is_empty());
    let since = PartnerFilter {
        updated_since: Some(two.updated_at),
        ..filter()
    };
    assert_eq!(by(since).await.unwrap(), [two.id]);
    let bad = PartnerFilter {
        status: Some("gone".into()),
        capability: Some("fly".into()),
        ..filter()
    };
    let err = by(bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(fields(&err), ["status"]);
    let err = service
        .list(&staff(&[]), filter(), PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

async fn a_partner_s_users_reach_only_their_own(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let service = records(&t);
    let mine = user_of(one.id);
    assert_eq!(service.get(&mine, one.id).await.unwrap().id, one.id);
    let err = service.get(&mine, two.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = service.capabilities(&mine, two.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let listed = service
        .list(&mine, filter(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items.iter().map(|p| p.id).collect::<Vec<_>>(), [one.id]);
    let mut admin = user_of(one.id);
    admin
        .capabilities
        .extend(["PARTNER_MANAGE".to_owned(), "PARTNER_APPROVE".to_owned()]);
    let err = service
        .suspend(&admin, two.id, "not mine".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "staff only, before any lookup");
    let trade = UpdatePartner {
        trade_name: Some(Some("Own Name".into())),
        ..UpdatePartner::default()
    };
    let err = service
        .update(&admin, two.id, trade.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let own = service.update(&admin, one.id, trade, None).await.unwrap().value;
    assert_eq!(
        own.trade_name.as_deref(),
        Some("Own Name"),
        "its admin changes its trade name"
    );
    let more = UpdatePartner {
        max_employees: Some(50),
        ..UpdatePartner::default()
    };
    let err = service.update(&admin, one.id, more, None).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Forbidden, "out_of_scope"));
    assert_eq!(service.stats(&mine).await.unwrap().total, 1);
    let csv = service.export(&mine, filter()).await.unwrap();
    assert_eq!(csv.lines().count(), 2, "the header and its own partner");
    let err = service
        .get(&staff(&["PARTNER_READ"]), Uuid::now_v7())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

async fn updates_check_capability_per_field_and_version(t: TestInfra) {
    let one = approved(&t, 1).await;
    assert_eq!((one.rate_limit_tier.as_str(), one.max_employees), ("BASIC", 2));
    let service = records(&t);
    let manage = staff(&["PARTNER_MANAGE"]);
    let input = UpdatePartner {
        trade_name: Some(Some("Shree Bales".into())),
        max_employees: Some(5),
        ..UpdatePartner::default()
    };
    let updated = service
        .update(&manage, one.id, input, Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (
            updated.trade_name.as_deref(),
            updated.max_employees,
            updated.version
        ),
        (Some("Shree Bales"), 5, 2)
    );
    let tier = UpdatePartner {
        rate_limit_tier: Some("PREMIUM".into()),
        ..UpdatePartner::default()
    };
    let err = service
        .update(&manage, one.id, tier.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Forbidden, "capability_missing")
    );
    let approve = staff(&["PARTNER_APPROVE"]);
    let err = service
        .update(&approve, one.id, tier.clone(), Some(1))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::PreconditionFailed, "stale_version")
    );
    let premium = service
        .update(&approve, one.id, tier.clone(), Some(2))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (premium.rate_limit_tier.as_str(), premium.version),
        ("PREMIUM", 3)
    );
    let same = service.update(&approve, one.id, tier, None).await.unwrap().value;
    assert_eq!(same.version, 3, "nothing changed, no new version");
    let bad = UpdatePartner {
        rate_limit_tier: Some("GOLD".into()),
        max_employees: Some(-1),
        contact: Some(partners::input::Contact {
            full_name: "X".into(),
            email: Some("no".into()),
            mobile: "12".into(),
        }),
        ..UpdatePartner::default()
    };
    let both = staff(&["PARTNER_MANAGE", "PARTNER_APPROVE"]);
    let err = service.update(&both, one.id, bad, None).await.unwrap_err();
    assert_eq!(
        fields(&err),
        [
            "contact.full_name",
            "contact.mobile",
            "contact.email",
            "max_employees",
            "rate_limit_tier"
        ]
    );
    let events = event_types(&t, one.id).await;
    assert_eq!(
        events,
        [
            ("PartnerApproved".to_owned(), 1),
            ("PartnerUpdated".to_owned(), 2),
            ("PartnerUpdated".to_owned(), 3)
        ]
    );
}

async fn credit_limit_and_capabilities_need_a_reason(t: TestInfra) {
    let one = approved(&t, 1).await;
    let service = records(&t);
    let approve = staff(&["PARTNER_APPROVE", "PARTNER_READ"]);
    let limit = |amount: &str, reason: &str| SetCreditLimit {
        credit_limit: amount.parse().unwrap(),
        reason: reason.into(),
    };
    let err = service
        .set_credit_limit(&approve, one.id, limit("100", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["reason"]);
    let err = service
        .set_credit_limit(&approve, one.id, limit("-1", "oops"))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["credit_limit"]);
    let err = service
        .set_credit_limit(&staff(&["PARTNER_MANAGE"]), one.id, limit("1", "why not"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let set = service
        .set_credit_limit(&approve, one.id, limit("7500000.50", "annual review"))
        .await
        .unwrap()
        .value;
    assert_eq!(set.credit_limit.to_string(), "7500000.5");
    let caps = service.capabilities(&approve, one.id).await.unwrap();
    assert_eq!(caps.capabilities.len(), 6);
    assert!(caps.capabilities["domestic_sell_india"]);
    assert!(!caps.capabilities["export_allowed"]);
    let input = |pairs: &[(&str, bool)], reason: &str| SetCapabilities {
        capabilities: pairs.iter().map(|(c, b)| ((*c).to_owned(), *b)).collect(),
        reason: reason.into(),
    };
    let err = service
        .set_capabilities(&approve, one.id, input(&[("nope", true)], ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["reason", "capabilities.nope"]);
    let set = service
        .set_capabilities(
            &approve,
            one.id,
            input(
                &[("export_allowed", true), ("domestic_buy_india", false)],
                "IEC seen",
            ),
        )
        .await
        .unwrap()
        .value;
    assert!(set.capabilities["export_allowed"] && !set.capabilities["domestic_buy_india"]);
    let again = service
        .set_capabilities(&approve, one.id, input(&[("export_allowed", true)], "again"))
        .await
        .unwrap()
        .value;
    assert_eq!(again.version, set.version, "nothing changed");
    let partner = service.get(&approve, one.id).await.unwrap();
    assert_eq!(partner.capabilities, ["domestic_sell_india", "export_allowed"]);
    let events: Vec<String> = event_types(&t, one.id).await.into_iter().map(|e| e.0).collect();
    assert_eq!(
        events,
        [
            "PartnerApproved",
            "PartnerCreditLimitChanged",
            "PartnerCapabilitiesChanged"
        ]
    );
}

async fn suspension_comes_once_and_reactivation_too(t: TestInfra) {
    let one = approved(&t, 1).await;
    let service = records(&t);
    let approve = staff(&["PARTNER_APPROVE"]);
    let err = service.suspend(&approve, one.id, " ".into()).await.unwrap_err();
    assert_eq!(fields(&err), ["reason"]);
    let suspended = service
        .suspend(&approve, one.id, "KYC lapsed".into())
        .await
        .unwrap()
        .value;
    assert_eq!(
        (suspended.status.as_str(), suspended.suspended_reason.as_deref()),
        ("suspended", Some("KYC lapsed"))
    );
    assert!(suspended.suspended_at.is_some());
    let err = service
        .suspend(&approve, one.id, "again".into())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "partner_already_suspended")
    );
    let back = service
        .reactivate(&approve, one.id, "KYC renewed".into())
        .await
        .unwrap()
        .value;
    assert_eq!(
        (back.status.as_str(), back.suspended_reason, back.version),
        ("approved", None, 3)
    );
    let err = service
        .reactivate(&approve, one.id, "again".into())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "partner_not_suspended")
    );
    let events: Vec<String> = event_types(&t, one.id).await.into_iter().map(|e| e.0).collect();
    assert_eq!(
        events,
        ["PartnerApproved", "PartnerSuspended", "PartnerReactivated"]
    );
}

async fn exports_mask_and_guard_and_stats_count(t: TestInfra) {
    let one = approved(&t, 1).await;
    approved(&t, 2).await;
    let service = records(&t);
    let input = UpdatePartner {
        trade_name: Some(Some("=HYPERLINK(\"http://x\",\"y\")".into())),
        ..UpdatePartner::default()
    };
    service
        .update(&Actor::system(), one.id, input, None)
        .await
        .unwrap();
    let reader = staff(&["PARTNER_READ"]);
    let csv = service.export(&reader, filter()).await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("id,code,legal_name,trade_name,"));
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",******001F,**********5678,"), "{}", lines[1]);
    // The PAN column is masked (the GSTIN, a public registration, is kept whole).
    assert!(!csv.contains(&format!(",{},", pan(1))) && !csv.contains("50100012345678"));
    assert!(
        lines[1].contains("'+919800000001"),
        "mobiles start with + and are guarded"
    );
    let only = PartnerFilter {
        text: Some(one.code.clone()),
        ..filter()
    };
    assert_eq!(service.export(&reader, only).await.unwrap().lines().count(), 2);
    service
        .suspend(&Actor::system(), one.id, "review".into())
        .await
        .unwrap();
    let stats = service.stats(&reader).await.unwrap();
    assert_eq!(stats.total, 2);
    assert_eq!(
        (
            stats.by_status["approved"],
            stats.by_status["suspended"],
            stats.by_status["inactive"]
        ),
        (1, 1, 0)
    );
    assert_eq!(
        (stats.by_partner_type["seller"], stats.by_partner_type["buyer"]),
        (2, 0)
    );
    assert_eq!(stats.by_kyc_status["verified"], 2);
    assert_eq!(stats.by_risk_category["low"], 2);
}

async fn concurrent_suspends_one_wins(t: TestInfra) {
    let one = approved(&t, 1).await;
    let service = records(&t);
    let mut tasks = Vec::new();
    for i in 0..4 {
        let service = service.clone();
        tasks.push(tokio::spawn(async move {
            service
                .suspend(&Actor::system(), one.id, format!("reason {i}"))
                .await
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.code(), "partner_already_suspended"),
        }
    }
    assert_eq!(won, 1);
    let events: Vec<String> = event_types(&t, one.id).await.into_iter().map(|e| e.0).collect();
    assert_eq!(events, ["PartnerApproved", "PartnerSuspended"]);
}

infra::backend_tests!(
    lists_filter_page_and_mask,
    a_partner_s_users_reach_only_their_own,
    updates_check_capability_per_field_and_version,
    credit_limit_and_capabilities_need_a_reason,
    suspension_comes_once_and_reactivation_too,
    exports_mask_and_guard_and_stats_count,
);

infra::postgres_tests!(concurrent_suspends_one_wins);
