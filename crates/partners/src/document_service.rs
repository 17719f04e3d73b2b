//! Adding a document to an application: its metadata (type, number, issue
//! and expiry dates) and its file (PDF, JPEG or PNG by content, at most
//! 5 MiB, SHA-256 kept; see [`crate::files`]). Verification is in
//! [`crate::document_review`], reading in [`crate::document_files`].
//!
//! The file is written to the [`DocumentStore`](crate::files::DocumentStore)
//! first, under the fresh document's id, then the row in one write. A write
//! that fails or rolls back deletes the object again (best effort, logged;
//! what is left is an orphan the sweep removes), and so does an idempotent
//! replay, which answers the document stored the first time.

use chrono::NaiveDate;
use infra::write::write;
use infra::{Infra, ServiceError, Validator, Written};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::Caller;
use crate::entity::document;
use crate::files::{FileFacts, ObjectKey, Upload, file_facts};
use crate::model::Application;
use crate::service::{ApplicationService, change, for_change, status_of};
use crate::types::DocumentType;
use crate::validate::normalize_vehicle;
use crate::{PARTNER_ONBOARD, events};

/// A document's metadata.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// gst_certificate, pan_card, iec, bank_proof, cancelled_cheque, vehicle_rc or foreign_tax_id.
    pub document_type: String,
    /// The number on it; a vehicle_rc's is the vehicle registration (required there).
    pub document_number: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date (not before the issue date).
    pub expires_on: Option<NaiveDate>,
}

/// A document as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The KYC renewal it was filed for; none for the application's own.
    pub renewal_id: Option<Uuid>,
    /// Its type.
    pub document_type: String,
    /// Its number.
    pub document_number: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
    /// The file name the uploader gave.
    pub file_name: Option<String>,
    /// `application/pdf`, `image/jpeg` or `image/png`, found by content.
    pub content_type: Option<String>,
    /// The file's size in bytes.
    pub size_bytes: Option<i64>,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: Option<String>,
    /// Verified by staff.
    pub verified: bool,
    /// Version.
    pub version: i64,
}

impl From<document::Model> for Document {
    fn from(m: document::Model) -> Self {
        Self {
            id: m.id,
            application_id: m.application_id,
            renewal_id: m.renewal_id,
            document_type: m.document_type,
            document_number: m.document_number,
            issued_on: m.issued_on,
            expires_on: m.expires_on,
            file_name: m.file_name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            verified: m.verified,
            version: m.version,
        }
    }
}

impl NewDocument {
    /// The checked metadata and what to record of `upload`, every broken
    /// rule named at once (`file` for the upload).
    pub(crate) fn validate(
        mut self,
        upload: &Upload,
    ) -> Result<(DocumentType, Self, FileFacts), ServiceError> {
        let mut v = Validator::new();
        let kind = DocumentType::parse(self.document_type.trim());
        v.check(
            kind.is_some(),
            "document_type",
            &format!("must be {}", DocumentType::choices()),
        );
        self.document_number = self
            .document_number
            .map(|n| n.trim().to_ascii_uppercase())
            .filter(|n| !n.is_empty());
        if kind == Some(DocumentType::VehicleRc) {
            let vehicle = self.document_number.as_deref().and_then(normalize_vehicle);
            v.check(
                vehicle.is_some(),
                "document_number",
                "must be the vehicle's registration number",
            );
            self.document_number = vehicle;
        }
        if let Some(n) = &self.document_number {
            v.check(n.len() <= 64, "document_number", "must be at most 64 characters");
        }
        if let (Some(issued), Some(expires)) = (self.issued_on, self.expires_on) {
            v.check(issued <= expires, "expires_on", "must not be before issued_on");
        }
        let facts = v.take("file", file_facts(upload));
        v.finish()?;
        match (kind, facts) {
            (Some(kind), Some(facts)) => Ok((kind, self, facts)),
            _ => Err(ServiceError::field("file", "must be a PDF, JPEG or PNG file")),
        }
    }
}

