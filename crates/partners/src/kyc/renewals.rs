//! KYC renewals, by staff with PARTNER_MANAGE: start one (due in 30 days,
//! the partner's KYC `renewal_required`; one open per partner, 409
//! `kyc_renewal_open` otherwise) and complete it: `pass` verifies the KYC
//! for another year, `fail` expires it and suspends the partner.

use chrono::{Months, NaiveDate};
use infra::change::Change;
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::KycService;
use super::entity::renewal;
use super::jobs::{expired_suspension, locked};
use super::lapse::verify_filed;
use crate::{PARTNER_MANAGE, TOPIC, events};

/// Days a renewal is due in.
pub const RENEWAL_DAYS: i64 = 30;

/// A KYC renewal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Renewal {
    /// The renewal.
    pub id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// open, passed or failed.
    pub status: String,
    /// The business date it is due by.
    pub due_on: NaiveDate,
    /// The reason given at completion.
    pub reason: Option<String>,
    /// The partner's KYC status after the change.
    pub kyc_status: String,
    /// The partner's KYC expiry after the change.
    pub kyc_expires_on: Option<NaiveDate>,
    /// Whether the completion suspended the partner.
    pub suspended: bool,
}

/// How a renewal ends.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRenewal {
    /// `pass` or `fail`.
    pub result: String,
    /// Why; required (3 to 500 characters) when it fails.
    pub reason: Option<String>,
}

fn view(r: renewal::Model, p: &crate::entity::partner::Model, suspended: bool) -> Renewal {
    Renewal {
        id: r.id,
        partner_id: r.partner_id,
        status: r.status,
        due_on: r.due_on,
        reason: r.reason,
        kyc_status: p.kyc_status.clone(),
        kyc_expires_on: p.kyc_expires_on,
        suspended,
    }
}

fn staff_manager(actor: &Actor) -> Result<(), ServiceError> {
    require(actor, PARTNER_MANAGE)?;
    if actor.partner_id.is_some() {
        return Err(ServiceError::OutOfScope("KYC renewals are run by staff"));
    }
    Ok(())
}

impl<I: Infra> KycService<I> {
    /// Starts a renewal of partner `id`'s KYC, due in [`RENEWAL_DAYS`]; the
    /// KYC becomes `renewal_required`. 409 `kyc_renewal_open` when one is
    /// open. Emits KycRenewalStarted (aggregate `partner`).
    pub async fn start_renewal(&self, actor: &Actor, id: Uuid) -> Result<Written<Renewal>, ServiceError> {
        staff_manager(actor)?;
        let due_on = self.today() + chrono::Duration::days(RENEWAL_DAYS);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = locked(tx, id).await?;
                let open = renewal::Entity::find()
                    .filter(renewal::Column::PartnerId.eq(id))
                    .filter(renewal::Column::Status.eq("open"))
                    .one(tx.db())
                    .await?;
                if open.is_some() {
                    return Err(ServiceError::conflict(
                        "kyc_renewal_open",
                        "the partner has an open KYC renewal",
                    ));
                }
                let row = renewal::Model {
                    id: infra::ids::new_id(),
                    partner_id: id,
                    status: "open".into(),
                    due_on,
                    reason: None,
                    started_by: tx.actor().user_id,
                    completed_by: None,
                    completed_at: None,
                    version: 1,
                    created_at: tx.now(),
                    updated_at: tx.now(),
                };
                let row = row.into_active_model().reset_all().insert(tx.db()).await?;
                let previous = before.kyc_status.clone();
                let mut next = before;
                next.kyc_status = "renewal_required".into();
                let next = infra::rows::save(tx, next).await?;
                let change = Change::new(
                    TOPIC,
                    events::KYC_RENEWAL_STARTED,
                    "partner.kyc_renewal_start",
                    "partner",
                    id,
                    next.version,
                )
                .on("partner_kyc_renewal", row.id);
                tx.record(
                    change,
                    json!({ "id": id, "renewal_id": row.id, "due_on": due_on, "previous": previous }),
                )
                .await?;
                Ok(view(row, &next, false))
            })
        })
        .await
    }

    /// Completes open renewal `renewal_id` of partner `id`: `pass` verifies
    /// the KYC until a year after its expiry and the documents filed for the
    /// renewal, adding the capabilities they give (KycRenewed), `fail` expires it
    /// and suspends the partner (KycRenewalFailed, PartnerSuspended). 422
    /// naming `result` or `reason`; 409 `kyc_renewal_closed` when it is not open.
    pub async fn complete_renewal(
        &self,
        actor: &Actor,
        id: Uuid,
        renewal_id: Uuid,
        input: CompleteRenewal,
    ) -> Result<Written<Renewal>, ServiceError> {
        staff_manager(actor)?;
        let pass = match input.result.as_str() {
            "pass" => true,
            "fail" => false,
            _ => return Err(ServiceError::field("result", "must be pass or fail")),
        };
        let reason = input
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if reason
            .as_ref()
            .is_some_and(|r| !(3..=500).contains(&r.chars().count()))
            || (!pass && reason.is_none())
        {
            return Err(ServiceError::field(
                "reason",
                "is required when it fails: 3 to 500 characters",
            ));
        }
        let today = self.today();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = locked(tx, id).await?;
                let row = renewal::Entity::find_by_id(renewal_id)
                    .one(tx.db())
                    .await?
                    .filter(|r| r.partner_id == id)
                    .ok_or(ServiceError::NotFound("kyc_renewal"))?;
                if row.status != "open" {
                    return Err(ServiceError::conflict(
                        "kyc_renewal_closed",
                        format!("the renewal is {}", row.status),
                    ));
                }
                let mut done = row.clone().into_active_model();
                done.status = ActiveValue::Set(if pass { "passed" } else { "failed" }.into());
                done.reason = ActiveValue::Set(reason.clone());
                done.completed_by = ActiveValue::Set(tx.actor().user_id);
                done.completed_at = ActiveValue::Set(Some(tx.now()));
                done.version = ActiveValue::Set(row.version + 1);
                done.updated_at = ActiveValue::Set(tx.now());
                let done = done.update(tx.db()).await?;
                let mut next = before;
                let event = if pass {
                    let from = next.kyc_expires_on.unwrap_or(today);
                    next.kyc_expires_on = from.checked_add_months(Months::new(12));
                    next.kyc_status = "verified".into();
                    next.capabilities = json!(verify_filed(tx, &next, renewal_id, today).await?);
                    events::KYC_RENEWED
                } else {
                    next.kyc_status = "expired".into();
                    events::KYC_RENEWAL_FAILED
                };
                let next = infra::rows::save(tx, next).await?;
                let change = Change::new(
                    TOPIC,
                    event,
                    "partner.kyc_renewal_complete",
                    "partner",
                    id,
                    next.version,
                )
                .on("partner_kyc_renewal", renewal_id);
                let payload = json!({ "id": id, "renewal_id": renewal_id, "result": input.result,
                    "reason": reason, "kyc_expires_on": next.kyc_expires_on });
                tx.record(change, payload).await?;
                let why = reason.clone().unwrap_or_default();
                let suspended = !pass && expired_suspension(tx, next.clone(), true, &why).await?;
                let partner = if suspended { locked(tx, id).await? } else { next };
                Ok(view(done, &partner, suspended))
            })
        })
        .await
    }
}
