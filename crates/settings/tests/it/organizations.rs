//! Organizations and their children: validation, invariants, versions,
//! numbering under concurrency, scopes, and one event and audit row per change.

use std::sync::Arc;

use chrono::NaiveDate;
use infra::sea_orm::{EntityTrait, PaginatorTrait};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, DomainError, ErrorKind, Infra, PageRequest};
use settings::SettingsError;
use settings::organizations::bank_accounts::{BankAccounts, CreateBankAccount};
use settings::organizations::financial_years::{CreateFinancialYear, FinancialYears, UpdateFinancialYear};
use settings::organizations::gst::{CreateGst, GstRegistrations, UpdateGst};
use settings::organizations::series::{CreateDocumentSeries, DocumentSeriesChild};
use settings::organizations::{
    ChildService, CreateOrganization, Organization, OrganizationService, UpdateOrganization,
};
use uuid::Uuid;

/// A live organization named `name`, created by the system.
pub async fn organization(t: &TestInfra, name: &str) -> Organization {
    let input = CreateOrganization {
        name: name.into(),
        legal_name: format!("{name} Private Limited"),
        ..Default::default()
    };
    OrganizationService::new(t.infra().clone())
        .create(&Actor::system(), input)
        .await
        .unwrap()
        .value
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn staff_of(org: Uuid, caps: &[&str]) -> Actor {
    let mut actor = Actor::user(
        ActorKind::Internal,
        Uuid::now_v7(),
        caps.iter().map(|c| (*c).to_owned()),
    );
    actor.organization_id = Some(org);
    actor
}

async fn counts(t: &TestInfra) -> (u64, u64) {
    (
        infra::outbox::entity::Entity::find().count(t.db()).await.unwrap(),
        infra::audit::entity::Entity::find().count(t.db()).await.unwrap(),
    )
}

/// An active financial year FY2026-27 and an INVOICE series `INV/` for `org`.
pub async fn fiscal_and_series(t: &TestInfra, org: Uuid) {
    let years = ChildService::<AppInfra, FinancialYears>::new(t.infra().clone());
    let year = years
        .create(
            &Actor::system(),
            org,
            CreateFinancialYear {
                name: None,
                start_date: date(2026, 4, 1),
                end_date: date(2027, 3, 31),
                is_active: Some(true),
            },
        )
        .await
        .unwrap()
        .value;
    assert_eq!(year.name, "FY2026-27");
    let series = ChildService::<AppInfra, DocumentSeriesChild>::new(t.infra().clone());
    let input = CreateDocumentSeries {
        document_type: "INVOICE".into(),
        prefix: "INV/".into(),
        financial_year_id: year.id,
        reset_annually: None,
    };
    series.create(&Actor::system(), org, input).await.unwrap();
}

async fn create_validates_and_names_every_field(t: TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let input = CreateOrganization {
        name: "X".into(),
        legal_name: "".into(),
        pan: Some("ABC".into()),
        cin: Some("nope".into()),
        base_currency: Some("rupee".into()),
        tds_rate: Some(rust_decimal::Decimal::from(120)),
        ..Default::default()
    };
    let err = orgs.create(&Actor::system(), input).await.unwrap_err();
    let fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        ["name", "legal_name", "cin", "pan", "base_currency", "tds_rate"]
    );
    assert_eq!(counts(&t).await, (0, 0));
    let first = organization(&t, "Shree Cotton").await;
    assert_eq!(first.base_currency, "INR");
    let dup = CreateOrganization {
        name: "shree cotton".into(),
        legal_name: "Other Legal Name".into(),
        ..Default::default()
    };
    let taken = orgs.create(&Actor::system(), dup).await.unwrap_err();
    assert_eq!(taken.kind(), ErrorKind::Conflict);
    assert_eq!(taken.code(), "already_exists", "{taken}");
    assert_eq!(counts(&t).await, (1, 1), "one event and one audit row per change");
}

