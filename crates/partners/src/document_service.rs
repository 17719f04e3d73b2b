//! Document metadata of an application (type, number, issue and expiry
//! dates) and staff verification. The file itself (PDF, JPEG or PNG checked
//! by content, at most 5 MiB, SHA-256 kept) arrives with the upload, which
//! fills `file_name`, `content_type`, `size_bytes` and `sha256` of the same
//! row; here only the metadata is recorded.

use chrono::NaiveDate;
use infra::rows::save;
use infra::write::write;
use infra::{Infra, ServiceError, Validator, Written};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Caller, Scope};
use crate::decisions::auto_approve_if_ready;
use crate::entity::document;
use crate::model::Application;
use crate::service::{ApplicationService, change, for_change, status_of};
use crate::types::DocumentType;
use crate::validate::normalize_vehicle;
use crate::{PARTNER_MANAGE, PARTNER_ONBOARD, events};

/// A document's metadata.
#[derive(Clone, Debug, Default, Deserialize)]
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
pub struct Document {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// Its type.
    pub document_type: String,
    /// Its number.
    pub document_number: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
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
            document_type: m.document_type,
            document_number: m.document_number,
            issued_on: m.issued_on,
            expires_on: m.expires_on,
            verified: m.verified,
            version: m.version,
        }
    }
}

/// What verifying a document did: the document, and the application approved
/// automatically if that was the last required document of a low-risk one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    /// The document, verified.
    pub document: Document,
    /// The decision an automatic approval made.
    pub approval: Option<crate::model::Decision>,
}

impl NewDocument {
    fn validate(mut self) -> Result<(DocumentType, Self), ServiceError> {
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
        v.finish()?;
        Ok((kind.unwrap_or(DocumentType::BankProof), self))
    }
}

impl<I: Infra> ApplicationService<I> {
    /// Records a document's metadata on an open application (staff with
    /// PARTNER_ONBOARD, or its applicant).
    pub async fn add_document(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        input: NewDocument,
    ) -> Result<Written<Document>, ServiceError> {
        caller.require(PARTNER_ONBOARD)?;
        let (kind, input) = input.validate()?;
        let scope = caller.scope();
        write(&self.infra, caller.actor(), move |tx| {
            Box::pin(async move {
                let app = for_change(tx, &scope, id).await?;
                if !status_of(&app).is_open() {
                    return Err(ServiceError::conflict(
                        "application_decided",
                        "the application was decided already",
                    ));
                }
                let now = tx.now();
                let row = document::Model {
                    id: infra::ids::new_id(),
                    application_id: id,
                    partner_id: None,
                    document_type: kind.as_str().into(),
                    document_number: input.document_number,
                    issued_on: input.issued_on,
                    expires_on: input.expires_on,
                    file_name: None,
                    content_type: None,
                    size_bytes: None,
                    sha256: None,
                    verified: false,
                    verified_at: None,
                    verified_by: None,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                }
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
        .await
    }

    /// Marks a document verified (PARTNER_MANAGE); verifying the last
    /// required document of a submitted low-risk application approves it in
    /// the same transaction. A document verified already is 409.
    pub async fn verify_document(
        &self,
        caller: &Caller<'_>,
        document_id: Uuid,
    ) -> Result<Written<Verified>, ServiceError> {
        let Caller::Staff(actor) = caller else {
            return Err(ServiceError::Forbidden(PARTNER_MANAGE.into()));
        };
        infra::service_error::require(actor, PARTNER_MANAGE)?;
        let service = self.clone();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let found = document::Entity::find_by_id(document_id)
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("document"))?;
                let app = for_change(tx, &Scope::default(), found.application_id).await?;
                let mut query = document::Entity::find_by_id(document_id);
                if tx.db().get_database_backend() == sea_orm::DbBackend::Postgres {
                    query = query.lock_exclusive();
                }
                let before = query
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("document"))?;
                if before.verified {
                    return Err(ServiceError::conflict(
                        "document_verified",
                        "the document was verified already",
                    ));
                }
                let mut next = before;
                next.verified = true;
                next.verified_at = Some(tx.now());
                next.verified_by = tx.actor().user_id;
                let doc = Document::from(save(tx, next).await?);
                let view = Application::from(app.clone());
                tx.record(
                    change(events::DOCUMENT_VERIFIED, "partner_document.verify", &view)
                        .on("partner_document", doc.id),
                    json!({ "id": view.id, "child_id": doc.id, "child_version": doc.version,
                            "document_type": &doc.document_type }),
                )
                .await?;
                let approval = auto_approve_if_ready(tx, &app, service.today(tx.now())).await?;
                Ok(Verified {
                    document: doc,
                    approval,
                })
            })
        })
        .await
    }
}
