//! Document numbers: PREFIX + 6-digit counter, never a gap or a duplicate.
//! Each series' counter is the kit's named counter [`counter_name`]
//! ([`infra::numbering`]), moved on inside the write, so concurrent callers
//! queue on its row lock (PostgreSQL) or the write lock (SQLite) and a
//! rolled-back write gives its number back.

use infra::write::write;
use infra::{Actor, Infra, Written};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DOCUMENT_NUMBER_ISSUE;
use super::access::for_change;
use super::entity::{document_series, financial_year};
use super::series::{counter_name, is_document_type};
use crate::error::SettingsError;

/// A number handed out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentNumber {
    /// PREFIX + 6-digit zero-padded counter, such as `INV/000001`.
    pub number: String,
    /// The document type.
    pub document_type: String,
    /// The counter value.
    pub sequence: i64,
    /// The series it came from.
    pub series_id: Uuid,
    /// The financial year it belongs to.
    pub financial_year_id: Uuid,
}

/// Formats `prefix` and `counter` as a document number.
pub fn format_number(prefix: &str, counter: i64) -> String {
    format!("{prefix}{counter:06}")
}

/// Hands out the next number of `document_type` in the organization's active
/// financial year. 409 names what is missing: the active year or the series.
pub async fn next_number<I: Infra>(
    infra: &I,
    actor: &Actor,
    org_id: Uuid,
    document_type: &str,
) -> Result<Written<DocumentNumber>, SettingsError> {
    if !is_document_type(document_type) {
        return Err(SettingsError::field(
            "doc_type",
            "must be upper snake case such as INVOICE",
        ));
    }
    let document_type = document_type.to_owned();
    write(infra, actor, move |tx| {
        Box::pin(async move {
            for_change(tx, DOCUMENT_NUMBER_ISSUE, org_id).await?;
            let db = tx.db();
            let year = financial_year::Entity::find()
                .filter(financial_year::Column::OrganizationId.eq(org_id))
                .filter(financial_year::Column::IsActive.eq(true))
                .one(db)
                .await?
                .ok_or_else(|| {
                    SettingsError::conflict(
                        "no_active_financial_year",
                        "the organization has no active financial year; create one with is_active: true",
                    )
                })?;
            let series = document_series::Entity::find()
                .filter(document_series::Column::OrganizationId.eq(org_id))
                .filter(document_series::Column::DocumentType.eq(document_type.as_str()))
                .filter(document_series::Column::FinancialYearId.eq(year.id))
                .one(db)
                .await?
                .ok_or_else(|| {
                    SettingsError::conflict(
                        "no_document_series",
                        format!(
                            "there is no {document_type} document series for {}; create one first",
                            year.name
                        ),
                    )
                })?;
            let counter = infra::numbering::next(tx, &counter_name(series.id)).await?;
            let issued = DocumentNumber {
                number: format_number(&series.prefix, counter),
                document_type: document_type.clone(),
                sequence: counter,
                series_id: series.id,
                financial_year_id: year.id,
            };
            let details = serde_json::to_value(&issued)?;
            tx.audit(
                "document_number.issue",
                "document_series",
                &series.id.to_string(),
                Some(details),
            )
            .await?;
            Ok(issued)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_zero_padded() {
        assert_eq!(super::format_number("INV/", 1), "INV/000001");
        assert_eq!(super::format_number("C-", 123_456), "C-123456");
    }
}