async fn concurrent_creates_of_one_name_leave_one_and_name_the_rest_taken(t: TestInfra) {
    let orgs = Arc::new(OrganizationService::new(t.infra().clone()));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let orgs = orgs.clone();
        tasks.push(tokio::spawn(async move {
            let input = CreateOrganization {
                name: if i % 2 == 0 {
                    "Rajkot Mills"
                } else {
                    "RAJKOT MILLS"
                }
                .into(),
                ..Default::default()
            };
            orgs.create(&Actor::system(), input).await
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert_eq!(e.code(), "already_exists", "{e}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(counts(&t).await, (1, 1), "the refused creates left nothing");
}

async fn updates_record_changed_fields_and_check_versions(t: TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let org = organization(&t, "Shree Cotton").await;
    let change = UpdateOrganization {
        legal_name: Some("Shree Cotton Ltd".into()),
        e_invoice_enabled: Some(true),
        ..Default::default()
    };
    let updated = orgs
        .update(&Actor::system(), org.id, change, Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(updated.version, 2);
    let events = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let changes = &events
        .iter()
        .find(|e| e.event_type == "OrganizationUpdated")
        .unwrap()
        .payload["changes"];
    assert_eq!(changes["legal_name"]["old"], "Shree Cotton Private Limited");
    assert_eq!(changes["e_invoice_enabled"]["new"], true);
    assert_eq!(
        changes.as_object().unwrap().len(),
        2,
        "only changed fields: {changes}"
    );
    let stale = orgs
        .update(&Actor::system(), org.id, UpdateOrganization::default(), Some(1))
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::PreconditionFailed);
}

async fn gstin_check_digit_and_one_primary(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    let gst = ChildService::<AppInfra, GstRegistrations>::new(t.infra().clone());
    let bad = gst
        .create(
            &Actor::system(),
            org.id,
            CreateGst {
                gstin: "27AAPFU0939F1ZW".into(),
                branch_code: None,
                is_primary: None,
            },
        )
        .await;
    let err = bad.unwrap_err();
    assert_eq!(err.field_errors()[0].field, "gstin");
    assert!(err.field_errors()[0].message.contains("check digit"));
    let first = gst
        .create(
            &Actor::system(),
            org.id,
            CreateGst {
                gstin: "27AAPFU0939F1ZV".into(),
                branch_code: Some("MUM".into()),
                is_primary: None,
            },
        )
        .await
        .unwrap()
        .value;
    assert!(first.is_primary, "the first registration is the primary");
    assert_eq!(first.state_name, "Maharashtra");
    let second_gstin = format!(
        "24AAPFU0939F1Z{}",
        settings::tax_ids::gstin_check_char("24AAPFU0939F1Z").unwrap()
    );
    let second = gst
        .create(
            &Actor::system(),
            org.id,
            CreateGst {
                gstin: second_gstin,
                branch_code: None,
                is_primary: Some(true),
            },
        )
        .await
        .unwrap()
        .value;
    assert!(second.is_primary);
    let all = gst
        .list(&Actor::system(), org.id, PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(
        all.iter().filter(|g| g.is_primary).count(),
        1,
        "two primaries are impossible"
    );
    let back = gst
        .update(
            &Actor::system(),
            org.id,
            first.id,
            UpdateGst {
                branch_code: None,
                is_primary: Some(true),
                version: None,
            },
            None,
        )
        .await
        .unwrap()
        .value;
    assert!(back.is_primary);
    let all = gst
        .list(&Actor::system(), org.id, PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(
        all.iter()
            .filter(|g| g.is_primary)
            .map(|g| g.id)
            .collect::<Vec<_>>(),
        [first.id]
    );
}

async fn bank_accounts_keep_one_default(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    let banks = ChildService::<AppInfra, BankAccounts>::new(t.infra().clone());
    let account = |n: &str, default| CreateBankAccount {
        account_holder: "Shree Cotton".into(),
        bank_name: "HDFC Bank".into(),
        account_number: n.into(),
        ifsc: "HDFC0001234".into(),
        is_default: default,
    };
    let a = banks
        .create(&Actor::system(), org.id, account("1234567890", None))
        .await
        .unwrap()
        .value;
    let b = banks
        .create(&Actor::system(), org.id, account("2234567890", Some(true)))
        .await
        .unwrap()
        .value;
    assert!(a.is_default && b.is_default);
    let listed = banks
        .list(&Actor::system(), org.id, PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(
        listed
            .iter()
            .filter(|x| x.is_default)
            .map(|x| x.id)
            .collect::<Vec<_>>(),
        [b.id]
    );
    let mut bad = account("12ab", None);
    bad.ifsc = "HDFC1234".into();
    let err = banks.create(&Actor::system(), org.id, bad).await.unwrap_err();
    let fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["account_number", "ifsc"]);
}

async fn financial_years_need_versions_and_do_not_overlap(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    let years = ChildService::<AppInfra, FinancialYears>::new(t.infra().clone());
    let create = |s, e, active| CreateFinancialYear {
        name: None,
        start_date: s,
        end_date: e,
        is_active: Some(active),
    };
    let y1 = years
        .create(
            &Actor::system(),
            org.id,
            create(date(2025, 4, 1), date(2026, 3, 31), true),
        )
        .await
        .unwrap()
        .value;
    let backwards = years
        .create(
            &Actor::system(),
            org.id,
            create(date(2027, 4, 1), date(2026, 3, 31), false),
        )
        .await
        .unwrap_err();
    assert_eq!(backwards.field_errors()[0].field, "end_date");
    let overlap = years
        .create(
            &Actor::system(),
            org.id,
            create(date(2026, 1, 1), date(2026, 12, 31), false),
        )
        .await
        .unwrap_err();
    assert_eq!(overlap.code(), "financial_year_overlap");
    let y2 = years
        .create(
            &Actor::system(),
            org.id,
            create(date(2026, 4, 1), date(2027, 3, 31), false),
        )
        .await
        .unwrap()
        .value;
    let activate = UpdateFinancialYear {
        name: None,
        start_date: None,
        end_date: None,
        is_active: Some(true),
        version: None,
    };
    let missing = years
        .update(&Actor::system(), org.id, y2.id, activate.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(missing.field_errors()[0].field, "version");
    let active = years
        .update(&Actor::system(), org.id, y2.id, activate.clone(), Some(1))
        .await
        .unwrap()
        .value;
    assert!(active.is_active);
    let old = years.get(&Actor::system(), org.id, y1.id).await.unwrap();
    assert!(!old.is_active, "activating one deactivates the other");
    let stale = years
        .update(&Actor::system(), org.id, y2.id, activate, Some(1))
        .await
        .unwrap_err();
    assert!(
        matches!(stale, SettingsError::VersionConflict { sent: 1, current: 2 }),
        "{stale}"
    );
    assert_eq!(
        stale.kind(),
        ErrorKind::Conflict,
        "a stale financial-year version is 409"
    );
}

async fn numbering_names_what_is_missing(t: TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let org = organization(&t, "Shree Cotton").await;
    let no_year = orgs
        .next_document_number(&Actor::system(), org.id, "INVOICE")
        .await
        .unwrap_err();
    assert_eq!(no_year.code(), "no_active_financial_year");
    assert_eq!(no_year.kind(), ErrorKind::Conflict);
    fiscal_and_series(&t, org.id).await;
    let no_series = orgs
        .next_document_number(&Actor::system(), org.id, "CONTRACT")
        .await
        .unwrap_err();
    assert_eq!(no_series.code(), "no_document_series");
    assert!(no_series.to_string().contains("CONTRACT"));
    let first = orgs
        .next_document_number(&Actor::system(), org.id, "INVOICE")
        .await
        .unwrap()
        .value;
    assert_eq!(first.number, "INV/000001");
}

async fn fifty_concurrent_numbers_are_distinct_and_gap_free(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    fiscal_and_series(&t, org.id).await;
    let orgs = Arc::new(OrganizationService::new(t.infra().clone()));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let orgs = orgs.clone();
        tasks.push(tokio::spawn(async move {
            orgs.next_document_number(&Actor::system(), org.id, "INVOICE")
                .await
                .unwrap()
                .value
                .number
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|i| format!("INV/{i:06}")).collect();
    assert_eq!(numbers, expected);
}

async fn internal_users_stay_in_their_organization(t: TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let (mine, theirs) = (organization(&t, "Mine").await, organization(&t, "Theirs").await);
    let me = staff_of(mine.id, &["ORG_READ", "ORG_UPDATE"]);
    assert!(orgs.get(&me, mine.id).await.is_ok());
    assert!(matches!(
        orgs.get(&me, theirs.id).await,
        Err(SettingsError::NotFound(_))
    ));
    let change = UpdateOrganization {
        legal_name: Some("Taken Over Ltd".into()),
        ..Default::default()
    };
    assert_eq!(
        orgs.update(&me, theirs.id, change, None)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let gst = ChildService::<AppInfra, GstRegistrations>::new(t.infra().clone());
    let input = CreateGst {
        gstin: "27AAPFU0939F1ZV".into(),
        branch_code: None,
        is_primary: None,
    };
    assert_eq!(
        gst.create(&me, theirs.id, input).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let listed = orgs
        .list(&me, Default::default(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(listed.iter().map(|o| o.id).collect::<Vec<_>>(), [mine.id]);
    let reader = staff_of(mine.id, &["ORG_READ"]);
    let change = UpdateOrganization {
        legal_name: Some("Mine Ltd".into()),
        ..Default::default()
    };
    assert_eq!(
        orgs.update(&reader, mine.id, change, None)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Forbidden
    );
}

async fn delete_is_refused_while_users_belong(t: TestInfra) {
    let orgs = OrganizationService::new(t.infra().clone());
    let org = organization(&t, "Shree Cotton").await;
    let users = settings::users::UserService::new(t.infra().clone());
    let input = settings::users::CreateUser {
        kind: "INTERNAL".into(),
        email: Some("staff@example.com".into()),
        full_name: "Staff Member".into(),
        organization_id: Some(org.id),
        ..Default::default()
    };
    users
        .create(&Actor::system(), input, Some("hash".into()))
        .await
        .unwrap();
    let refused = orgs.delete(&Actor::system(), org.id).await.unwrap_err();
    assert_eq!(refused.code(), "organization_has_users");
    let empty = organization(&t, "Empty Co").await;
    orgs.delete(&Actor::system(), empty.id).await.unwrap();
    assert!(matches!(
        orgs.get(&Actor::system(), empty.id).await,
        Err(SettingsError::NotFound(_))
    ));
    organization(&t, "Empty Co").await;
}

async fn a_name_alone_creates_an_organization(t: TestInfra) {
    let service = OrganizationService::new(t.infra().clone());
    let input = CreateOrganization {
        name: " Test Org ".into(),
        ..Default::default()
    };
    let org = service.create(&Actor::system(), input).await.unwrap().value;
    assert_eq!(org.name, "Test Org");
    assert_eq!(org.legal_name, "Test Org");
    assert_eq!(org.base_currency, "INR");
    let named = CreateOrganization {
        name: "Other Org".into(),
        legal_name: "Other Org Private Limited".into(),
        ..Default::default()
    };
    let named = service.create(&Actor::system(), named).await.unwrap().value;
    assert_eq!(named.legal_name, "Other Org Private Limited");
    let short = CreateOrganization {
        name: "Third Org".into(),
        legal_name: "X".into(),
        ..Default::default()
    };
    let err = service.create(&Actor::system(), short).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

infra::backend_tests!(
    a_name_alone_creates_an_organization,
    create_validates_and_names_every_field,
    updates_record_changed_fields_and_check_versions,
    gstin_check_digit_and_one_primary,
    bank_accounts_keep_one_default,
    financial_years_need_versions_and_do_not_overlap,
    numbering_names_what_is_missing,
    fifty_concurrent_numbers_are_distinct_and_gap_free,
    concurrent_creates_of_one_name_leave_one_and_name_the_rest_taken,
    internal_users_stay_in_their_organization,
    delete_is_refused_while_users_belong,
);
