//! Financial years: start before end, no overlap within an organization, one
//! active at a time (activating one deactivates the other), and updates that
//! must carry the version (a stale one is 409).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use infra::Validator;
use infra::write::WriteTx;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::{Child, clear_flag};
use super::entity::document_series;
use super::entity::financial_year::{self as year, Column};
use crate::error::SettingsError;
use infra::rows::save;

/// A financial year as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinancialYear {
    /// Id.
    pub id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// Such as FY2026-27.
    pub name: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// The organization's current year.
    pub is_active: bool,
    /// Send it back with every update.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<year::Model> for FinancialYear {
    fn from(m: year::Model) -> Self {
        Self {
            id: m.id,
            organization_id: m.organization_id,
            name: m.name,
            start_date: m.start_date,
            end_date: m.end_date,
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new financial year.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateFinancialYear {
    /// Name; `FY{start year}-{end year, two digits}` when absent.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub name: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, after the first.
    pub end_date: NaiveDate,
    /// Make it the active year.
    pub is_active: Option<bool>,
}

/// Changes to a financial year; `version` is required (or `If-Match`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateFinancialYear {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub name: Option<String>,
    /// New first day.
    pub start_date: Option<NaiveDate>,
    /// New last day.
    pub end_date: Option<NaiveDate>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

fn default_name(start: NaiveDate, end: NaiveDate) -> String {
    format!("FY{}-{:02}", start.year(), end.year().rem_euclid(100))
}

fn check(v: &mut Validator, name: Option<&str>, start: NaiveDate, end: NaiveDate) {
    if let Some(n) = name {
        v.check(
            (1..=32).contains(&n.trim().len()),
            "name",
            "must be 1 to 32 characters",
        );
    }
    v.check(start < end, "end_date", "must be after start_date");
}

/// Refuses a period overlapping another year of the organization.
async fn ensure_no_overlap<C: ConnectionTrait>(
    db: &C,
    org_id: Uuid,
    except: Option<Uuid>,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(), SettingsError> {
    let mut query = year::Entity::find()
        .filter(Column::OrganizationId.eq(org_id))
        .filter(Column::StartDate.lte(end))
        .filter(Column::EndDate.gte(start));
    if let Some(id) = except {
        query = query.filter(Column::Id.ne(id));
    }
    if let Some(other) = query.one(db).await? {
        return Err(SettingsError::conflict(
            "financial_year_overlap",
            format!(
                "{start}..{end} overlaps {} ({}..{})",
                other.name, other.start_date, other.end_date
            ),
        ));
    }
    Ok(())
}

/// Financial years as an organization child.
pub struct FinancialYears;

impl Child for FinancialYears {
    type Parent = super::OrganizationParent;
    const SEGMENT: &'static str = "financial-years";
    const RESOURCE: &'static str = "financial_year";
    const EVENT: &'static str = "OrganizationFinancialYear";
    const VERSION_RULE: infra::rows::VersionRule = infra::rows::VersionRule::Required;
    type Entity = year::Entity;
    type View = FinancialYear;
    type Create = CreateFinancialYear;
    type Update = UpdateFinancialYear;

    fn based_on(update: &UpdateFinancialYear) -> Option<i64> {
        update.version
    }

    fn id(view: &FinancialYear) -> Uuid {
        view.id
    }

    fn version(view: &FinancialYear) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &super::entity::organization::Model,
        input: CreateFinancialYear,
    ) -> Result<FinancialYear, SettingsError> {
        let org_id = parent.id;
        let mut v = Validator::new();
        check(&mut v, input.name.as_deref(), input.start_date, input.end_date);
        v.finish()?;
        ensure_no_overlap(tx.db(), org_id, None, input.start_date, input.end_date).await?;
        let id = infra::ids::new_id();
        let active = input.is_active.unwrap_or(false);
        if active {
            clear_flag::<year::Entity>(tx, org_id, id, "is_active").await?;
        }
        let row = year::ActiveModel {
            id: Set(id),
            organization_id: Set(org_id),
            name: Set(input
                .name
                .map(|n| n.trim().to_owned())
                .unwrap_or_else(|| default_name(input.start_date, input.end_date))),
            start_date: Set(input.start_date),
            end_date: Set(input.end_date),
            is_active: Set(active),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.db())
        .await?;
        Ok(row.into())
    }

    async fn update(
        tx: &WriteTx,
        _parent: &super::entity::organization::Model,
        before: year::Model,
        input: UpdateFinancialYear,
    ) -> Result<FinancialYear, SettingsError> {
        let mut next = before.clone();
        next.name = input.name.map(|n| n.trim().to_owned()).unwrap_or(next.name);
        next.start_date = input.start_date.unwrap_or(next.start_date);
        next.end_date = input.end_date.unwrap_or(next.end_date);
        next.is_active = input.is_active.unwrap_or(next.is_active);
        let mut v = Validator::new();
        check(&mut v, Some(&next.name), next.start_date, next.end_date);
        v.finish()?;
        if next == before {
            return Ok(before.into());
        }
        if (next.start_date, next.end_date) != (before.start_date, before.end_date) {
            ensure_no_overlap(
                tx.db(),
                before.organization_id,
                Some(before.id),
                next.start_date,
                next.end_date,
            )
            .await?;
        }
        if next.is_active && !before.is_active {
            clear_flag::<year::Entity>(tx, before.organization_id, before.id, "is_active").await?;
        }
        Ok(save(tx, next).await?.into())
    }

    async fn before_delete(tx: &WriteTx, view: &FinancialYear) -> Result<(), SettingsError> {
        let series = document_series::Entity::find()
            .filter(document_series::Column::FinancialYearId.eq(view.id))
            .count(tx.db())
            .await?;
        if series > 0 {
            return Err(SettingsError::conflict(
                "financial_year_in_use",
                format!("{series} document series number this year; delete them first"),
            ));
        }
        Ok(())
    }
}
