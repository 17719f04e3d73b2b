//! Documents of a KYC renewal: filed as for an application (type, number,
//! dates and a PDF, JPEG or PNG file of at most 5 MiB, see
//! [`crate::files`]) while the renewal is open, by staff with
//! PARTNER_MANAGE or the partner's own admin. They are the partner's
//! documents (`partner_id` and `renewal_id` set, under its application's
//! files); a renewal that passes verifies them.

use infra::change::Change;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::entity::renewal;
use crate::document_service::{Document, NewDocument, new_row};
use crate::entity::document;
use crate::files::{ObjectKey, Upload};
use crate::scope::{for_change, reach};
use crate::service::ApplicationService;
use crate::{PARTNER_MANAGE, TOPIC, events};

/// The renewal `renewal_id` of partner `partner_id`, open (404 when it is
/// another partner's, 409 `kyc_renewal_closed` once completed).
async fn open_renewal<C: sea_orm::ConnectionTrait>(
    db: &C,
    partner_id: Uuid,
    renewal_id: Uuid,
) -> Result<renewal::Model, ServiceError> {
    let row = renewal::Entity::find_by_id(renewal_id)
        .one(db)
        .await?
        .filter(|r| r.partner_id == partner_id)
        .ok_or(ServiceError::NotFound("kyc_renewal"))?;
    if row.status != "open" {
        return Err(ServiceError::conflict(
            "kyc_renewal_closed",
            format!("the renewal is {}; start a new one to file documents", row.status),
        ));
    }
    Ok(row)
}

impl<I: Infra> ApplicationService<I> {
    /// Files a document for open renewal `renewal_id` of partner
    /// `partner_id` (PARTNER_MANAGE: staff, or the partner's own admin). 422
    /// naming `file` or the metadata field that breaks a rule; 404 for a
    /// partner or renewal out of reach; 409 `kyc_renewal_closed` once the
    /// renewal is completed. Emits PartnerDocumentAdded (aggregate `partner`,
    /// `renewal_id` in the payload). The file is stored first and deleted
    /// again when the write fails or answers a replay.
    pub async fn add_renewal_document(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        renewal_id: Uuid,
        input: NewDocument,
        upload: Upload,
    ) -> Result<Written<Document>, ServiceError> {
        infra::service_error::require(actor, PARTNER_MANAGE)?;
        reach(actor, partner_id)?;
        let (kind, input, facts) = input.validate(&upload)?;
        let application_id = crate::entity::partner::Entity::find_by_id(partner_id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("partner"))?
            .application_id;
        let document_id = infra::ids::new_id();
        let key = ObjectKey::new(application_id, document_id);
        self.documents.put(&key, upload.bytes).await?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = for_change(tx, partner_id).await?;
                open_renewal(tx.db(), partner_id, renewal_id).await?;
                let row = document::Model {
                    partner_id: Some(partner_id),
                    renewal_id: Some(renewal_id),
                    ..new_row(document_id, partner.application_id, kind, input, facts, tx.now())
                }
                .into_active_model()
                .reset_all()
                .insert(tx.db())
                .await?;
                let doc = Document::from(row);
                let change = Change::new(
                    TOPIC,
                    events::DOCUMENT_ADDED,
                    "partner_document.add",
                    "partner",
                    partner_id,
                    partner.version,
                )
                .on("partner_document", doc.id);
                let payload = json!({ "partner_id": partner_id, "renewal_id": renewal_id,
                    "child_id": doc.id, "child_version": doc.version, "document": &doc });
                tx.record(change, payload).await?;
                Ok(doc)
            })
        })
        .await;
        self.settle(&written, &key).await;
        written
    }

    /// The documents filed for renewal `renewal_id` of partner `partner_id`,
    /// oldest first; readable by staff with PARTNER_READ and the partner's
    /// own users (404 for anyone else's).
    pub async fn renewal_documents(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        renewal_id: Uuid,
    ) -> Result<Vec<Document>, ServiceError> {
        if actor.partner_id.is_none() {
            infra::service_error::require(actor, crate::PARTNER_READ)?;
        }
        reach(actor, partner_id)?;
        renewal::Entity::find_by_id(renewal_id)
            .one(self.infra.db())
            .await?
            .filter(|r| r.partner_id == partner_id)
            .ok_or(ServiceError::NotFound("kyc_renewal"))?;
        let rows = document::Entity::find()
            .filter(document::Column::RenewalId.eq(renewal_id))
            .order_by_asc(document::Column::CreatedAt)
            .order_by_asc(document::Column::Id)
            .all(self.infra.db())
            .await?;
        Ok(rows.into_iter().map(Document::from).collect())
    }
}
