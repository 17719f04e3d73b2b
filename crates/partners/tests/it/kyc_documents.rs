//! Documents after approval: filed for an open KYC renewal (staff or the
//! partner's own admin, never another partner's), verified by a passed
//! renewal with the capabilities they give, and taken away again once they
//! run out (once per document, also from two instances; a hand-made grant
//! stays).

use std::collections::BTreeMap;

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, ErrorKind, Infra};
use partners::document_service::NewDocument;
use partners::files::Upload;
use partners::kyc::KycService;
use partners::kyc::renewals::CompleteRenewal;
use partners::records::PartnerService;
use partners::records::SetCapabilities;
use uuid::Uuid;

use crate::records::approved;
use crate::support::{fields, pdf, service, staff};

fn admin_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(
        ActorKind::External,
        Uuid::now_v7(),
        ["PARTNER_MANAGE".to_owned(), "PARTNER_READ".to_owned()],
    );
    actor.partner_id = Some(partner);
    actor
}

fn iec(expires_on: chrono::NaiveDate) -> NewDocument {
    NewDocument {
        document_type: "iec".into(),
        document_number: Some("IEC0001234".into()),
        expires_on: Some(expires_on),
        ..NewDocument::default()
    }
}

fn pass() -> CompleteRenewal {
    CompleteRenewal {
        result: "pass".into(),
        reason: None,
    }
}

async fn capabilities(t: &TestInfra, id: Uuid) -> Vec<String> {
    let p = PartnerService::new(t.infra().clone());
    p.get(&Actor::system(), id).await.unwrap().capabilities
}

async fn changes(t: &TestInfra, id: Uuid) -> Vec<serde_json::Value> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.event_type == "PartnerCapabilitiesChanged" && e.aggregate_id == id.to_string())
        .map(|e| e.payload)
        .collect()
}

async fn renewal_documents_are_filed_and_verified_by_a_pass(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let kyc = KycService::new(t.infra().clone());
    let docs = service(&t);
    let boss = staff(&["PARTNER_MANAGE", "PARTNER_READ"]);
    let renewal = kyc.start_renewal(&boss, one.id).await.unwrap().value;
    let later = kyc.today() + chrono::Duration::days(400);

    let first = docs
        .add_renewal_document(&boss, one.id, renewal.id, iec(later), pdf("iec.pdf", "iec"))
        .await
        .unwrap()
        .value;
    assert_eq!((first.renewal_id, first.verified), (Some(renewal.id), false));
    let own = docs
        .add_renewal_document(
            &admin_of(one.id),
            one.id,
            renewal.id,
            iec(later),
            pdf("iec2.pdf", "own"),
        )
        .await
        .unwrap()
        .value;
    let stranger = docs
        .add_renewal_document(
            &admin_of(two.id),
            one.id,
            renewal.id,
            iec(later),
            pdf("x.pdf", "x"),
        )
        .await
        .unwrap_err();
    assert_eq!(stranger.kind(), ErrorKind::NotFound);
    let text = Upload {
        file_name: Some("notes.txt".into()),
        bytes: b"just some words".to_vec().into(),
    };
    let bad = docs
        .add_renewal_document(&boss, one.id, renewal.id, iec(later), text)
        .await
        .unwrap_err();
    assert_eq!(fields(&bad), ["file"]);
    let wrong = docs
        .add_renewal_document(&boss, two.id, renewal.id, iec(later), pdf("y.pdf", "y"))
        .await
        .unwrap_err();
    assert_eq!(
        wrong.kind(),
        ErrorKind::NotFound,
        "the renewal is another partner's"
    );

    let listed = docs
        .renewal_documents(&admin_of(one.id), one.id, renewal.id)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|d| d.id).collect::<Vec<_>>(),
        [first.id, own.id]
    );
    let hidden = docs
        .renewal_documents(&admin_of(two.id), one.id, renewal.id)
        .await;
    assert_eq!(hidden.unwrap_err().kind(), ErrorKind::NotFound);

    assert!(
        !capabilities(&t, one.id)
            .await
            .contains(&"import_allowed".to_owned())
    );
    kyc.complete_renewal(&boss, one.id, renewal.id, pass())
        .await
        .unwrap();
    let caps = capabilities(&t, one.id).await;
    assert!(caps.contains(&"import_allowed".to_owned()) && caps.contains(&"export_allowed".to_owned()));
    let listed = docs.renewal_documents(&boss, one.id, renewal.id).await.unwrap();
    assert!(
        listed.iter().all(|d| d.verified),
        "a pass verifies the renewal's documents"
    );
    let closed = docs
        .add_renewal_document(&boss, one.id, renewal.id, iec(later), pdf("z.pdf", "z"))
        .await
        .unwrap_err();
    assert_eq!(closed.code(), "kyc_renewal_closed");
}

