//! Deciding an amendment: approval applies it to the partner in the same
//! transaction; rejection keeps the partner as it is. Each is taken once.

use infra::change::{Change, diff_of};
use infra::rows::{save, save_if_changed};
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, ServiceError, Written};
use sea_orm::EntityTrait;
use serde_json::json;
use uuid::Uuid;

use super::{Amendment, AmendmentService, Field, entity, locked, partner_for_change, reason_of, value};
use crate::documents::capabilities;
use crate::model::Partner;
use crate::records::mask;
use crate::types::{DocumentType, PartnerType};
use crate::{PARTNER_APPROVE, TOPIC, events};

/// The pending amendment `id`, locked (404, or 409 `amendment_decided`).
async fn pending_for_change(tx: &WriteTx, id: Uuid) -> Result<entity::Model, ServiceError> {
    let row = locked(tx, entity::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("amendment"))?;
    if row.status != "pending" {
        return Err(ServiceError::conflict(
            "amendment_decided",
            format!("this amendment is already {}", row.status),
        ));
    }
    Ok(row)
}

/// Marks the supporting document verified and answers the capabilities the
/// partner's verified documents give while valid (an expired one gives none).
async fn recompute(
    tx: &WriteTx,
    partner: &crate::entity::partner::Model,
    document_id: Option<Uuid>,
) -> Result<serde_json::Value, ServiceError> {
    let mut verified = Vec::new();
    for doc in value::documents_of(tx.db(), partner).await? {
        let doc = if Some(doc.id) == document_id && !doc.verified {
            let mut next = doc.clone();
            next.verified = true;
            next.verified_at = Some(tx.now());
            next.verified_by = tx.actor().user_id;
            save(tx, next).await?
        } else {
            doc
        };
        if crate::kyc::lapse::valid_on(&doc, tx.now().date_naive())
            && let Some(kind) = DocumentType::parse(&doc.document_type)
        {
            verified.push(kind);
        }
    }
    let partner_type = PartnerType::parse(&partner.partner_type).unwrap_or(PartnerType::Buyer);
    Ok(json!(capabilities(
        partner_type,
        partner.country == "IN",
        &verified
    )))
}

impl<I: Infra> AmendmentService<I> {
    /// Approves a pending amendment: the partner's field takes the new value,
    /// validated again as at onboarding (422 naming `new_value`...) and still
    /// not another partner's tax id (409 `tax_id_in_use`), its version bumped;
    /// a tax id change verifies the supporting document and recomputes the
    /// partner's capabilities. Capability: PARTNER_APPROVE, staff only (a
    /// partner's users get `out_of_scope`); 409 `amendment_decided` once
    /// decided. Emits PartnerAmendmentApproved (aggregate `partner`) with the changes.
    pub async fn approve(&self, actor: &Actor, id: Uuid) -> Result<Written<Amendment>, ServiceError> {
        crate::scope::staff_only(actor, "a partner's amendments are decided by staff")?;
        require(actor, PARTNER_APPROVE)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = pending_for_change(tx, id).await?;
                let field = Field::parse(&before.field)
                    .ok_or_else(|| ServiceError::field("field", "is not an amendable field"))?;
                let partner = partner_for_change(tx, before.partner_id).await?;
                let today = tx.now().date_naive();
                let (mut next, _) = value::check(&partner, field, &before.new_value, today)?;
                value::check_unique(tx.db(), &partner, field, &before.new_value).await?;
                if field.is_tax_id() {
                    next.capabilities = recompute(tx, &next, before.document_id).await?;
                }
                let (after, _) = save_if_changed(tx, &partner, next).await?;
                let old = mask::partner(Partner::from(partner));
                let new = Partner::from(after);
                let changes = diff_of(&old, &mask::partner(new.clone()))?;
                let mut decided = before.clone();
                decided.status = "approved".into();
                decided.decided_by = tx.actor().user_id;
                decided.decided_at = Some(tx.now());
                let amendment = Amendment::from(save(tx, decided).await?);
                let event = Change::new(
                    TOPIC,
                    events::PARTNER_AMENDMENT_APPROVED,
                    "partner.amendment.approve",
                    "partner",
                    new.id,
                    new.version,
                )
                .on("partner_amendment", amendment.id);
                let payload = json!({
                    "id": new.id, "amendment_id": amendment.id, "field": field.as_str(), "changes": changes,
                });
                tx.record(event, payload).await?;
                Ok(amendment)
            })
        })
        .await
    }

    /// Rejects a pending amendment with a reason (3..=500 characters, 422
    /// naming `reason`); the partner stays as it is. Capability:
    /// PARTNER_APPROVE, staff only; 409 `amendment_decided` once decided.
    /// Emits PartnerAmendmentRejected.
    pub async fn reject(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: String,
    ) -> Result<Written<Amendment>, ServiceError> {
        crate::scope::staff_only(actor, "a partner's amendments are decided by staff")?;
        require(actor, PARTNER_APPROVE)?;
        let reason = reason_of(&reason)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = pending_for_change(tx, id).await?;
                let mut decided = before;
                decided.status = "rejected".into();
                decided.decided_by = tx.actor().user_id;
                decided.decided_at = Some(tx.now());
                decided.decision_reason = Some(reason.clone());
                let amendment = Amendment::from(save(tx, decided).await?);
                let event = Change::new(
                    TOPIC,
                    events::PARTNER_AMENDMENT_REJECTED,
                    "partner.amendment.reject",
                    "partner_amendment",
                    amendment.id,
                    amendment.version,
                );
                let payload = json!({
                    "partner_id": amendment.partner_id, "amendment_id": amendment.id,
                    "field": &amendment.field, "reason": reason,
                });
                tx.record(event, payload).await?;
                Ok(amendment)
            })
        })
        .await
    }
}
