//! Document files: stored on a local directory or in memory and read back
//! with their SHA-256, refused by content and size, never left behind by a
//! failed or replayed write, swept when orphaned; reviews that reject.

use bytes::Bytes;
use infra::audit::AuditFilter;
use infra::idempotency::IdempotencyKey;
use infra::testing::TestInfra;
use infra::{Actor, DomainError, ErrorKind, Infra, PageRequest};
use partners::Caller;
use partners::document_review::Verification;
use partners::document_service::NewDocument;
use partners::files::{DocumentStore, MAX_DOCUMENT_BYTES, ObjectKey, Upload};
use sha2::{Digest, Sha256};

use crate::support::{SELLER_DOCUMENTS, documents, fields, manager, pdf, seller, service};

fn bank_proof() -> NewDocument {
    NewDocument {
        document_type: "bank_proof".into(),
        document_number: Some("ACC-1".into()),
        ..NewDocument::default()
    }
}

fn png() -> Upload {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"\0\0\0\rIHDR-not-really-an-image");
    Upload {
        file_name: Some("scans/cheque.png".into()),
        bytes: Bytes::from(bytes),
    }
}

async fn keys(store: &DocumentStore) -> Vec<ObjectKey> {
    store.keys().await.unwrap().into_iter().map(|(k, _)| k).collect()
}

async fn uploads_read_back(t: &TestInfra, store: DocumentStore) {
    let apps = service(t).with_documents(store.clone());
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let upload = png();
    let doc = apps
        .add_document(&Caller::staff(&admin), app.id, bank_proof(), upload.clone())
        .await
        .unwrap()
        .value;
    let sha = hex::encode(Sha256::digest(&upload.bytes));
    assert_eq!(doc.sha256.as_deref(), Some(sha.as_str()));
    assert_eq!(doc.content_type.as_deref(), Some("image/png"));
    assert_eq!(doc.file_name.as_deref(), Some("cheque.png"));
    assert_eq!(doc.size_bytes, Some(upload.bytes.len() as i64));
    let (read, bytes) = apps
        .document_file(&Caller::staff(&admin), app.id, doc.id)
        .await
        .unwrap();
    assert_eq!(read, doc);
    assert_eq!(bytes, upload.bytes);
    assert_eq!(keys(&store).await, [ObjectKey::new(app.id, doc.id)]);
    let listed = apps.list_documents(&Caller::staff(&admin), app.id).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&doc));
    // A document of another application is not found through this one.
    let other = apps.start(&Caller::staff(&admin), seller(2)).await.unwrap().value;
    let err = apps
        .document_file(&Caller::staff(&admin), other.id, doc.id)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

async fn files_are_kept_on_a_local_directory(t: TestInfra) {
    let dir = tempfile::tempdir().unwrap();
    let store = DocumentStore::from_url(&format!("file://{}", dir.path().display())).unwrap();
    uploads_read_back(&t, store).await;
    let top = dir.path().join("applications");
    let apps: Vec<_> = std::fs::read_dir(&top).unwrap().collect();
    assert_eq!(apps.len(), 1);
}

async fn files_are_kept_in_memory(t: TestInfra) {
    uploads_read_back(&t, DocumentStore::memory()).await;
}

async fn uploads_are_checked_by_content_and_size(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let html = Upload {
        file_name: Some("gst.pdf".into()),
        bytes: Bytes::from_static(b"<html>not a pdf</html>"),
    };
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
    let cases = [
        html,
        Upload::default(),
        Upload {
            file_name: None,
            bytes: Bytes::from(big),
        },
    ];
    for upload in cases {
        let err = apps
            .add_document(&Caller::staff(&admin), app.id, bank_proof(), upload)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(fields(&err), ["file"]);
    }
    let both = NewDocument {
        document_type: "passport".into(),
        ..NewDocument::default()
    };
    let err = apps
        .add_document(&Caller::staff(&admin), app.id, both, Upload::default())
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["document_type", "file"]);
    assert!(keys(apps.documents()).await.is_empty());
}

