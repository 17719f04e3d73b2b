//! The filters of the partner list and export, validated into one query.

use chrono::{DateTime, Utc};
use infra::{Actor, ServiceError};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, QueryOrder, Select};
use serde::Deserialize;

use super::{KYC_STATUSES, STATUSES, TRADE_CAPABILITIES};
use crate::entity::partner;
use crate::types::{PartnerType, RiskCategory};

/// What the list and the export filter by; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerFilter {
    /// Partner type (`seller`, ...).
    #[serde(rename = "type")]
    pub partner_type: Option<String>,
    /// pending, approved, rejected, suspended or inactive.
    pub status: Option<String>,
    /// pending, verified, expired or renewal_required.
    pub kyc_status: Option<String>,
    /// low, medium, high or critical.
    pub risk_category: Option<String>,
    /// A trade capability the partner holds (`domestic_sell_india`, ...).
    pub capability: Option<String>,
    /// Part of the legal or trade name, the code or the GSTIN (any case).
    pub text: Option<String>,
    /// Changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

fn one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<Option<String>, ServiceError> {
    match value {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
        Some(_) => Err(ServiceError::field(
            field,
            &format!("must be one of {}", allowed.join(", ")),
        )),
    }
}

impl PartnerFilter {
    /// The partners `actor` reaches that match, ordered by id; 422 naming a bad filter.
    pub(crate) fn query(
        &self,
        actor: &Actor,
        backend: DbBackend,
    ) -> Result<Select<partner::Entity>, ServiceError> {
        let types: Vec<&str> = PartnerType::ALL.iter().map(|t| t.as_str()).collect();
        let risks: Vec<&str> = RiskCategory::ALL.iter().map(|r| r.as_str()).collect();
        let mut query = partner::Entity::find().order_by_asc(partner::Column::Id);
        if let Some(own) = actor.partner_id {
            query = query.filter(partner::Column::Id.eq(own));
        }
        if let Some(v) = one_of("type", self.partner_type.as_deref(), &types)? {
            query = query.filter(partner::Column::PartnerType.eq(v));
        }
        if let Some(v) = one_of("status", self.status.as_deref(), STATUSES)? {
            query = query.filter(partner::Column::Status.eq(v));
        }
        if let Some(v) = one_of("kyc_status", self.kyc_status.as_deref(), KYC_STATUSES)? {
            query = query.filter(partner::Column::KycStatus.eq(v));
        }
        if let Some(v) = one_of("risk_category", self.risk_category.as_deref(), &risks)? {
            query = query.filter(partner::Column::RiskCategory.eq(v));
        }
        if let Some(code) = one_of("capability", self.capability.as_deref(), TRADE_CAPABILITIES)? {
            // Codes are known words (checked above): a JSON string match is exact.
            let column = match backend {
                DbBackend::Postgres => "CAST(capabilities AS TEXT)",
                _ => "capabilities",
            };
            query = query.filter(Expr::cust(format!("{column} LIKE '%\"{code}\"%'")));
        }
        if let Some(since) = self.updated_since {
            query = query.filter(partner::Column::UpdatedAt.gte(since));
        }
        let text = self
            .text
            .as_deref()
            .map(|t| t.trim().to_lowercase().replace(['%', '_', '\\'], ""))
            .filter(|t| !t.is_empty());
        if let Some(text) = text {
            let pattern = format!("%{text}%");
            let mut any = Condition::any();
            for column in [
                partner::Column::LegalName,
                partner::Column::TradeName,
                partner::Column::Code,
                partner::Column::Gstin,
            ] {
                any = any.add(Func::lower(Expr::col(column)).like(pattern.clone()));
            }
            query = query.filter(any);
        }
        Ok(query)
    }
}
