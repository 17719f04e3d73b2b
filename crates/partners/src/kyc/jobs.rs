//! The daily KYC jobs: reminders before expiry and the expiry check. Each
//! change is its own write as the system: a reminder claims its unique row
//! (a second instance or a second run finds it taken and sends nothing), an
//! expiry re-reads the partner under a lock and changes it only while its
//! KYC is still live, so each partner expires once, with one event.

use chrono::NaiveDate;
use infra::change::Change;
use infra::notify::Notification;
use infra::write::{WriteTx, write};
use infra::{Actor, DomainError, Infra, ServiceError};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::entity::reminder;
use super::{KycService, LIVE_KYC, REMINDER_DAYS, threshold};
use crate::entity::partner;
pub(crate) use crate::scope::locked;
use crate::{TOPIC, events};

/// What an expiry run changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expired {
    /// Partners whose KYC it marked expired.
    pub expired: Vec<Uuid>,
    /// Those of them it suspended.
    pub suspended: Vec<Uuid>,
}

/// The code of a change another run already made (nothing to do).
const DONE: &str = "kyc_already_done";

fn done() -> ServiceError {
    ServiceError::conflict(DONE, "already done")
}

/// The active users of partner `id`, who hear about its KYC.
async fn users_of(tx: &WriteTx, id: Uuid) -> Result<Vec<Uuid>, ServiceError> {
    use settings::users::entity::user;
    let rows = user::Entity::find()
        .filter(user::Column::PartnerId.eq(id))
        .filter(user::Column::IsActive.eq(true))
        .all(tx.db())
        .await?;
    Ok(rows.into_iter().map(|u| u.id).collect())
}

/// Whether `result` is a change another run made already.
fn skipped<T>(result: &Result<T, ServiceError>) -> bool {
    matches!(result, Err(e) if e.code() == DONE)
}

