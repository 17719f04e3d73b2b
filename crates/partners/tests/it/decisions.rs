//! Submit (missing documents, score, routing, automatic approval), decisions
//! once each, the partner and its first user, and gap-free partner codes.

use std::sync::Arc;

use chrono::NaiveDate;
use infra::sea_orm::{ConnectionTrait, Statement};
use infra::testing::TestInfra;
use infra::{DomainError, ErrorKind, Infra};
use partners::Caller;
use partners::input::{Approve, UpdateApplication};

use crate::support::{SELLER_DOCUMENTS, documents, manager, seller, service, staff};

fn long_ago() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2010, 4, 1)
}

async fn submit_lists_missing_documents_then_scores(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let err = apps.submit(&Caller::staff(&admin), app.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let messages: Vec<String> = err
        .field_errors()
        .into_iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    assert_eq!(
        messages,
        [
            "documents: bank_proof or cancelled_cheque is required",
            "documents: gst_certificate is required",
            "documents: pan_card is required"
        ]
    );
    documents(
        &apps,
        app.id,
        &["cancelled_cheque", "gst_certificate", "pan_card"],
        false,
    )
    .await;
    let submitted = apps.submit(&Caller::staff(&admin), app.id).await.unwrap().value;
    let view = submitted.application;
    assert!(submitted.partner.is_none());
    assert_eq!(view.status, "submitted");
    assert_eq!(view.score, Some(65));
    assert_eq!(view.risk_category.as_deref(), Some("medium"));
    assert_eq!(view.routing.as_deref(), Some("manager_review"));
    let factors: Vec<(String, i32)> = view
        .factors
        .iter()
        .map(|f| (f.factor.clone(), f.points))
        .collect();
    assert_eq!(
        factors,
        [("base".to_owned(), 50), ("entity_private_limited".to_owned(), 15)]
    );
    let again = apps.submit(&Caller::staff(&admin), app.id).await.unwrap_err();
    assert_eq!(again.code(), "application_submitted");
}

async fn approval_creates_the_partner_and_its_first_user_once(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let mut input = seller(1);
    input.annual_turnover = Some("20000000".parse().unwrap());
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps
        .submit(&Caller::staff(&admin), app.id)
        .await
        .unwrap()
        .value
        .application;
    assert_eq!(submitted.score, Some(80));
    // 80 is auto-approved, but that happened only if every document was verified: it was.
    assert_eq!(submitted.status, "approved");
    let partner_id = submitted.partner_id.unwrap();
    let err = apps
        .approve(&Caller::staff(&admin), app.id, Approve::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_decided");
    let err = apps
        .reject(&Caller::staff(&admin), app.id, Some("late".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_decided");

    let mut manual = seller(2);
    manual.entity_type = "partnership".into();
    manual.annual_turnover = Some("1000000".parse().unwrap());
    let app = apps.start(&Caller::staff(&admin), manual).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps
        .submit(&Caller::staff(&admin), app.id)
        .await
        .unwrap()
        .value
        .application;
    assert_eq!(submitted.routing.as_deref(), Some("manager_review"));
    assert_eq!(
        submitted
            .recommended_credit_limit
            .map(|m| m.to_string())
            .as_deref(),
        Some("100000")
    );
    let onboarder = staff(&["PARTNER_ONBOARD", "PARTNER_READ"]);
    let err = apps
        .approve(&Caller::staff(&onboarder), app.id, Approve::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "capability_missing");
    let approver = staff(&["PARTNER_APPROVE"]);
    let decision = apps
        .approve(
            &Caller::staff(&approver),
            app.id,
            Approve {
                credit_limit: Some("250000".parse().unwrap()),
                notes: Some("known mill".into()),
            },
        )
        .await
        .unwrap()
        .value;
    let partner = decision.partner.unwrap();
    assert_eq!(partner.code, "BP-IND-SEL-0002");
    assert_ne!(partner.id, partner_id);
    assert_eq!(partner.status, "approved");
    assert_eq!(partner.kyc_status, "verified");
    assert_eq!(partner.entity_class, "business_entity");
    assert_eq!(partner.credit_limit.to_string(), "250000");
    assert_eq!(
        partner.capabilities,
        ["domestic_buy_india", "domestic_sell_india"]
    );
    let today = t
        .clock()
        .now()
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .date_naive();
    assert_eq!(
        partner.kyc_expires_on,
        today.checked_add_months(chrono::Months::new(12))
    );
    assert_eq!(decision.application.decision_note.as_deref(), Some("known mill"));
    let db = t.db();
    let user = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                infra::sea_orm::DbBackend::Postgres => "SELECT kind, mobile FROM users WHERE id = $1",
                _ => "SELECT kind, mobile FROM users WHERE id = ?",
            },
            [decision.first_user_id.unwrap().into()],
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.try_get::<String>("", "kind").unwrap(), "EXTERNAL");
    assert_eq!(
        user.try_get::<String>("", "mobile").unwrap(),
        format!("+91{}", crate::support::mobile(2))
    );
    let roles = settings::capabilities::effective(db, decision.first_user_id.unwrap(), t.clock().now())
        .await
        .unwrap();
    assert!(roles.contains("PARTNER_MANAGE"));
    let places = partners::locations::of_partner(db, partner.id).await.unwrap();
    assert_eq!(
        places.len(),
        1,
        "the principal place, from the application's address"
    );
    assert_eq!(places[0].location_type, "principal");
    assert_eq!(places[0].state_code.as_deref(), Some("MH"));
    assert_eq!(places[0].address.city, "Jalgaon");
}

async fn verifying_the_last_document_approves_a_low_risk_application(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let mut input = seller(3);
    input.business_start_date = long_ago();
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(&apps, app.id, &["bank_proof", "gst_certificate"], true).await;
    documents(&apps, app.id, &["pan_card"], false).await;
    let submitted = apps.submit(&Caller::staff(&admin), app.id).await.unwrap().value;
    assert_eq!(submitted.application.routing.as_deref(), Some("auto_approved"));
    assert_eq!(submitted.application.status, "submitted");
    let docs = partners::documents::of_application(
        t.db(),
        &partners::entity::application::Entity::find_by_id(app.id)
            .one(t.db())
            .await
            .unwrap()
            .unwrap(),
    )
    .await
    .unwrap();
    let pan_card = docs.iter().find(|d| d.document_type == "pan_card").unwrap();
    let verified = apps
        .verify_document(
            &Caller::staff(&admin),
            pan_card.application_id,
            pan_card.id,
            Verification::verify(),
        )
        .await
        .unwrap()
        .value;
    let approval = verified.approval.unwrap();
    assert_eq!(approval.application.status, "approved");
    assert_eq!(approval.application.decided_by, None);
    assert_eq!(approval.partner.unwrap().code, "BP-IND-SEL-0001");
    let again = apps
        .verify_document(
            &Caller::staff(&admin),
            pan_card.application_id,
            pan_card.id,
            Verification::verify(),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "document_verified");
}

use infra::sea_orm::EntityTrait;
use partners::document_review::Verification;

async fn high_risk_needs_its_capability_and_decisions_come_once(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let mut input = seller(4);
    input.entity_type = "proprietorship".into();
    input.gst_compliance = Some("poor".into());
    input.business_start_date = Some((t.clock().now() - chrono::Duration::days(30)).date_naive());
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps
        .submit(&Caller::staff(&admin), app.id)
        .await
        .unwrap()
        .value
        .application;
    assert_eq!(submitted.score, Some(5));
    assert_eq!(submitted.routing.as_deref(), Some("critical_review"));
    let approver = staff(&["PARTNER_APPROVE"]);
    let err = apps
        .approve(&Caller::staff(&approver), app.id, Approve::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "capability_missing");
    assert!(err.to_string().contains("PARTNER_APPROVE_HIGH_RISK"));
    let err = apps
        .reject(&Caller::staff(&approver), app.id, Some("  ".into()))
        .await
        .unwrap_err();
    assert_eq!(crate::support::fields(&err), ["reason"]);
    let info = apps
        .request_info(
            &Caller::staff(&approver),
            app.id,
            Some("send last year's returns".into()),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(info.status, "info_requested");
    let err = apps
        .request_info(&Caller::staff(&approver), app.id, Some("again".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_not_submitted");
    let change = UpdateApplication {
        gst_compliance: Some("good".into()),
        ..UpdateApplication::default()
    };
    apps.update(&Caller::staff(&admin), app.id, change, None)
        .await
        .unwrap();
    let resubmitted = apps
        .submit(&Caller::staff(&admin), app.id)
        .await
        .unwrap()
        .value
        .application;
    assert_eq!(resubmitted.score, Some(40));
    let rejected = apps
        .reject(
            &Caller::staff(&approver),
            app.id,
            Some("turnover unproven".into()),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(rejected.status, "rejected");
    let err = apps
        .reject(&Caller::staff(&approver), app.id, Some("twice".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_decided");
    // Rejected applications are closed: the mobile and tax ids may apply again.
    apps.start(&Caller::staff(&admin), seller(4)).await.unwrap();
}

async fn fifty_concurrent_approvals_give_distinct_gap_free_codes(t: TestInfra) {
    let apps = Arc::new(service(&t));
    let admin = manager();
    let mut ids = Vec::new();
    for n in 0..50 {
        let app = apps
            .start(&Caller::staff(&admin), seller(200 + n))
            .await
            .unwrap()
            .value;
        documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
        apps.submit(&Caller::staff(&admin), app.id).await.unwrap();
        ids.push(app.id);
    }
    let mut tasks = Vec::new();
    for id in ids {
        let apps = apps.clone();
        tasks.push(tokio::spawn(async move {
            let approver = staff(&["PARTNER_APPROVE"]);
            apps.approve(&Caller::staff(&approver), id, Approve::default())
                .await
                .unwrap()
                .value
                .partner
                .unwrap()
                .code
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    codes.sort();
    let expected: Vec<String> = (1..=50).map(|i| format!("BP-IND-SEL-{i:04}")).collect();
    assert_eq!(codes, expected);
}

async fn platform_admins_hold_the_new_capability(t: TestInfra) {
    let db = t.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM role_capabilities WHERE role_code = 'PLATFORM_ADMIN' AND capability_code IN ('PARTNER_ONBOARD', 'PARTNER_READ', 'PARTNER_APPROVE', 'PARTNER_MANAGE', 'PARTNER_APPROVE_HIGH_RISK')",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 5);
}

infra::backend_tests!(
    submit_lists_missing_documents_then_scores,
    approval_creates_the_partner_and_its_first_user_once,
    verifying_the_last_document_approves_a_low_risk_application,
    high_risk_needs_its_capability_and_decisions_come_once,
    fifty_concurrent_approvals_give_distinct_gap_free_codes,
    platform_admins_hold_the_new_capability,
);
