//! `GET /api/v1/partners/me` with the partner's credit: the partners
//! module's [`MeView`] and, beside its members, `credit`: the credit limit,
//! utilised per side, available, utilisation, band and severity. Every user
//! of the partner sees its own credit; no risk capability is needed for it.

use infra::{Actor, Infra, ServiceError};
use partners::me::{MeService, MeView};
use serde::Serialize;

use crate::LedgerService;
use crate::exposure::{PartnerExposure, view};

/// A partner user's own partner with its credit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerMe {
    /// The partner and what belongs to it.
    #[serde(flatten)]
    pub view: MeView,
    /// Its credit against its limit.
    pub credit: PartnerExposure,
}

impl<I: Infra> LedgerService<I> {
    /// The caller's own partner ([`MeService::view`]: staff are refused with
    /// 403 `not_a_partner_user`) with its credit.
    pub async fn me(&self, me: &MeService<I>, actor: &Actor) -> Result<PartnerMe, ServiceError> {
        let view = me.view(actor).await?;
        let credit = view::load(self.infra.db(), view.partner.id).await?;
        Ok(PartnerMe { view, credit })
    }
}
