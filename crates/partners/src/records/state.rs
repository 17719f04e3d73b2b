//! Suspending and reactivating a partner. While suspended, its users keep
//! reading and are refused writes (the server answers 403 `partner_suspended`).

use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use serde_json::json;
use uuid::Uuid;

use super::{PartnerService, change, for_change, reason_of, staff_only};
use crate::model::Partner;
use crate::{PARTNER_APPROVE, events};

impl<I: Infra> PartnerService<I> {
    /// Suspends an approved partner with a reason. Capability: PARTNER_APPROVE.
    /// 409 `partner_already_suspended` when it is, `partner_not_approved` when
    /// it is neither approved nor suspended. Emits PartnerSuspended.
    pub async fn suspend(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: String,
    ) -> Result<Written<Partner>, ServiceError> {
        require(actor, PARTNER_APPROVE)?;
        staff_only(actor)?;
        let reason = reason_of(&reason)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, id).await?;
                match before.status.as_str() {
                    "approved" => {}
                    "suspended" => {
                        return Err(ServiceError::conflict(
                            "partner_already_suspended",
                            "the partner is already suspended",
                        ));
                    }
                    other => {
                        return Err(ServiceError::conflict(
                            "partner_not_approved",
                            format!("the partner is {other}; only approved partners are suspended"),
                        ));
                    }
                }
                let mut next = before;
                next.status = "suspended".into();
                next.suspended_reason = Some(reason.clone());
                next.suspended_at = Some(tx.now());
                next.suspended_by = tx.actor().user_id;
                let partner = Partner::from(infra::rows::save(tx, next).await?);
                tx.record(
                    change(events::PARTNER_SUSPENDED, "partner.suspend", &partner),
                    json!({ "id": id, "reason": reason }),
                )
                .await?;
                Ok(partner)
            })
        })
        .await
    }

    /// Reactivates a suspended partner (approved again) with a reason.
    /// Capability: PARTNER_APPROVE. 409 `partner_not_suspended` when it is not.
    /// Emits PartnerReactivated.
    pub async fn reactivate(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: String,
    ) -> Result<Written<Partner>, ServiceError> {
        require(actor, PARTNER_APPROVE)?;
        staff_only(actor)?;
        let reason = reason_of(&reason)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, id).await?;
                if before.status != "suspended" {
                    return Err(ServiceError::conflict(
                        "partner_not_suspended",
                        format!("the partner is {}, not suspended", before.status),
                    ));
                }
                let suspended_reason = before.suspended_reason.clone();
                let mut next = before;
                next.status = "approved".into();
                next.suspended_reason = None;
                next.suspended_at = None;
                next.suspended_by = None;
                let partner = Partner::from(infra::rows::save(tx, next).await?);
                tx.record(
                    change(events::PARTNER_REACTIVATED, "partner.reactivate", &partner),
                    json!({ "id": id, "reason": reason, "suspended_reason": suspended_reason }),
                )
                .await?;
                Ok(partner)
            })
        })
        .await
    }
}
