//! Counts of partners by status, type, KYC status and risk category.

use std::collections::BTreeMap;

use infra::{Actor, Infra, ServiceError};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};

use super::{KYC_STATUSES, PartnerService, STATUSES, require_read};
use crate::entity::partner;
use crate::types::{PartnerType, RiskCategory};

/// How many partners there are, in total and by each vocabulary (every known
/// value present, zero when none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerStats {
    /// Every partner the caller reaches.
    pub total: i64,
    /// By status.
    pub by_status: BTreeMap<String, i64>,
    /// By partner type.
    pub by_partner_type: BTreeMap<String, i64>,
    /// By KYC status.
    pub by_kyc_status: BTreeMap<String, i64>,
    /// By risk category.
    pub by_risk_category: BTreeMap<String, i64>,
}

impl<I: Infra> PartnerService<I> {
    /// Counts of the partners `actor` reaches; readable like the list.
    pub async fn stats(&self, actor: &Actor) -> Result<PartnerStats, ServiceError> {
        require_read(actor)?;
        let types: Vec<&str> = PartnerType::ALL.iter().map(|t| t.as_str()).collect();
        let risks: Vec<&str> = RiskCategory::ALL.iter().map(|r| r.as_str()).collect();
        let mut stats = PartnerStats::default();
        for (column, known, counts) in [
            (partner::Column::Status, STATUSES, &mut stats.by_status),
            (
                partner::Column::PartnerType,
                &types[..],
                &mut stats.by_partner_type,
            ),
            (partner::Column::KycStatus, KYC_STATUSES, &mut stats.by_kyc_status),
            (
                partner::Column::RiskCategory,
                &risks[..],
                &mut stats.by_risk_category,
            ),
        ] {
            counts.extend(known.iter().map(|k| ((*k).to_owned(), 0)));
            let mut query = partner::Entity::find()
                .select_only()
                .column(column)
                .column_as(Expr::from(Func::count(Expr::col(partner::Column::Id))), "n")
                .group_by(column);
            if let Some(own) = actor.partner_id {
                query = query.filter(partner::Column::Id.eq(own));
            }
            let rows: Vec<(String, i64)> = query.into_tuple().all(self.infra.db()).await?;
            for (value, n) in rows {
                counts.insert(value, n);
            }
        }
        stats.total = stats.by_status.values().sum();
        Ok(stats)
    }
}
