//! The partner list as CSV: the list's filters, every matching partner the
//! caller reaches, PAN and bank account masked, formula cells guarded.

use infra::{Actor, Infra, ServiceError};
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};

use super::{PartnerFilter, PartnerService, csv, mask, require_read};
use crate::entity::partner;
use crate::model::Partner;

/// The export's columns, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "code",
    "legal_name",
    "trade_name",
    "partner_type",
    "entity_class",
    "country",
    "status",
    "kyc_status",
    "kyc_expires_on",
    "risk_category",
    "score",
    "credit_limit",
    "rate_limit_tier",
    "max_employees",
    "capabilities",
    "gstin",
    "pan",
    "bank_account_number",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "created_at",
    "updated_at",
];

/// Rows read per query while exporting.
const BATCH: u64 = 500;

/// One partner's cells, in [`COLUMNS`] order (PAN and bank account masked).
fn cells(p: Partner) -> Vec<String> {
    let p = mask::partner(p);
    let text = |v: Option<String>| v.unwrap_or_default();
    vec![
        p.id.to_string(),
        p.code,
        p.legal_name,
        text(p.trade_name),
        p.partner_type,
        p.entity_class,
        p.country,
        p.status,
        p.kyc_status,
        p.kyc_expires_on.map(|d| d.to_string()).unwrap_or_default(),
        p.risk_category,
        p.score.to_string(),
        p.credit_limit.to_string(),
        p.rate_limit_tier,
        p.max_employees.to_string(),
        p.capabilities.join(";"),
        text(p.gstin),
        text(p.pan),
        text(p.bank.map(|b| b.account_number)),
        p.contact.full_name,
        p.contact.mobile,
        text(p.contact.email),
        p.created_at.to_rfc3339(),
        p.updated_at.to_rfc3339(),
    ]
}

impl<I: Infra> PartnerService<I> {
    /// Every partner matching `filter` that `actor` reaches, as CSV text with a
    /// header line ([`COLUMNS`]); readable like the list.
    pub async fn export(&self, actor: &Actor, filter: PartnerFilter) -> Result<String, ServiceError> {
        require_read(actor)?;
        let db = self.infra.db();
        let query = filter.query(actor, db.get_database_backend())?;
        let mut out = csv::line(COLUMNS);
        let mut after = None;
        loop {
            let mut batch = query.clone().limit(BATCH);
            if let Some(after) = after {
                batch = batch.filter(partner::Column::Id.gt(after));
            }
            let rows = batch.all(db).await?;
            let done = (rows.len() as u64) < BATCH;
            after = rows.last().map(|r| r.id);
            for row in rows {
                out.push_str(&csv::line(&cells(Partner::from(row))));
            }
            if done {
                return Ok(out);
            }
        }
    }
}
