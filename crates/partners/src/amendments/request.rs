//! Requesting an amendment.

use infra::change::Change;
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    Amendment, AmendmentService, Field, NewAmendment, entity, mask, partner_for_change, reason_of, value,
};
use crate::{PARTNER_MANAGE, TOPIC, events};

fn pending(field: Field) -> ServiceError {
    ServiceError::conflict(
        "amendment_pending",
        format!(
            "an amendment of {} is pending for this partner; decide it first",
            field.as_str()
        ),
    )
}

impl<I: Infra> AmendmentService<I> {
    /// Asks for `input.field` of partner `partner_id` to become
    /// `input.new_value`, answered `pending` with the old and new value.
    /// Capability: PARTNER_MANAGE (a partner's users on their own partner
    /// only). The value is checked as at onboarding (422 naming `new_value`
    /// or `new_value.<field>`); a tax id needs `document_id` (a document of
    /// the partner of the tax id's type) and must not be another partner's
    /// (409 `tax_id_in_use`); one pending amendment per field (409
    /// `amendment_pending`). Emits PartnerAmendmentRequested.
    pub async fn request(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: NewAmendment,
    ) -> Result<Written<Amendment>, ServiceError> {
        require(actor, PARTNER_MANAGE)?;
        let field = Field::parse(input.field.trim()).ok_or_else(|| {
            ServiceError::field(
                "field",
                "must be legal_name, trade_name, gstin, pan, bank or address",
            )
        })?;
        let reason = reason_of(&input.reason)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = partner_for_change(tx, partner_id).await?;
                let open = entity::Entity::find()
                    .filter(entity::Column::PartnerId.eq(partner_id))
                    .filter(entity::Column::Field.eq(field.as_str()))
                    .filter(entity::Column::Status.eq("pending"))
                    .count(tx.db())
                    .await?;
                if open > 0 {
                    return Err(pending(field));
                }
                let today = tx.now().date_naive();
                let (_, new_value) = value::check(&partner, field, &input.new_value, today)?;
                let document_id = value::check_document(tx.db(), &partner, field, input.document_id).await?;
                value::check_unique(tx.db(), &partner, field, &new_value).await?;
                let now = tx.now();
                let row = entity::Model {
                    id: infra::ids::new_id(),
                    partner_id,
                    field: field.as_str().to_owned(),
                    old_value: value::current(&partner, field),
                    new_value,
                    reason,
                    document_id,
                    status: "pending".into(),
                    requested_by: tx.actor().user_id,
                    decided_by: None,
                    decided_at: None,
                    decision_reason: None,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                }
                .into_active_model()
                .reset_all()
                .insert(tx.db())
                .await
                .map_err(|e| match e.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => pending(field),
                    _ => ServiceError::from(e),
                })?;
                let amendment = Amendment::from(row);
                let event = Change::new(
                    TOPIC,
                    events::PARTNER_AMENDMENT_REQUESTED,
                    "partner.amendment.request",
                    "partner_amendment",
                    amendment.id,
                    amendment.version,
                );
                let payload = json!({ "partner_id": partner_id, "amendment": mask(amendment.clone()) });
                tx.record(event, payload).await?;
                Ok(amendment)
            })
        })
        .await
    }
}
