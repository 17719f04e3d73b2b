//! Amendments of a partner's registered facts: requested with old and new,
//! validated as at onboarding, one pending per field, decided once by staff,
//! an approval applying the change and recomputing capabilities.

use std::collections::BTreeMap;

use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, ErrorKind, Infra, PageRequest};
use partners::amendments::{AmendmentService, NewAmendment};
use partners::entity::document;
use partners::records::{PartnerService, SetCapabilities};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::records::approved;
use crate::support::{fields, manager, pan, seller, service};
use partners::Caller;

/// A GSTIN of Maharashtra for the PAN numbered `n`, entity number `entity`.
fn gstin_of(n: u32, entity: char) -> String {
    let first14 = format!("27{}{entity}Z", pan(n));
    let check = settings::tax_ids::gstin_check_char(&first14).unwrap();
    format!("{first14}{check}")
}

fn user_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(ActorKind::External, Uuid::now_v7(), ["PARTNER_MANAGE".to_owned()]);
    actor.partner_id = Some(partner);
    actor
}

async fn document_of(t: &TestInfra, application: Uuid, kind: &str) -> Uuid {
    document::Entity::find()
        .filter(document::Column::ApplicationId.eq(application))
        .filter(document::Column::DocumentType.eq(kind))
        .one(t.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

fn amend(field: &str, new_value: Value, document_id: Option<Uuid>) -> NewAmendment {
    NewAmendment {
        field: field.into(),
        new_value,
        reason: "registration changed".into(),
        document_id,
    }
}

async fn a_gstin_amendment_applies_on_approval(t: TestInfra) {
    let one = approved(&t, 1).await;
    let service = AmendmentService::new(t.infra().clone());
    let records = PartnerService::new(t.infra().clone());
    let staff = manager();
    let withdraw = SetCapabilities {
        capabilities: BTreeMap::from([("domestic_sell_india".to_owned(), false)]),
        reason: "pending review".into(),
    };
    records.set_capabilities(&staff, one.id, withdraw).await.unwrap();
    let doc = document_of(&t, one.application_id, "gst_certificate").await;
    let new = gstin_of(1, '2');
    let e = service
        .request(&staff, one.id, amend("gstin", json!(new), None))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["document_id"]);
    let bad = format!("{}X", &new[..14]);
    let e = service
        .request(&staff, one.id, amend("gstin", json!(bad), Some(doc)))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), fields(&e)),
        (ErrorKind::InvalidInput, vec!["new_value".to_owned()])
    );
    let pending = service
        .request(
            &staff,
            one.id,
            amend("gstin", json!(new.to_lowercase()), Some(doc)),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(pending.status, "pending");
    assert_eq!(pending.old_value, Some(json!(one.gstin.clone().unwrap())));
    assert_eq!(pending.new_value, json!(new), "normalized");
    let again = service
        .request(&staff, one.id, amend("gstin", json!(gstin_of(1, '3')), Some(doc)))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "amendment_pending");
    let approved = service.approve(&staff, pending.id).await.unwrap().value;
    assert_eq!(approved.status, "approved");
    let partner = records.get(&staff, one.id).await.unwrap();
    assert_eq!(partner.gstin.as_deref(), Some(new.as_str()));
    assert_eq!(
        partner.version,
        one.version + 2,
        "the override, then the amendment"
    );
    assert_eq!(
        partner.capabilities,
        ["domestic_buy_india", "domestic_sell_india"]
    );
    let twice = service.approve(&staff, pending.id).await.unwrap_err();
    assert_eq!(twice.code(), "amendment_decided");
}

async fn masks_rejects_and_keeps_partners_apart(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let amendments = service_of(&t);
    let staff = manager();
    let bank =
        json!({"account_name": "Shree Cotton", "account_number": "60100012349999", "ifsc": "hdfc0004321"});
    let mine = user_of(one.id);
    let asked = amendments
        .request(&mine, one.id, amend("bank", bank, None))
        .await
        .unwrap()
        .value;
    assert_eq!(asked.new_value["ifsc"], "HDFC0004321");
    let elsewhere = amendments
        .request(&mine, two.id, amend("trade_name", json!("Other"), None))
        .await
        .unwrap_err();
    assert_eq!(elsewhere.kind(), ErrorKind::NotFound);
    assert_eq!(
        amendments
            .get(&user_of(two.id), asked.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let own = amendments.approve(&mine, asked.id).await.unwrap_err();
    assert_eq!((own.kind(), own.code()), (ErrorKind::Forbidden, "out_of_scope"));
    let bad_ifsc = json!({"account_name": "Shree", "account_number": "60100012349999", "ifsc": "BAD"});
    let e = amendments
        .request(&staff, two.id, amend("bank", bad_ifsc, None))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["new_value.ifsc"]);
    let page = amendments
        .list(&staff, one.id, Some("pending".into()), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].new_value["account_number"], "**********9999");
    assert_eq!(
        page.items[0].old_value.as_ref().unwrap()["account_number"],
        "**********5678"
    );
    let no_reason = amendments.reject(&staff, asked.id, " ".into()).await.unwrap_err();
    assert_eq!(fields(&no_reason), ["reason"]);
    let rejected = amendments
        .reject(&staff, asked.id, "account not verified".into())
        .await
        .unwrap()
        .value;
    assert_eq!(rejected.status, "rejected");
    let partner = PartnerService::new(t.infra().clone())
        .get(&staff, one.id)
        .await
        .unwrap();
    assert_eq!(
        partner.bank.unwrap().account_number,
        "50100012345678",
        "unchanged"
    );
    let taken = amendments
        .request(&staff, two.id, amend("gstin", json!(one.gstin.unwrap()), None))
        .await
        .unwrap_err();
    assert_eq!(fields(&taken), ["new_value"], "the PAN does not match first");
    let mut branch = seller(3);
    branch.pan = Some(pan(1));
    branch.gstin = Some(gstin_of(1, '5'));
    branch.master_partner_id = Some(one.id);
    service(&t).start(&Caller::staff(&staff), branch).await.unwrap();
    let doc = document_of(&t, one.application_id, "gst_certificate").await;
    let held = service_of(&t)
        .request(&staff, one.id, amend("gstin", json!(gstin_of(1, '5')), Some(doc)))
        .await
        .unwrap_err();
    assert_eq!(held.code(), "tax_id_in_use");
}

fn service_of(t: &TestInfra) -> AmendmentService<infra::AppInfra> {
    AmendmentService::new(t.infra().clone())
}

infra::backend_tests!(
    a_gstin_amendment_applies_on_approval,
    masks_rejects_and_keeps_partners_apart
);