async fn a_failed_or_replayed_write_leaves_no_object(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    assert_eq!(keys(apps.documents()).await.len(), 3);
    let missing = apps
        .add_document(&Caller::staff(&admin), uuid::Uuid::now_v7(), bank_proof(), png())
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    apps.submit(&Caller::staff(&admin), app.id).await.unwrap();
    apps.approve(&Caller::staff(&admin), app.id, Default::default())
        .await
        .unwrap();
    let err = apps
        .add_document(&Caller::staff(&admin), app.id, bank_proof(), png())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "application_decided");
    assert_eq!(keys(apps.documents()).await.len(), 3);
    // The same idempotency key twice: one row, one object.
    let open = apps.start(&Caller::staff(&admin), seller(2)).await.unwrap().value;
    let keyed = manager().with_idempotency(IdempotencyKey {
        key: "upload-1".into(),
        fingerprint: "f".repeat(64),
        retention: IdempotencyKey::DEFAULT_RETENTION,
        replayed: Default::default(),
    });
    let first = apps
        .add_document(&Caller::staff(&keyed), open.id, bank_proof(), png())
        .await
        .unwrap();
    let again = apps
        .add_document(&Caller::staff(&keyed), open.id, bank_proof(), png())
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.value.id, first.value.id);
    let of_open: Vec<ObjectKey> = keys(apps.documents())
        .await
        .into_iter()
        .filter(|k| k.application_id == open.id)
        .collect();
    assert_eq!(of_open, [ObjectKey::new(open.id, first.value.id)]);
}

async fn the_sweep_removes_old_orphans_only(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let live = apps
        .add_document(
            &Caller::staff(&admin),
            app.id,
            bank_proof(),
            pdf("bank.pdf", "live"),
        )
        .await
        .unwrap()
        .value;
    let orphan = ObjectKey::new(app.id, uuid::Uuid::now_v7());
    apps.documents()
        .put(&orphan, Bytes::from_static(b"%PDF-orphan"))
        .await
        .unwrap();
    assert_eq!(apps.sweep_orphans(chrono::Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(keys(apps.documents()).await.len(), 2);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(apps.sweep_orphans(chrono::Duration::zero()).await.unwrap(), 1);
    assert_eq!(keys(apps.documents()).await, [ObjectKey::new(app.id, live.id)]);
    assert_eq!(apps.sweep_orphans(chrono::Duration::zero()).await.unwrap(), 0);
}

async fn a_rejection_needs_a_reason_and_is_recorded(t: TestInfra) {
    let apps = service(&t);
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), seller(1)).await.unwrap().value;
    let doc = apps
        .add_document(&Caller::staff(&admin), app.id, bank_proof(), png())
        .await
        .unwrap()
        .value;
    for reason in [None, Some("  ".to_owned())] {
        let review = Verification {
            verified: false,
            reason,
        };
        let err = apps
            .verify_document(&Caller::staff(&admin), doc.application_id, doc.id, review)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["reason"]);
    }
    let rejected = apps
        .verify_document(
            &Caller::staff(&admin),
            doc.application_id,
            doc.id,
            Verification::reject("blurred scan"),
        )
        .await
        .unwrap()
        .value;
    assert!(!rejected.document.verified);
    assert_eq!(rejected.rejection_reason.as_deref(), Some("blurred scan"));
    let filter = AuditFilter {
        resource_type: Some("partner_document".into()),
        resource_id: Some(doc.id.to_string()),
    };
    let audit = infra::audit::list(t.db(), &Actor::system(), &filter, PageRequest::default())
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["partner_document.add", "partner_document.reject"]);
    let details = audit.items[1].details.clone().unwrap();
    assert_eq!(details["reason"], "blurred scan");
    use infra::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = infra::outbox::entity::Entity::find()
        .filter(infra::outbox::entity::Column::EventType.eq(partners::events::DOCUMENT_REJECTED))
        .all(t.db())
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["reason"], "blurred scan");
    assert_eq!(events[0].payload["child_id"], doc.id.to_string());
    let verified = apps
        .verify_document(
            &Caller::staff(&admin),
            doc.application_id,
            doc.id,
            Verification::verify(),
        )
        .await
        .unwrap()
        .value;
    assert!(verified.document.verified);
    let err = apps
        .verify_document(
            &Caller::staff(&admin),
            doc.application_id,
            doc.id,
            Verification::reject("late"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "document_verified");
}

infra::backend_tests!(
    files_are_kept_on_a_local_directory,
    files_are_kept_in_memory,
    uploads_are_checked_by_content_and_size,
    a_failed_or_replayed_write_leaves_no_object,
    the_sweep_removes_old_orphans_only,
    a_rejection_needs_a_reason_and_is_recorded,
);
