//! Starting, updating, reading and listing applications: validation naming
//! fields, tax ids in use, one open application per mobile, the applicant's scope.

use std::sync::Arc;

use infra::testing::TestInfra;
use infra::{Actor, DomainError, ErrorKind, PageRequest};
use partners::Caller;
use partners::input::{ApplicationFilter, UpdateApplication};

use crate::support::{fields, gstin, manager, mobile, pan, seller, service, staff};

async fn start_validates_every_field_and_normalizes(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let mut bad = seller(1);
    bad.gstin = Some("27AAPFU0001F1ZZ".into());
    bad.address.pincode = "12".into();
    bad.bank.as_mut().unwrap().ifsc = "HDFC1".into();
    let err = apps.start(&Caller::staff(&admin), bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(fields(&err), ["address.pincode", "bank.ifsc", "gstin"]);
    let mut other_state = seller(1);
    other_state.address.state_code = Some("GJ".into());
    let err = apps.start(&Caller::staff(&admin), other_state).await.unwrap_err();
    assert_eq!(fields(&err), ["gstin"]);
    let made = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    assert_eq!(made.status, "draft");
    assert_eq!(made.country, "IN");
    assert_eq!(made.contact.mobile, format!("+91{}", mobile(1)));
    assert_eq!(made.version, 1);
    let nobody = staff(&["PARTNER_READ"]);
    let err = apps.start(&Caller::staff(&nobody), seller(2)).await.unwrap_err();
    assert_eq!(err.code(), "capability_missing");
}

async fn tax_ids_and_mobiles_in_use_are_conflicts(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let first = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let mut same_mobile = seller(2);
    same_mobile.contact.mobile = mobile(1);
    let err = apps.start(&Caller::staff(&admin), same_mobile).await.unwrap_err();
    assert_eq!(err.code(), "application_in_progress");
    assert!(err.to_string().contains(&first.id.to_string()));
    let mut same_gstin = seller(1);
    same_gstin.contact.mobile = mobile(3);
    let err = apps.start(&Caller::staff(&admin), same_gstin).await.unwrap_err();
    assert_eq!(err.code(), "tax_id_in_use");
    // Another state's GSTIN of the same PAN: the PAN is in use (no master named).
    let mut same_pan = seller(1);
    same_pan.contact.mobile = mobile(4);
    same_pan.gstin = Some(gstin("24", 1));
    same_pan.address.state_code = Some("GJ".into());
    let err = apps.start(&Caller::staff(&admin), same_pan).await.unwrap_err();
    assert_eq!(err.code(), "tax_id_in_use");
    assert!(err.to_string().contains("PAN"));
    let mut master = seller(9);
    master.master_partner_id = Some(uuid::Uuid::now_v7());
    let err = apps.start(&Caller::staff(&admin), master).await.unwrap_err();
    assert_eq!(fields(&err), ["master_partner_id"]);
}

async fn concurrent_starts_for_one_mobile_leave_one_open_application(t: TestInfra) {
    let apps = Arc::new(service(&t));
    let mut tasks = Vec::new();
    for n in 0..8 {
        let apps = apps.clone();
        tasks.push(tokio::spawn(async move {
            let mut input = seller(100 + n);
            input.contact.mobile = mobile(7);
            apps.start(&Caller::staff(&manager()), input)
                .await
                .map(|w| w.value.id)
        }));
    }
    let mut made = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => made += 1,
            Err(e) => assert_eq!(e.code(), "application_in_progress", "{e}"),
        }
    }
    assert_eq!(made, 1);
}

async fn updates_apply_in_draft_and_info_requested_only(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let change = UpdateApplication {
        trade_name: Some("Shree".into()),
        annual_turnover: Some("25000000".parse().unwrap()),
        ..UpdateApplication::default()
    };
    let updated = apps
        .update(&Caller::staff(&admin), app.id, change, Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(updated.version, 2);
    assert_eq!(updated.trade_name.as_deref(), Some("Shree"));
    let stale = apps
        .update(
            &Caller::staff(&admin),
            app.id,
            UpdateApplication::default(),
            Some(1),
        )
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "stale_version");
    let bad = UpdateApplication {
        pan: Some(pan(2)),
        ..UpdateApplication::default()
    };
    let err = apps
        .update(&Caller::staff(&admin), app.id, bad, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["pan"]);
    let mut contact = seller(1).contact;
    contact.mobile = mobile(5);
    let err = apps
        .update(
            &Caller::staff(&admin),
            app.id,
            UpdateApplication {
                contact: Some(contact),
                ..UpdateApplication::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["contact.mobile"]);
    crate::support::documents(&apps, app.id, &crate::support::SELLER_DOCUMENTS, false).await;
    apps.submit(&Caller::staff(&admin), app.id).await.unwrap();
    let err = apps
        .update(&Caller::staff(&admin), app.id, UpdateApplication::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_not_editable");
}

async fn the_applicant_sees_and_changes_only_its_own(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let anonymous = Actor::anonymous("10.0.0.9");
    let me = Caller::applicant(&anonymous, &mobile(1)).unwrap();
    let err = apps.start(&me, seller(2)).await.unwrap_err();
    assert_eq!(fields(&err), ["contact.mobile"]);
    let mine = apps.start(&me, seller(1)).await.unwrap().value;
    let theirs = apps.start(&Caller::staff(&admin), seller(2)).await.unwrap().value;
    assert_eq!(apps.get(&me, mine.id).await.unwrap().id, mine.id);
    assert_eq!(
        apps.get(&me, theirs.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let err = apps
        .update(&me, theirs.id, UpdateApplication::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let page = apps
        .list(&me, ApplicationFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|a| a.id).collect::<Vec<_>>(), [mine.id]);
    let reader = staff(&["PARTNER_READ"]);
    let all = apps
        .list(
            &Caller::staff(&reader),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    let by_text = ApplicationFilter {
        text: Some("COTTON 2".into()),
        status: Some("draft".into()),
        partner_type: Some("seller".into()),
    };
    let found = apps
        .list(&Caller::staff(&reader), by_text, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items.iter().map(|a| a.id).collect::<Vec<_>>(), [theirs.id]);
    let bad = ApplicationFilter {
        status: Some("open".into()),
        ..ApplicationFilter::default()
    };
    let err = apps
        .list(&Caller::staff(&reader), bad, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["status"]);
    assert!(apps.approve(&me, mine.id, Default::default()).await.is_err());
}

infra::backend_tests!(
    start_validates_every_field_and_normalizes,
    tax_ids_and_mobiles_in_use_are_conflicts,
    concurrent_starts_for_one_mobile_leave_one_open_application,
    updates_apply_in_draft_and_info_requested_only,
    the_applicant_sees_and_changes_only_its_own,
);
