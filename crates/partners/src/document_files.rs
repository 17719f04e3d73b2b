//! Reading documents and their files, and sweeping orphan files.
//!
//! A document and its file are reached only through an application the
//! caller reaches ([`crate::access`]): staff with PARTNER_READ, the applicant
//! of that application, or a user of the partner it became. Anything else,
//! including a document of another application, is 404.

use std::collections::HashSet;

use bytes::Bytes;
use chrono::Utc;
use infra::{Infra, InfraError, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::PARTNER_READ;
use crate::access::Caller;
use crate::document_service::Document;
use crate::entity::{application, document};
use crate::files::ObjectKey;
use crate::service::ApplicationService;

/// How many document ids one existence query asks about.
const SWEEP_BATCH: usize = 500;

impl<I: Infra> ApplicationService<I> {
    /// The application `id` if `caller` reaches it (PARTNER_READ for staff and partner users).
    async fn readable(&self, caller: &Caller<'_>, id: Uuid) -> Result<application::Model, ServiceError> {
        caller.require(PARTNER_READ)?;
        let row = application::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("application"))?;
        caller.reach(&row)?;
        Ok(row)
    }

    /// The documents of application `application_id`, oldest first.
    pub async fn list_documents(
        &self,
        caller: &Caller<'_>,
        application_id: Uuid,
    ) -> Result<Vec<Document>, ServiceError> {
        let app = self.readable(caller, application_id).await?;
        let rows = document::Entity::find()
            .filter(document::Column::ApplicationId.eq(app.id))
            .order_by_asc(document::Column::Id)
            .all(self.infra.db())
            .await?;
        Ok(rows.into_iter().map(Document::from).collect())
    }

    /// Document `document_id` of application `application_id` with its file's
    /// content (whose type is the document's `content_type`). 404 when either
    /// is not reached or the document carries no file; content that no longer
    /// matches its SHA-256 is an error, never served.
    pub async fn document_file(
        &self,
        caller: &Caller<'_>,
        application_id: Uuid,
        document_id: Uuid,
    ) -> Result<(Document, Bytes), ServiceError> {
        let app = self.readable(caller, application_id).await?;
        let doc = document::Entity::find_by_id(document_id)
            .filter(document::Column::ApplicationId.eq(app.id))
            .one(self.infra.db())
            .await?
            .map(Document::from)
            .ok_or(ServiceError::NotFound("document"))?;
        let Some(sha256) = doc.sha256.clone() else {
            return Err(ServiceError::NotFound("document file"));
        };
        let key = ObjectKey::new(app.id, doc.id);
        let Some(bytes) = self.documents.get(&key).await? else {
            tracing::error!(key = %key, "document file missing from the store");
            return Err(ServiceError::NotFound("document file"));
        };
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(ServiceError::Infra(InfraError::Files(format!(
                "{key} does not match its SHA-256"
            ))));
        }
        Ok((doc, bytes))
    }

    /// Deletes the document files whose document row does not exist and which
    /// were last modified more than `older_than` ago (uploads in flight are
    /// spared); answers how many were deleted. The age is measured against
    /// the wall clock, as the store stamps objects with it. Safe to run on
    /// several instances at once.
    pub async fn sweep_orphans(&self, older_than: chrono::Duration) -> Result<usize, ServiceError> {
        let cutoff = Utc::now() - older_than;
        let old: Vec<ObjectKey> = self
            .documents
            .keys()
            .await?
            .into_iter()
            .filter(|(_, modified)| *modified <= cutoff)
            .map(|(key, _)| key)
            .collect();
        let mut deleted = 0;
        for batch in old.chunks(SWEEP_BATCH) {
            let ids: Vec<Uuid> = batch.iter().map(|k| k.document_id).collect();
            let live: HashSet<Uuid> = document::Entity::find()
                .select_only()
                .column(document::Column::Id)
                .filter(document::Column::Id.is_in(ids))
                .into_tuple::<Uuid>()
                .all(self.infra.db())
                .await?
                .into_iter()
                .collect();
            for key in batch.iter().filter(|k| !live.contains(&k.document_id)) {
                match self.documents.delete(key).await {
                    Ok(()) => deleted += 1,
                    Err(e) => tracing::warn!(key = %key, error = %e, "orphan document file not deleted"),
                }
            }
        }
        if deleted > 0 {
            tracing::info!(deleted, "orphan document files deleted");
        }
        Ok(deleted)
    }
}
