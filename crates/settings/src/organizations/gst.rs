//! GST registrations: a valid GSTIN (check digit, state from its first two
//! digits), a branch code, and one primary per organization.

use chrono::{DateTime, Utc};
use infra::Validator;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::{Child, clear_flag, is_first};
use super::entity::gst_registration::{self as gst, Column};
use crate::error::SettingsError;
use crate::tax_ids::parse_gstin;
use infra::rows::save;

/// A GST registration as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GstRegistration {
    /// Id.
    pub id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// The GSTIN, upper case.
    pub gstin: String,
    /// Its first two digits.
    pub state_code: String,
    /// The state they name.
    pub state_name: String,
    /// Branch code.
    pub branch_code: Option<String>,
    /// The organization's primary registration.
    pub is_primary: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<gst::Model> for GstRegistration {
    fn from(m: gst::Model) -> Self {
        Self {
            id: m.id,
            organization_id: m.organization_id,
            gstin: m.gstin,
            state_code: m.state_code,
            state_name: m.state_name,
            branch_code: m.branch_code,
            is_primary: m.is_primary,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new GST registration.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateGst {
    /// 15 characters with a valid check digit.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*[0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][0-9A-Za-z]{3}\s*$")
    )]
    pub gstin: String,
    /// Branch code, up to 32 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub branch_code: Option<String>,
    /// Make it the primary (the first registration always is).
    pub is_primary: Option<bool>,
}

/// Changes to a GST registration (the GSTIN itself does not change).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateGst {
    /// New branch code.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub branch_code: Option<String>,
    /// Make it the primary, or stop it being one.
    pub is_primary: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

fn check_branch(v: &mut Validator, branch: Option<&str>) {
    if let Some(b) = branch {
        v.check(
            (1..=32).contains(&b.trim().len()),
            "branch_code",
            "must be 1 to 32 characters",
        );
    }
}

/// GST registrations as an organization child.
pub struct GstRegistrations;

impl Child for GstRegistrations {
    type Parent = super::OrganizationParent;
    const SEGMENT: &'static str = "gst-registrations";
    const RESOURCE: &'static str = "organization_gst_registration";
    const EVENT: &'static str = "OrganizationGst";
    type Entity = gst::Entity;
    type View = GstRegistration;
    type Create = CreateGst;
    type Update = UpdateGst;

    fn based_on(update: &UpdateGst) -> Option<i64> {
        update.version
    }

    fn id(view: &GstRegistration) -> Uuid {
        view.id
    }

    fn version(view: &GstRegistration) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &super::entity::organization::Model,
        input: CreateGst,
    ) -> Result<GstRegistration, SettingsError> {
        let org_id = parent.id;
        let mut v = Validator::new();
        let parsed = v.take("gstin", parse_gstin(&input.gstin));
        check_branch(&mut v, input.branch_code.as_deref());
        v.finish()?;
        let Some((gstin, state)) = parsed else {
            return Err(SettingsError::field("gstin", "is not a GSTIN"));
        };
        let db = tx.db();
        if gst::Entity::find()
            .filter(Column::Gstin.eq(gstin.as_str()))
            .one(db)
            .await?
            .is_some()
        {
            return Err(SettingsError::Taken {
                field: "gstin",
                value: gstin,
            });
        }
        let first = is_first::<gst::Entity, _>(db, org_id).await?;
        let id = infra::ids::new_id();
        let primary = first || input.is_primary.unwrap_or(false);
        if primary {
            clear_flag::<gst::Entity>(tx, org_id, id, "is_primary").await?;
        }
        let row = gst::ActiveModel {
            id: Set(id),
            organization_id: Set(org_id),
            state_code: Set(gstin[..2].to_owned()),
            gstin: Set(gstin),
            state_name: Set(state.to_owned()),
            branch_code: Set(input.branch_code.map(|b| b.trim().to_owned())),
            is_primary: Set(primary),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(db)
        .await?;
        Ok(row.into())
    }

    async fn update(
        tx: &WriteTx,
        _parent: &super::entity::organization::Model,
        before: gst::Model,
        input: UpdateGst,
    ) -> Result<GstRegistration, SettingsError> {
        let mut v = Validator::new();
        check_branch(&mut v, input.branch_code.as_deref());
        v.finish()?;
        let mut next = before.clone();
        next.branch_code = input
            .branch_code
            .map(|b| b.trim().to_owned())
            .or(next.branch_code);
        next.is_primary = input.is_primary.unwrap_or(next.is_primary);
        if next == before {
            return Ok(before.into());
        }
        if next.is_primary {
            clear_flag::<gst::Entity>(tx, before.organization_id, before.id, "is_primary").await?;
        }
        Ok(save(tx, next).await?.into())
    }
}
