//! The exposure monitor: every partner (a partner's own user: its own) with
//! its buyer-side utilisation, band and severity, filtered by band and sorted
//! by utilisation, highest first; and one partner's whole risk picture.
//! Capability RISK_READ.

pub mod recent;

use infra::service_error::require;
use infra::{Actor, Infra, Page, PageRequest, ServiceError, ValidationError};
use partners::entity::partner;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use recent::AssessmentSummary;

use crate::RISK_READ;
use crate::exposure::entity::exposure;
use crate::exposure::{Band, Entry, PartnerExposure, view};
use crate::performance::{self, Performance};
use crate::service::{LedgerService, reach};

/// One partner on the monitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitorRow {
    /// The partner's code.
    pub code: String,
    /// Its legal name.
    pub legal_name: String,
    /// Its exposure.
    #[serde(flatten)]
    pub exposure: PartnerExposure,
}

/// One page of ledger entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryPage {
    /// The entries.
    pub items: Vec<Entry>,
    /// Pass as `entries_cursor` for older entries; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One partner's risk picture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerRisk {
    /// The partner's code.
    pub code: String,
    /// Its legal name.
    pub legal_name: String,
    /// Its exposure.
    #[serde(flatten)]
    pub exposure: PartnerExposure,
    /// Its performance record (neutral values without history).
    pub performance: Performance,
    /// Its latest assessments, newest first (may be empty).
    pub assessments: Vec<AssessmentSummary>,
    /// Its ledger entries, newest first.
    pub entries: EntryPage,
}

/// The items of `rows` (already in list order) after the one with id
/// `page.after`, one page; the cursor names a partner of the list.
fn page_of(rows: Vec<MonitorRow>, page: PageRequest) -> Result<Page<MonitorRow>, ValidationError> {
    let start = match page.after {
        None => 0,
        Some(after) => {
            rows.iter()
                .position(|r| r.exposure.partner_id == after)
                .ok_or_else(|| {
                    ValidationError::field("cursor", "names no partner of this list; start again without it")
                })?
                + 1
        }
    };
    let rows = rows.into_iter().skip(start).take(page.fetch() as usize).collect();
    Ok(Page::from_rows(rows, page, |r| r.exposure.partner_id))
}

impl<I: Infra> LedgerService<I> {
    /// The monitor: partners by buyer-side utilisation, highest first (ties
    /// by id), only those in `band` when named; a partner's user sees its
    /// own partner only.
    pub async fn monitor(
        &self,
        actor: &Actor,
        band: Option<Band>,
        page: PageRequest,
    ) -> Result<Page<MonitorRow>, ServiceError> {
        require(actor, RISK_READ)?;
        let db = self.infra.db();
        let mut partners = partner::Entity::find();
        if let Some(own) = actor.partner_id {
            partners = partners.filter(partner::Column::Id.eq(own));
        }
        let partners = partners.all(db).await?;
        let exposures = exposure::Entity::find().all(db).await?;
        let utilised = |id: Uuid, side: &str| {
            exposures
                .iter()
                .find(|e| e.partner_id == id && e.side == side)
                .map_or(0, |e| e.utilised)
        };
        let mut rows: Vec<MonitorRow> = partners
            .into_iter()
            .map(|p| MonitorRow {
                exposure: PartnerExposure::of(
                    p.id,
                    p.credit_limit,
                    utilised(p.id, "buyer"),
                    utilised(p.id, "seller"),
                ),
                code: p.code,
                legal_name: p.legal_name,
            })
            .filter(|r| band.is_none_or(|b| r.exposure.band == b))
            .collect();
        rows.sort_by(|a, b| {
            b.exposure
                .utilisation
                .cmp(&a.exposure.utilisation)
                .then(a.exposure.partner_id.cmp(&b.exposure.partner_id))
        });
        Ok(page_of(rows, page)?)
    }

    /// The exposure of partner `id` (RISK_READ; 404 for a partner not reached).
    pub async fn exposure(&self, actor: &Actor, id: Uuid) -> Result<PartnerExposure, ServiceError> {
        require(actor, RISK_READ)?;
        reach(actor, id)?;
        view::load(self.infra.db(), id).await
    }

    /// The performance record of partner `id` (RISK_READ; 404 for a partner not reached).
    pub async fn performance(&self, actor: &Actor, id: Uuid) -> Result<Performance, ServiceError> {
        require(actor, RISK_READ)?;
        reach(actor, id)?;
        view::load(self.infra.db(), id).await?;
        performance::view(self.infra.db(), id).await
    }

    /// Partner `id`'s risk picture, its entries paged by `entries`
    /// (RISK_READ; 404 for a partner not reached).
    pub async fn partner(
        &self,
        actor: &Actor,
        id: Uuid,
        entries: PageRequest,
    ) -> Result<PartnerRisk, ServiceError> {
        require(actor, RISK_READ)?;
        reach(actor, id)?;
        let db = self.infra.db();
        let p = partner::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound("partner"))?;
        let (buyer, seller) = view::totals(db, id).await?;
        let page = view::entries(db, id, entries).await?;
        Ok(PartnerRisk {
            code: p.code,
            legal_name: p.legal_name,
            exposure: PartnerExposure::of(id, p.credit_limit, buyer, seller),
            performance: performance::view(db, id).await?,
            assessments: recent::recent(db, id).await?,
            entries: EntryPage {
                items: page.items,
                next_cursor: page.next_cursor,
            },
        })
    }
}
