//! Approved partners as records: read and list (filters, cursor), update,
//! credit limit, suspension, trade capabilities, CSV export and counts.
//!
//! Staff need PARTNER_READ to read and PARTNER_MANAGE or PARTNER_APPROVE to
//! change (per field, see [`PartnerService::update`]). A partner's own users
//! (an [`Actor`] with `partner_id`) reach only their partner: any other is
//! answered as not found, and lists hold only theirs. PAN and bank account
//! numbers are masked to their last 4 in lists and exports ([`mask`]).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig, PageRequest};
//! use partners::records::{PartnerFilter, PartnerService};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let partners = PartnerService::new(infra);
//! let filter = PartnerFilter { status: Some("approved".into()), ..PartnerFilter::default() };
//! let page = partners.list(&Actor::system(), filter, PageRequest::default()).await?;
//! for partner in page.items {
//!     let suspended = partners.suspend(&Actor::system(), partner.id, "KYC lapsed".into()).await?;
//!     println!("{} is {}", suspended.value.code, suspended.value.status);
//! }
//! # Ok(()) }
//! ```

mod capabilities;
mod changes;
pub mod csv;
mod export;
mod filter;
mod input;
mod limit_hook;
pub mod mask;
mod state;
mod stats;

use infra::change::Change;
use infra::{Actor, Infra, Page, PageRequest, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use capabilities::{Capabilities, SetCapabilities, TRADE_CAPABILITIES};
pub use filter::PartnerFilter;
pub use input::{SetCreditLimit, UpdatePartner};
pub use limit_hook::CreditLimitHook;
pub use stats::PartnerStats;

use crate::entity::partner;
use crate::model::Partner;
pub(crate) use crate::scope::{for_change, reach, reason_of};
use crate::{PARTNER_READ, TOPIC};

/// Employees a new partner may have besides its first admin.
pub const DEFAULT_MAX_EMPLOYEES: i32 = 2;

/// The rate-limit tier of a partner's users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Tier {
    /// The default.
    Free,
    /// More requests.
    Basic,
    /// More still.
    Premium,
    /// The most.
    Enterprise,
}

impl Tier {
    /// Every tier, lowest first.
    pub const ALL: &'static [Tier] = &[Tier::Free, Tier::Basic, Tier::Premium, Tier::Enterprise];

    /// The stored name (`FREE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "FREE",
            Tier::Basic => "BASIC",
            Tier::Premium => "PREMIUM",
            Tier::Enterprise => "ENTERPRISE",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }
}

/// The statuses of a partner.
pub const STATUSES: &[&str] = &["pending", "approved", "rejected", "suspended", "inactive"];
/// The KYC statuses of a partner.
pub const KYC_STATUSES: &[&str] = &["pending", "verified", "expired", "renewal_required"];

/// Approved partners over any [`Infra`].
#[derive(Clone)]
pub struct PartnerService<I: Infra> {
    infra: I,
    limit_hook: Option<std::sync::Arc<dyn CreditLimitHook>>,
}

/// The change of `partner` for its event and audit row.
fn change<'a>(event: &'a str, action: &'a str, partner: &Partner) -> Change<'a> {
    Change::new(TOPIC, event, action, "partner", partner.id, partner.version)
}

/// Refuses a caller that may not read partners: staff need PARTNER_READ; a
/// partner's users read their own partner without it.
fn require_read(actor: &Actor) -> Result<(), ServiceError> {
    if actor.partner_id.is_some() {
        return Ok(());
    }
    infra::service_error::require(actor, PARTNER_READ)
}

impl<I: Infra> PartnerService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            limit_hook: None,
        }
    }

    /// The same service calling `hook` inside every transaction that
    /// changes a credit limit.
    pub fn with_credit_limit_hook(mut self, hook: std::sync::Arc<dyn CreditLimitHook>) -> Self {
        self.limit_hook = Some(hook);
        self
    }

    /// One partner, unmasked. Staff need PARTNER_READ; a partner's users see
    /// their own only (404 for any other).
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Partner, ServiceError> {
        require_read(actor)?;
        reach(actor, id)?;
        partner::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .map(Partner::from)
            .ok_or(ServiceError::NotFound("partner"))
    }

    /// A page of partners ordered by id, by `filter`, PAN and bank account
    /// masked; a partner's users get their own partner only.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: PartnerFilter,
        page: PageRequest,
    ) -> Result<Page<Partner>, ServiceError> {
        require_read(actor)?;
        let mut query = filter
            .query(actor, self.infra.db().get_database_backend())?
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(partner::Column::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(|r| mask::partner(Partner::from(r))))
    }
}

/// Refuses a partner's own users: limits, tiers, credit, suspension and
/// capabilities are set by staff, whatever capabilities the user holds.
pub(crate) fn staff_only(actor: &Actor) -> Result<(), ServiceError> {
    crate::scope::staff_only(
        actor,
        "a partner's employee limit, tier, credit limit, suspension and capabilities are set by staff",
    )
}