async fn an_expired_document_takes_its_capabilities_once(t: TestInfra) {
    let one = approved(&t, 1).await;
    let other = t.another_instance().await;
    let (a, b) = (KycService::new(t.infra().clone()), KycService::new(other.clone()));
    let boss = staff(&["PARTNER_MANAGE", "PARTNER_READ"]);
    let renewal = a.start_renewal(&boss, one.id).await.unwrap().value;
    let runs_out = a.today() + chrono::Duration::days(10);
    service(&t)
        .add_renewal_document(&boss, one.id, renewal.id, iec(runs_out), pdf("iec.pdf", "iec"))
        .await
        .unwrap();
    a.complete_renewal(&boss, one.id, renewal.id, pass())
        .await
        .unwrap();
    assert!(
        capabilities(&t, one.id)
            .await
            .contains(&"import_allowed".to_owned())
    );
    assert_eq!(a.lapse_documents().await.unwrap().documents, 0, "still valid");

    for clock in [t.clock(), other.clock()] {
        clock.advance(chrono::Duration::days(11));
    }
    let (x, y) = tokio::join!(a.lapse_documents(), b.lapse_documents());
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(
        x.documents + y.documents,
        1,
        "one document, lapsed once from two instances"
    );
    let lost: Vec<_> = x.partners.into_iter().chain(y.partners).collect();
    assert_eq!(
        lost,
        [(
            one.id,
            vec!["export_allowed".to_owned(), "import_allowed".to_owned()]
        )]
    );
    let caps = capabilities(&t, one.id).await;
    assert_eq!(
        caps,
        ["domestic_buy_india", "domestic_sell_india"],
        "GST and PAN still hold"
    );
    let events = changes(&t, one.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["reason"], "document expired");
    assert_eq!(events[0]["changes"]["import_allowed"], false);

    let grant = SetCapabilities {
        capabilities: BTreeMap::from([("import_allowed".to_owned(), true)]),
        reason: "licence seen at the office".into(),
    };
    let records = PartnerService::new(t.infra().clone());
    records
        .set_capabilities(&staff(&["PARTNER_APPROVE"]), one.id, grant)
        .await
        .unwrap();
    assert_eq!(a.lapse_documents().await.unwrap().documents, 0, "run again");
    assert!(
        capabilities(&t, one.id)
            .await
            .contains(&"import_allowed".to_owned()),
        "a grant by hand stays"
    );
    assert_eq!(
        changes(&t, one.id).await.len(),
        2,
        "the lapse once, the grant once"
    );
}

/// A partner's own users never see another partner's renewal; an unknown
/// renewal is not found; an employee without PARTNER_MANAGE may not file.
async fn renewal_documents_are_guarded(t: TestInfra) {
    let one = approved(&t, 1).await;
    let docs = service(&t);
    let boss = staff(&["PARTNER_MANAGE"]);
    let later = KycService::new(t.infra().clone()).today() + chrono::Duration::days(30);
    let unknown = docs
        .add_renewal_document(&boss, one.id, Uuid::now_v7(), iec(later), pdf("a.pdf", "a"))
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
    let mut employee = Actor::user(ActorKind::External, Uuid::now_v7(), ["PARTNER_READ".to_owned()]);
    employee.partner_id = Some(one.id);
    let refused = docs
        .add_renewal_document(&employee, one.id, Uuid::now_v7(), iec(later), pdf("b.pdf", "b"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
}

infra::backend_tests!(
    renewal_documents_are_filed_and_verified_by_a_pass,
    an_expired_document_takes_its_capabilities_once,
    renewal_documents_are_guarded,
);
