//! Documents that run out: the trade capabilities a partner's verified
//! documents give while they are valid (DOMAIN.md: an expired IEC removes
//! import and export), the daily check that takes away what a lapsed
//! document gave, and the verification of a passed renewal's documents.
//!
//! A capability staff granted by hand stays unless the lapsed document was
//! what gave it: the check removes the difference between what the valid
//! documents gave before the lapse and after it, once per document
//! (`partner_documents.lapsed_at`), whichever instance runs it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use infra::change::Change;
use infra::rows::save;
use infra::write::{WriteTx, write};
use infra::{Actor, DomainError, Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::KycService;
use crate::amendments::value::documents_of;
use crate::documents::capabilities;
use crate::entity::{document, partner};
use crate::scope::locked;
use crate::types::{DocumentType, PartnerType};
use crate::{TOPIC, events};

/// Whether `doc` counts on `today`: verified and not past its expiry date.
pub fn valid_on(doc: &document::Model, today: NaiveDate) -> bool {
    doc.verified && doc.expires_on.is_none_or(|on| on >= today)
}

/// The capabilities `docs` of `row` give, counting those `counts` accepts.
pub fn given_by(
    row: &partner::Model,
    docs: &[document::Model],
    counts: impl Fn(&document::Model) -> bool,
) -> BTreeSet<String> {
    let kinds: Vec<DocumentType> = docs
        .iter()
        .filter(|d| counts(d))
        .filter_map(|d| DocumentType::parse(&d.document_type))
        .collect();
    let partner_type = PartnerType::parse(&row.partner_type).unwrap_or(PartnerType::Buyer);
    capabilities(partner_type, row.country == "IN", &kinds)
        .into_iter()
        .collect()
}

/// The capabilities `row` holds now.
pub fn held(row: &partner::Model) -> BTreeSet<String> {
    serde_json::from_value(row.capabilities.clone()).unwrap_or_default()
}

/// Marks the unverified documents of renewal `renewal_id` verified (a
/// passed renewal vouches for them) and answers the capabilities `row`
/// holds with what its valid documents give added.
pub(crate) async fn verify_filed(
    tx: &WriteTx,
    row: &partner::Model,
    renewal_id: Uuid,
    today: NaiveDate,
) -> Result<BTreeSet<String>, ServiceError> {
    let mut docs = Vec::new();
    for doc in documents_of(tx.db(), row).await? {
        if doc.renewal_id == Some(renewal_id) && !doc.verified {
            let mut next = doc;
            next.verified = true;
            next.verified_at = Some(tx.now());
            next.verified_by = tx.actor().user_id;
            docs.push(save(tx, next).await?);
        } else {
            docs.push(doc);
        }
    }
    let mut caps = held(row);
    caps.extend(given_by(row, &docs, |d| valid_on(d, today)));
    Ok(caps)
}

/// The code of a lapse another run made first (nothing to do).
const MARKED: &str = "document_lapsed";

/// What a lapse check changed: per partner, the capabilities taken away.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lapsed {
    /// Documents this run found past their expiry date and marked lapsed.
    pub documents: u64,
    /// Partners that lost capabilities, with the codes they lost.
    pub partners: Vec<(Uuid, Vec<String>)>,
}

impl<I: Infra> KycService<I> {
    /// Takes away what verified documents past their expiry date gave: for
    /// each such document not yet checked, the partner's capabilities lose
    /// those no valid document gives any more (PartnerCapabilitiesChanged
    /// with reason `document expired`); the document is marked lapsed.
    /// Documents of applications not approved yet wait for their partner.
    /// Run twice, it changes nothing the second time.
    pub async fn lapse_documents(&self) -> Result<Lapsed, ServiceError> {
        let today = self.today();
        let due = document::Entity::find()
            .filter(document::Column::Verified.eq(true))
            .filter(document::Column::LapsedAt.is_null())
            .filter(document::Column::ExpiresOn.lt(today))
            .all(self.infra.db())
            .await?;
        let mut out = Lapsed::default();
        for doc in due {
            let owner = match doc.partner_id {
                Some(id) => Some(id),
                None => partner::Entity::find()
                    .filter(partner::Column::ApplicationId.eq(doc.application_id))
                    .one(self.infra.db())
                    .await?
                    .map(|p| p.id),
            };
            let Some(partner_id) = owner else { continue };
            let Some(lost) = self.lapse_one(partner_id, doc.id, today).await? else {
                continue;
            };
            out.documents += 1;
            if !lost.is_empty() {
                out.partners.push((partner_id, lost));
            }
        }
        Ok(out)
    }

    /// Marks document `document_id` lapsed and takes from partner
    /// `partner_id` what it alone gave; answers the codes taken, or `None`
    /// when another run marked it first.
    async fn lapse_one(
        &self,
        partner_id: Uuid,
        document_id: Uuid,
        today: NaiveDate,
    ) -> Result<Option<Vec<String>>, ServiceError> {
        let written = write(&self.infra, &Actor::system(), move |tx| {
            Box::pin(async move {
                let row = locked(tx, partner_id).await?;
                let marked = document::Entity::update_many()
                    .col_expr(
                        document::Column::LapsedAt,
                        sea_orm::sea_query::Expr::value(tx.now()),
                    )
                    .filter(document::Column::Id.eq(document_id))
                    .filter(document::Column::LapsedAt.is_null())
                    .exec(tx.db())
                    .await?;
                if marked.rows_affected == 0 {
                    return Err(ServiceError::conflict(MARKED, "another run marked it"));
                }
                let docs = documents_of(tx.db(), &row).await?;
                let before = given_by(&row, &docs, |d| {
                    d.verified && (d.id == document_id || d.expires_on.is_none_or(|on| on >= today))
                });
                let after = given_by(&row, &docs, |d| d.id != document_id && valid_on(d, today));
                let was = held(&row);
                let lost: Vec<String> = before
                    .difference(&after)
                    .filter(|code| was.contains(*code))
                    .cloned()
                    .collect();
                if lost.is_empty() {
                    let details = json!({ "id": partner_id, "document_id": document_id, "changes": {} });
                    tx.audit(
                        "partner_document.lapse",
                        "partner_document",
                        &document_id.to_string(),
                        Some(details),
                    )
                    .await?;
                    return Ok(Some(lost));
                }
                let mut next = row;
                let kept: BTreeSet<&String> = was.iter().filter(|c| !lost.contains(c)).collect();
                next.capabilities = json!(kept);
                let next = save(tx, next).await?;
                let changes: serde_json::Map<String, serde_json::Value> =
                    lost.iter().map(|c| (c.clone(), json!(false))).collect();
                let change = Change::new(
                    TOPIC,
                    events::PARTNER_CAPABILITIES_CHANGED,
                    "partner.capabilities",
                    "partner",
                    partner_id,
                    next.version,
                )
                .on("partner_document", document_id);
                let payload = json!({ "id": partner_id, "changes": changes,
                    "reason": "document expired", "document_id": document_id });
                tx.record(change, payload).await?;
                Ok(Some(lost))
            })
        })
        .await;
        match written {
            Err(e) if e.code() == MARKED => Ok(None),
            other => Ok(other?.value),
        }
    }
}
