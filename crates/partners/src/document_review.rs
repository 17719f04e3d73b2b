//! Staff review of a document (PARTNER_MANAGE): verify it, which may approve
//! a low-risk application whose last required document it was, or reject it
//! with a reason, recorded in the event and the audit row (the document stays
//! unverified, so the applicant adds a better one).

use infra::rows::save;
use infra::write::write;
use infra::{Infra, ServiceError, Written};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::Caller;
use crate::decisions::{auto_approve_if_ready, note};
use crate::document_service::Document;
use crate::entity::document;
use crate::model::{Application, Decision};
use crate::service::{ApplicationService, change, for_change};
use crate::{PARTNER_MANAGE, events};

/// A reviewer's decision on a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// `true` verifies the document, `false` rejects it.
    pub verified: bool,
    /// Why it is rejected (required then, at most 2000 characters); ignored when verifying.
    pub reason: Option<String>,
}

impl Verification {
    /// A verification.
    pub fn verify() -> Self {
        Self {
            verified: true,
            reason: None,
        }
    }

    /// A rejection for `reason`.
    pub fn reject(reason: impl Into<String>) -> Self {
        Self {
            verified: false,
            reason: Some(reason.into()),
        }
    }
}

/// What a review did: the document, the rejection's reason, and the
/// application approved automatically if that was the last required document
/// of a low-risk one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verified {
    /// The document as it is now.
    pub document: Document,
    /// The reason of a rejection; none when verified.
    pub rejection_reason: Option<String>,
    /// The decision an automatic approval made.
    pub approval: Option<Decision>,
}

impl<I: Infra> ApplicationService<I> {
    /// Reviews a document (PARTNER_MANAGE): `verified: true` marks it
    /// verified, and verifying the last required document of a submitted
    /// low-risk application approves it in the same transaction;
    /// `verified: false` rejects it (422 `reason` without one), leaving it
    /// unverified. A document verified already is 409 `document_verified`;
    /// one of another application (or out of reach) is 404. A partner's own
    /// users never review documents (403 `out_of_scope`), whatever they hold.
    pub async fn verify_document(
        &self,
        caller: &Caller<'_>,
        application_id: Uuid,
        document_id: Uuid,
        review: Verification,
    ) -> Result<Written<Verified>, ServiceError> {
        let Caller::Staff(actor) = caller else {
            return Err(ServiceError::Forbidden(PARTNER_MANAGE.into()));
        };
        infra::service_error::require(actor, PARTNER_MANAGE)?;
        if actor.partner_id.is_some() {
            // A partner's own admin holds PARTNER_MANAGE; reviewing its own papers is staff's.
            return Err(ServiceError::OutOfScope("documents are reviewed by staff"));
        }
        let reason = if review.verified {
            None
        } else {
            Some(note("reason", review.reason, 2000)?)
        };
        let scope = caller.scope();
        let service = self.clone();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let found = document::Entity::find_by_id(document_id)
                    .one(tx.db())
                    .await?
                    .filter(|d| d.application_id == application_id)
                    .ok_or(ServiceError::NotFound("document"))?;
                // A document of an application out of reach is not found as a document.
                let app = for_change(tx, &scope, found.application_id)
                    .await
                    .map_err(|e| match e {
                        ServiceError::NotFound(_) => ServiceError::NotFound("document"),
                        other => other,
                    })?;
                let before = infra::rows::for_update(tx, document::Entity::find_by_id(document_id))
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("document"))?;
                if before.verified {
                    return Err(ServiceError::conflict(
                        "document_verified",
                        "the document was verified already",
                    ));
                }
                let view = Application::from(app.clone());
                if let Some(reason) = reason {
                    let doc = Document::from(before);
                    tx.record(
                        change(events::DOCUMENT_REJECTED, "partner_document.reject", &view)
                            .on("partner_document", doc.id),
                        json!({ "id": view.id, "child_id": doc.id, "child_version": doc.version,
                                "document_type": &doc.document_type, "reason": &reason }),
                    )
                    .await?;
                    return Ok(Verified {
                        document: doc,
                        rejection_reason: Some(reason),
                        approval: None,
                    });
                }
                let mut next = before;
                next.verified = true;
                next.verified_at = Some(tx.now());
                next.verified_by = tx.actor().user_id;
                let doc = Document::from(save(tx, next).await?);
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
                    rejection_reason: None,
                    approval,
                })
            })
        })
        .await
    }
}
