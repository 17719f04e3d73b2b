//! Document series: per document type and financial year, a prefix and a
//! counter. A series that does not reset yearly continues from the previous
//! year's series of the same type.

use chrono::{DateTime, Utc};
use infra::Validator;
use infra::numbering;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::Child;
use super::entity::document_series::{self as series, Column};
use super::entity::financial_year;
use crate::error::SettingsError;
use infra::rows::save;

/// A document series as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSeries {
    /// Id.
    pub id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// INVOICE, CONTRACT, ...
    pub document_type: String,
    /// Put before the 6-digit counter.
    pub prefix: String,
    /// The year it numbers.
    pub financial_year_id: Uuid,
    /// Whether numbering starts again each year.
    pub reset_annually: bool,
    /// The last number handed out (kept in the counter [`counter_name`]).
    pub counter: i64,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<series::Model> for DocumentSeries {
    fn from(m: series::Model) -> Self {
        Self {
            id: m.id,
            organization_id: m.organization_id,
            document_type: m.document_type,
            prefix: m.prefix,
            financial_year_id: m.financial_year_id,
            reset_annually: m.reset_annually,
            counter: 0,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The name of the counter that numbers series `id` (`document_series:{id}`).
pub fn counter_name(id: Uuid) -> String {
    format!("document_series:{id}")
}

/// A new series.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDocumentSeries {
    /// Upper snake case, such as INVOICE or CONTRACT.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z][A-Z0-9_]{0,31}$"))]
    pub document_type: String,
    /// 1..20 visible characters, such as `INV/2026-27/`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[!-~]{1,20}$"))]
    pub prefix: String,
    /// A financial year of the organization.
    pub financial_year_id: Uuid,
    /// Start again at 000001 each year (default true).
    pub reset_annually: Option<bool>,
}

/// Changes to a series.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDocumentSeries {
    /// New prefix (numbers already given keep theirs).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[!-~]{1,20}$"))]
    pub prefix: Option<String>,
    /// New reset rule.
    pub reset_annually: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// Whether `t` names a document type (upper snake case, up to 32 characters).
pub fn is_document_type(t: &str) -> bool {
    crate::capabilities::is_code(t) && t.len() <= 32
}

fn check_prefix(v: &mut Validator, prefix: &str) {
    let ok = (1..=20).contains(&prefix.chars().count()) && prefix.chars().all(|c| c.is_ascii_graphic());
    v.check(
        ok,
        "prefix",
        "must be 1 to 20 visible ASCII characters, such as INV/2026-27/",
    );
}

/// Document series as an organization child.
pub struct DocumentSeriesChild;

impl Child for DocumentSeriesChild {
    type Parent = super::OrganizationParent;
    const SEGMENT: &'static str = "document-series";
    const RESOURCE: &'static str = "document_series";
    const EVENT: &'static str = "OrganizationDocumentSeries";
    type Entity = series::Entity;
    type View = DocumentSeries;
    type Create = CreateDocumentSeries;
    type Update = UpdateDocumentSeries;

    fn based_on(update: &UpdateDocumentSeries) -> Option<i64> {
        update.version
    }

    fn id(view: &DocumentSeries) -> Uuid {
        view.id
    }

    fn version(view: &DocumentSeries) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &super::entity::organization::Model,
        input: CreateDocumentSeries,
    ) -> Result<DocumentSeries, SettingsError> {
        let org_id = parent.id;
        let mut v = Validator::new();
        v.check(
            is_document_type(&input.document_type),
            "document_type",
            "must be upper snake case such as INVOICE",
        );
        check_prefix(&mut v, &input.prefix);
        v.finish()?;
        let db = tx.db();
        let year = financial_year::Entity::find_by_id(input.financial_year_id)
            .one(db)
            .await?
            .filter(|y| y.organization_id == org_id)
            .ok_or_else(|| {
                SettingsError::field(
                    "financial_year_id",
                    "is not a financial year of this organization",
                )
            })?;
        let taken = series::Entity::find()
            .filter(Column::OrganizationId.eq(org_id))
            .filter(Column::DocumentType.eq(input.document_type.as_str()))
            .filter(Column::FinancialYearId.eq(year.id))
            .one(db)
            .await?;
        if taken.is_some() {
            return Err(SettingsError::Taken {
                field: "document_type",
                value: format!("{} in {}", input.document_type, year.name),
            });
        }
        let reset = input.reset_annually.unwrap_or(true);
        let previous = if reset {
            None
        } else {
            series::Entity::find()
                .filter(Column::OrganizationId.eq(org_id))
                .filter(Column::DocumentType.eq(input.document_type.as_str()))
                .order_by_desc(Column::CreatedAt)
                .one(db)
                .await?
        };
        let id = infra::ids::new_id();
        if let Some(previous) = previous {
            let name = counter_name(previous.id);
            let value = numbering::current(db, std::slice::from_ref(&name)).await?;
            numbering::set(tx, &counter_name(id), value.get(&name).copied().unwrap_or(0)).await?;
        }
        let row = series::ActiveModel {
            id: Set(id),
            organization_id: Set(org_id),
            document_type: Set(input.document_type),
            prefix: Set(input.prefix),
            financial_year_id: Set(year.id),
            reset_annually: Set(reset),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(db)
        .await?;
        Ok(row.into())
    }

    async fn complete<D: ConnectionTrait + Sync>(
        db: &D,
        views: &mut [DocumentSeries],
    ) -> Result<(), SettingsError> {
        let names: Vec<String> = views.iter().map(|v| counter_name(v.id)).collect();
        let values = numbering::current(db, &names).await?;
        for (view, name) in views.iter_mut().zip(&names) {
            view.counter = values.get(name).copied().unwrap_or(0);
        }
        Ok(())
    }

    async fn update(
        tx: &WriteTx,
        _parent: &super::entity::organization::Model,
        before: series::Model,
        input: UpdateDocumentSeries,
    ) -> Result<DocumentSeries, SettingsError> {
        let mut v = Validator::new();
        if let Some(prefix) = &input.prefix {
            check_prefix(&mut v, prefix);
        }
        v.finish()?;
        let mut next = before.clone();
        next.prefix = input.prefix.unwrap_or(next.prefix);
        next.reset_annually = input.reset_annually.unwrap_or(next.reset_annually);
        if next == before {
            return Ok(before.into());
        }
        Ok(save(tx, next).await?.into())
    }
}