impl<I: Infra> KycService<I> {
    /// Sends the reminders due today: to each partner with a live KYC that
    /// runs out within 90 days, the tightest threshold reached (90, 60, 30 or
    /// 7 days left) unless already sent for this KYC cycle. Emits
    /// KycReminderDue (aggregate `partner_kyc_reminder`) and notifies the
    /// partner's users. Answers how many reminders went out.
    pub async fn send_reminders(&self) -> Result<u64, ServiceError> {
        let today = self.today();
        let until = today + chrono::Duration::days(REMINDER_DAYS[0]);
        let rows = partner::Entity::find()
            .filter(partner::Column::KycStatus.is_in(LIVE_KYC))
            .filter(partner::Column::KycExpiresOn.gte(today))
            .filter(partner::Column::KycExpiresOn.lte(until))
            .all(self.infra.db())
            .await?;
        let mut sent = 0;
        for row in rows {
            let Some(on) = row.kyc_expires_on else { continue };
            let days_left = (on - today).num_days();
            let Some(days_before) = threshold(days_left) else {
                continue;
            };
            let result = self.remind(row.id, row.code, on, days_left, days_before).await;
            if !skipped(&result) {
                result?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn remind(
        &self,
        id: Uuid,
        code: String,
        on: NaiveDate,
        days_left: i64,
        days_before: i64,
    ) -> Result<(), ServiceError> {
        let notifier = self.notifier.clone();
        let written = write(&self.infra, &Actor::system(), move |tx| {
            Box::pin(async move {
                let reminder_id = infra::ids::new_id();
                let row = reminder::ActiveModel {
                    id: ActiveValue::Set(reminder_id),
                    partner_id: ActiveValue::Set(id),
                    kyc_expires_on: ActiveValue::Set(on),
                    days_before: ActiveValue::Set(days_before as i32),
                    created_at: ActiveValue::Set(tx.now()),
                };
                let conflict = OnConflict::columns([
                    reminder::Column::PartnerId,
                    reminder::Column::KycExpiresOn,
                    reminder::Column::DaysBefore,
                ])
                .do_nothing()
                .to_owned();
                let inserted = reminder::Entity::insert(row)
                    .on_conflict(conflict)
                    .exec_without_returning(tx.db())
                    .await?;
                if inserted == 0 {
                    return Err(done());
                }
                let payload = json!({
                    "id": reminder_id, "partner_id": id, "code": code,
                    "kyc_expires_on": on, "days_left": days_left, "days_before": days_before,
                });
                let change = Change::new(
                    TOPIC,
                    events::KYC_REMINDER_DUE,
                    "partner.kyc_reminder",
                    "partner_kyc_reminder",
                    reminder_id,
                    1,
                );
                tx.record(change, payload.clone()).await?;
                let message =
                    format!("The KYC of {code} runs out on {on}: {days_left} days left. Please renew it.");
                let notice = Notification::new("partner.kyc_expiring", message, users_of(tx, id).await?)
                    .about("partner", id)
                    .with_data(payload);
                notifier.notify(tx, &notice).await?;
                Ok(())
            })
        })
        .await;
        written.map(|_| ())
    }

    /// Marks `expired` every live KYC whose expiry date has passed (KycExpired),
    /// and when `suspend` also suspends the approved ones among them
    /// (PartnerSuspended, reason "KYC expired"). Run twice, it changes
    /// nothing the second time.
    pub async fn expire(&self, suspend: bool) -> Result<Expired, ServiceError> {
        let today = self.today();
        let rows = partner::Entity::find()
            .filter(partner::Column::KycStatus.is_in(LIVE_KYC))
            .filter(partner::Column::KycExpiresOn.lt(today))
            .all(self.infra.db())
            .await?;
        let mut out = Expired::default();
        for row in rows {
            let result = self.expire_one(row.id, today, suspend).await;
            if skipped(&result) {
                continue;
            }
            out.expired.push(row.id);
            if result? {
                out.suspended.push(row.id);
            }
        }
        Ok(out)
    }

    /// Expires partner `id`'s KYC; answers whether it was suspended too.
    async fn expire_one(&self, id: Uuid, today: NaiveDate, suspend: bool) -> Result<bool, ServiceError> {
        let written = write(&self.infra, &Actor::system(), move |tx| {
            Box::pin(async move {
                let before = locked(tx, id).await?;
                let lapsed = before.kyc_expires_on.is_some_and(|on| on < today);
                if !LIVE_KYC.contains(&before.kyc_status.as_str()) || !lapsed {
                    return Err(done());
                }
                let previous = before.kyc_status.clone();
                let mut next = before;
                next.kyc_status = "expired".into();
                let next = infra::rows::save(tx, next).await?;
                let change = Change::new(TOPIC, events::KYC_EXPIRED, "partner.kyc_expire", "partner", id, next.version);
                let payload = json!({ "id": id, "code": next.code, "kyc_expires_on": next.kyc_expires_on, "previous": previous });
                tx.record(change, payload).await?;
                expired_suspension(tx, next, suspend, "KYC expired").await
            })
        })
        .await?;
        Ok(written.value)
    }
}

/// Suspends `row` (an approved partner) with `reason` when `suspend`; answers
/// whether it did. Emits PartnerSuspended.
pub(crate) async fn expired_suspension(
    tx: &WriteTx,
    row: partner::Model,
    suspend: bool,
    reason: &str,
) -> Result<bool, ServiceError> {
    if !suspend || row.status != "approved" {
        return Ok(false);
    }
    let id = row.id;
    let mut next = row;
    next.status = "suspended".into();
    next.suspended_reason = Some(reason.to_owned());
    next.suspended_at = Some(tx.now());
    next.suspended_by = None;
    let next = infra::rows::save(tx, next).await?;
    let change = Change::new(
        TOPIC,
        events::PARTNER_SUSPENDED,
        "partner.suspend",
        "partner",
        id,
        next.version,
    );
    tx.record(change, json!({ "id": id, "reason": reason })).await?;
    Ok(true)
}