/// The row of new document `id` of application `application_id`: its
/// metadata and file facts, unverified, neither a partner's nor a renewal's.
pub(crate) fn new_row(
    id: Uuid,
    application_id: Uuid,
    kind: DocumentType,
    input: NewDocument,
    facts: FileFacts,
    now: chrono::DateTime<chrono::Utc>,
) -> document::Model {
    document::Model {
        id,
        application_id,
        partner_id: None,
        document_type: kind.as_str().into(),
        document_number: input.document_number,
        issued_on: input.issued_on,
        expires_on: input.expires_on,
        file_name: facts.file_name,
        content_type: Some(facts.content_type.mime().into()),
        size_bytes: Some(facts.size_bytes),
        sha256: Some(facts.sha256),
        verified: false,
        verified_at: None,
        verified_by: None,
        renewal_id: None,
        lapsed_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

impl<I: Infra> ApplicationService<I> {
    /// Adds a document with its file to an open application (staff with
    /// PARTNER_ONBOARD, or its applicant): 422 naming `file` when the upload
    /// is empty, over 5 MiB or not a PDF, JPEG or PNG by content; 409
    /// `application_decided` once decided. The file is stored under
    /// `applications/{application_id}/{document_id}`; no object outlives a
    /// write that failed.
    pub async fn add_document(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        input: NewDocument,
        upload: Upload,
    ) -> Result<Written<Document>, ServiceError> {
        caller.require(PARTNER_ONBOARD)?;
        let (kind, input, facts) = input.validate(&upload)?;
        let document_id = infra::ids::new_id();
        let key = ObjectKey::new(id, document_id);
        self.documents.put(&key, upload.bytes).await?;
        let scope = caller.scope();
        let written = write(&self.infra, caller.actor(), move |tx| {
            Box::pin(async move {
                let app = for_change(tx, &scope, id).await?;
                if !status_of(&app).is_open() {
                    return Err(ServiceError::conflict(
                        "application_decided",
                        "the application was decided already",
                    ));
                }
                let row = new_row(document_id, id, kind, input, facts, tx.now())
                    .into_active_model()
                    .reset_all()
                    .insert(tx.db())
                    .await?;
                let doc = Document::from(row);
                let view = Application::from(app);
                tx.record(
                    change(events::DOCUMENT_ADDED, "partner_document.add", &view)
                        .on("partner_document", doc.id),
                    json!({ "id": id, "child_id": doc.id, "child_version": doc.version, "document": &doc }),
                )
                .await?;
                Ok(doc)
            })
        })
        .await;
        self.settle(&written, &key).await;
        written
    }

    /// After the write of document `key.document_id`: its file goes when a
    /// replay answered another document or the write failed without its row.
    pub(crate) async fn settle<T>(&self, written: &Result<Written<Document>, T>, key: &ObjectKey) {
        match written {
            Ok(w) if w.replayed && w.value.id != key.document_id => self.discard(key).await,
            Ok(_) => {}
            Err(_) => self.discard_unless_kept(key).await,
        }
    }

    /// Deletes the object under `key`, logging a failure (the sweep removes it later).
    pub(crate) async fn discard(&self, key: &ObjectKey) {
        if let Err(e) = self.documents.delete(key).await {
            tracing::warn!(key = %key, error = %e, "document file not deleted; the orphan sweep will remove it");
        }
    }

    /// After a failed write: deletes the object under `key` unless its row
    /// exists after all (a commit whose answer was lost). When that cannot be
    /// told, the object stays for the sweep, which checks again.
    pub(crate) async fn discard_unless_kept(&self, key: &ObjectKey) {
        match document::Entity::find_by_id(key.document_id)
            .one(self.infra.db())
            .await
        {
            Ok(None) => self.discard(key).await,
            Ok(Some(_)) => {}
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "document row not checked; the orphan sweep will decide");
            }
        }
    }
}
