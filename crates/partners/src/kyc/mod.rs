//! KYC expiry: the partners whose KYC runs out within some days, reminders
//! when 90, 60, 30 or 7 days remain (once per threshold and KYC cycle, a
//! unique row in `partner_kyc_reminders`), and the daily expiry check that
//! marks a lapsed KYC `expired` (and suspends the partner when asked).
//! Business dates are in the service's time zone (default Asia/Kolkata).
//!
//! The jobs are library functions ([`KycService::send_reminders`],
//! [`KycService::expire`]), safe to run twice and from several instances.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::kyc::KycService;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let kyc = KycService::new(infra);
//! for p in kyc.expiring(&Actor::system(), 90, Default::default()).await?.items {
//!     println!("{} runs out in {} days", p.code, p.days_left);
//! }
//! let reminded = kyc.send_reminders().await?;
//! let expired = kyc.expire(false).await?;
//! println!("{reminded} reminders, {} expired", expired.expired.len());
//! # Ok(()) }
//! ```

pub mod documents;
pub mod entity;
mod jobs;
pub mod lapse;
pub mod renewals;

use chrono::NaiveDate;
use infra::notify::SharedNotifier;
use infra::paging::{Page, PageRequest};
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use jobs::Expired;

use crate::entity::partner;

/// The days before expiry at which a reminder goes out, largest first.
pub const REMINDER_DAYS: [i64; 4] = [90, 60, 30, 7];
/// The KYC statuses that still run out (verified, or a renewal under way).
pub const LIVE_KYC: [&str; 2] = ["verified", "renewal_required"];

/// A partner whose KYC runs out soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpiringPartner {
    /// The partner.
    pub id: Uuid,
    /// Its code, such as BP-IND-SEL-0001.
    pub code: String,
    /// The last business date its KYC holds.
    pub kyc_expires_on: NaiveDate,
    /// Business days from today to that date (0: it runs out today).
    pub days_left: i64,
}

/// KYC expiry over any [`Infra`].
#[derive(Clone)]
pub struct KycService<I: Infra> {
    pub(crate) infra: I,
    pub(crate) time_zone: chrono_tz::Tz,
    pub(crate) notifier: SharedNotifier,
}

impl<I: Infra> KycService<I> {
    /// A service over `infra`: business dates in Asia/Kolkata, notifications
    /// through the kit's default notifier.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            time_zone: chrono_tz::Asia::Kolkata,
            notifier: infra::notify::default_notifier(),
        }
    }

    /// The same service with business dates in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// The same service telling people through `notifier`.
    pub fn with_notifier(mut self, notifier: SharedNotifier) -> Self {
        self.notifier = notifier;
        self
    }

    /// Today's business date by the infrastructure's clock.
    pub fn today(&self) -> NaiveDate {
        self.infra
            .clock()
            .now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }

    /// The partners whose live KYC runs out within `days` (1..=365, 422
    /// naming `days` otherwise), soonest first, a page at a time (the cursor
    /// keeps the order: expiry date, then id). Staff need PARTNER_READ; a
    /// partner's users see only their own partner.
    pub async fn expiring(
        &self,
        actor: &Actor,
        days: i64,
        page: PageRequest,
    ) -> Result<Page<ExpiringPartner>, ServiceError> {
        if actor.partner_id.is_none() {
            infra::service_error::require(actor, crate::PARTNER_READ)?;
        }
        if !(1..=365).contains(&days) {
            return Err(ServiceError::field("days", "must be 1 to 365"));
        }
        let today = self.today();
        let until = today + chrono::Duration::days(days);
        let mut query = partner::Entity::find()
            .filter(partner::Column::KycStatus.is_in(LIVE_KYC))
            .filter(partner::Column::KycExpiresOn.gte(today))
            .filter(partner::Column::KycExpiresOn.lte(until))
            .order_by_asc(partner::Column::KycExpiresOn)
            .order_by_asc(partner::Column::Id)
            .limit(page.fetch());
        if let Some(own) = actor.partner_id {
            query = query.filter(partner::Column::Id.eq(own));
        }
        if let Some(after) = page.after {
            let last = partner::Entity::find_by_id(after)
                .one(self.infra.db())
                .await?
                .and_then(|p| p.kyc_expires_on)
                .ok_or_else(|| {
                    ServiceError::field(
                        "cursor",
                        "is not a cursor this list returned; start again without it",
                    )
                })?;
            query = query.filter(
                Condition::any().add(partner::Column::KycExpiresOn.gt(last)).add(
                    Condition::all()
                        .add(partner::Column::KycExpiresOn.eq(last))
                        .add(partner::Column::Id.gt(after)),
                ),
            );
        }
        let rows = query.all(self.infra.db()).await?;
        let items = rows
            .into_iter()
            .filter_map(|r| {
                let on = r.kyc_expires_on?;
                Some(ExpiringPartner {
                    id: r.id,
                    code: r.code,
                    kyc_expires_on: on,
                    days_left: (on - today).num_days(),
                })
            })
            .collect();
        Ok(Page::from_rows(items, page, |p| p.id))
    }
}

/// The tightest reminder threshold reached with `days_left` remaining, if any.
pub fn threshold(days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return None;
    }
    REMINDER_DAYS.iter().rev().copied().find(|t| days_left <= *t)
}
