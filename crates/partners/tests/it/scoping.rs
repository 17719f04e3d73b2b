//! Who reaches which documents and files: an applicant only those of its
//! mobile, a partner's user only its own partner's application, staff with
//! PARTNER_READ all; everyone else gets 404.

use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, ErrorKind, PageRequest};
use partners::document_service::NewDocument;
use partners::input::ApplicationFilter;
use partners::model::Application;
use partners::{ApplicationService, Caller};
use uuid::Uuid;

use crate::support::{SELLER_DOCUMENTS, documents, manager, mobile, seller, service, staff};

/// An application of seller `n`, with its documents, approved into a partner.
async fn approved(apps: &ApplicationService<infra::AppInfra>, n: u32) -> Application {
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(n)).await.unwrap().value;
    documents(apps, app.id, &SELLER_DOCUMENTS, true).await;
    apps.submit(&Caller::staff(&admin), app.id).await.unwrap();
    apps.approve(&Caller::staff(&admin), app.id, Default::default())
        .await
        .unwrap()
        .value
        .application
}

/// A user of partner `partner` holding PARTNER_READ.
fn partner_user(partner: Uuid) -> Actor {
    let mut actor = Actor::user(ActorKind::External, Uuid::now_v7(), ["PARTNER_READ".to_owned()]);
    actor.partner_id = Some(partner);
    actor
}

fn not_found<T: std::fmt::Debug>(result: Result<T, infra::ServiceError>) {
    assert_eq!(result.unwrap_err().kind(), ErrorKind::NotFound);
}

async fn an_applicant_of_another_mobile_gets_no_file(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    documents(&apps, app.id, &["bank_proof"], false).await;
    let doc = apps.list_documents(&Caller::staff(&admin), app.id).await.unwrap()[0].clone();
    let anonymous = Actor::anonymous("10.0.0.7");
    let owner = Caller::applicant(&anonymous, &mobile(1)).unwrap();
    let (_, bytes) = apps.document_file(&owner, app.id, doc.id).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(apps.list_documents(&owner, app.id).await.unwrap().len(), 1);
    let stranger = Caller::applicant(&anonymous, &mobile(2)).unwrap();
    not_found(apps.document_file(&stranger, app.id, doc.id).await);
    not_found(apps.list_documents(&stranger, app.id).await);
    not_found(
        apps.add_document(
            &stranger,
            app.id,
            NewDocument {
                document_type: "pan_card".into(),
                ..NewDocument::default()
            },
            crate::support::pdf("x.pdf", "x"),
        )
        .await,
    );
    let keys = apps.documents().keys().await.unwrap();
    assert_eq!(keys.len(), 1, "the refused upload left no object");
}

async fn a_partner_user_reaches_only_its_own_partner(t: TestInfra) {
    let apps = service(&t);
    let ours = approved(&apps, 1).await;
    let theirs = approved(&apps, 2).await;
    let open = apps
        .start(&Caller::staff(&manager()), seller(3))
        .await
        .unwrap()
        .value;
    let user = partner_user(ours.partner_id.unwrap());
    let me = Caller::staff(&user);
    assert_eq!(apps.get(&me, ours.id).await.unwrap().id, ours.id);
    let page = apps
        .list(&me, ApplicationFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|a| a.id).collect::<Vec<_>>(), [ours.id]);
    let docs = apps.list_documents(&me, ours.id).await.unwrap();
    assert_eq!(docs.len(), 3);
    apps.document_file(&me, ours.id, docs[0].id).await.unwrap();
    let their_docs = apps
        .list_documents(&Caller::staff(&manager()), theirs.id)
        .await
        .unwrap();
    for other in [theirs.id, open.id] {
        not_found(apps.get(&me, other).await);
        not_found(apps.list_documents(&me, other).await);
    }
    not_found(apps.document_file(&me, theirs.id, their_docs[0].id).await);
    // Its own application id with another partner's document is not found either.
    not_found(apps.document_file(&me, ours.id, their_docs[0].id).await);
    let mut manager_of_ours = partner_user(ours.partner_id.unwrap());
    manager_of_ours.capabilities.insert("PARTNER_MANAGE".into());
    // A partner's users review no documents at all, theirs or another's.
    for doc in [&their_docs[0], &docs[0]] {
        let review = partners::document_review::Verification::reject("not ours");
        let refused = apps
            .verify_document(
                &Caller::staff(&manager_of_ours),
                doc.application_id,
                doc.id,
                review,
            )
            .await
            .unwrap_err();
        assert_eq!(refused.code(), "out_of_scope", "{refused}");
    }
    // Staff naming a document under another application's id find nothing.
    let review = partners::document_review::Verification::verify();
    not_found(
        apps.verify_document(&Caller::staff(&manager()), ours.id, their_docs[0].id, review)
            .await,
    );
    let unknown = partner_user(Uuid::now_v7());
    let none = apps
        .list(
            &Caller::staff(&unknown),
            ApplicationFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert!(none.items.is_empty());
    // Reading still needs PARTNER_READ.
    let mut bare = partner_user(ours.partner_id.unwrap());
    bare.capabilities.clear();
    let err = apps.get(&Caller::staff(&bare), ours.id).await.unwrap_err();
    assert_eq!(err.code(), "capability_missing");
    let err = apps
        .list_documents(&Caller::staff(&staff(&[])), ours.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "capability_missing");
}

infra::backend_tests!(
    an_applicant_of_another_mobile_gets_no_file,
    a_partner_user_reaches_only_its_own_partner,
);
