//! What a partner's user sees of its own partner in one read
//! (`GET /api/v1/partners/me`): the partner, its trade capabilities, its KYC
//! status and the days left, its employees, its active places and its
//! pending amendments. Staff have no partner: they are refused (403
//! `not_a_partner_user`). The view is a struct of named members so that
//! others (a `credit` member from the risk module) can be added beside them
//! without changing these.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::me::MeService;
//!
//! # async fn demo(actor: Actor) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let me = MeService::new(infra).view(&actor).await?;
//! println!("{} has {} employees", me.partner.code, me.employees.len());
//! # Ok(()) }
//! ```

use chrono::NaiveDate;
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use uuid::Uuid;

use crate::amendments::{Amendment, entity as amendment, mask};
use crate::employees::Employee;
use crate::entity::partner;
use crate::locations::PartnerLocation;
use crate::model::Partner;

/// A partner's KYC as its users see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KycView {
    /// pending, verified, expired or renewal_required.
    pub status: String,
    /// The last day the KYC holds.
    pub expires_on: Option<NaiveDate>,
    /// Days from today (business time) to `expires_on`; negative once past.
    pub days_left: Option<i64>,
}

/// Everything a partner's user sees of its partner.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeView {
    /// The partner.
    pub partner: Partner,
    /// Its trade capabilities (`domestic_buy_india`, ...).
    pub capabilities: Vec<String>,
    /// Its KYC.
    pub kyc: KycView,
    /// Its employees, oldest first.
    pub employees: Vec<Employee>,
    /// Its active places, principal first.
    pub locations: Vec<PartnerLocation>,
    /// Its pending amendments, oldest first (PAN and bank numbers masked).
    pub pending_amendments: Vec<Amendment>,
}

/// The partner's own view over any [`Infra`].
#[derive(Clone)]
pub struct MeService<I: Infra> {
    infra: I,
    time_zone: chrono_tz::Tz,
}

impl<I: Infra> MeService<I> {
    /// A service over `infra`, business dates in Asia/Kolkata.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            time_zone: chrono_tz::Asia::Kolkata,
        }
    }

    /// The same service with business dates in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// The caller's partner and what belongs to it. 403 `not_a_partner_user`
    /// for a caller without a partner (staff); 404 when the partner is gone.
    pub async fn view(&self, actor: &Actor) -> Result<MeView, ServiceError> {
        let Some(partner_id) = actor.partner_id else {
            return Err(ServiceError::refused(
                "not_a_partner_user",
                "only a partner's users have a partner; staff read partners at /api/v1/partners/{id}",
            ));
        };
        let db = self.infra.db();
        let row = partner::Entity::find_by_id(partner_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("partner"))?;
        let partner = Partner::from(row);
        let today = self
            .infra
            .clock()
            .now()
            .with_timezone(&self.time_zone)
            .date_naive();
        let kyc = KycView {
            status: partner.kyc_status.clone(),
            expires_on: partner.kyc_expires_on,
            days_left: partner.kyc_expires_on.map(|on| (on - today).num_days()),
        };
        Ok(MeView {
            capabilities: partner.capabilities.clone(),
            kyc,
            employees: crate::employees::model_of_partner(db, partner_id).await?,
            locations: crate::locations::of_partner(db, partner_id).await?,
            pending_amendments: pending(&self.infra, partner_id).await?,
            partner,
        })
    }
}

/// The pending amendments of `partner_id`, oldest first, masked.
async fn pending<I: Infra>(infra: &I, partner_id: Uuid) -> Result<Vec<Amendment>, ServiceError> {
    Ok(amendment::Entity::find()
        .filter(amendment::Column::PartnerId.eq(partner_id))
        .filter(amendment::Column::Status.eq("pending"))
        .order_by_asc(amendment::Column::Id)
        .all(infra.db())
        .await?
        .into_iter()
        .map(|r| mask(Amendment::from(r)))
        .collect())
}
