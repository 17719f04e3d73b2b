//! Varieties of a commodity: a code unique per commodity, a name, and at most
//! one standard variety (the first one is).

use chrono::{DateTime, Utc};
use infra::Validator;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::{Child, CommodityParent};
use super::entity::{commodity, variety};
use crate::error::SettingsError;
use infra::rows::{clear_flag, is_first, save};

/// A variety as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variety {
    /// Id.
    pub id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// Code, such as SHANKAR6.
    pub code: String,
    /// Name.
    pub name: String,
    /// The commodity's standard variety.
    pub is_standard: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<variety::Model> for Variety {
    fn from(m: variety::Model) -> Self {
        Self {
            id: m.id,
            commodity_id: m.commodity_id,
            code: m.code,
            name: m.name,
            is_standard: m.is_standard,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new variety.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateVariety {
    /// Upper case code, unique per commodity.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z][A-Za-z0-9_]{0,31}\s*$"))]
    pub code: String,
    /// Name, 2..100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: String,
    /// Make it the standard variety (the first one always is).
    pub is_standard: Option<bool>,
}

/// Changes to a variety.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateVariety {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: Option<String>,
    /// Make it the standard variety, or stop it being one.
    pub is_standard: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

fn check_name(v: &mut Validator, name: Option<&str>) {
    if let Some(name) = name {
        v.check(
            (2..=100).contains(&name.trim().chars().count()),
            "name",
            "must be 2 to 100 characters",
        );
    }
}

/// Varieties as a commodity child.
pub struct Varieties;

impl Child for Varieties {
    type Parent = CommodityParent;
    const SEGMENT: &'static str = "varieties";
    const RESOURCE: &'static str = "commodity_variety";
    const EVENT: &'static str = "CommodityVariety";
    type Entity = variety::Entity;
    type View = Variety;
    type Create = CreateVariety;
    type Update = UpdateVariety;

    fn based_on(update: &UpdateVariety) -> Option<i64> {
        update.version
    }

    fn id(view: &Variety) -> Uuid {
        view.id
    }

    fn version(view: &Variety) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &commodity::Model,
        input: CreateVariety,
    ) -> Result<Variety, SettingsError> {
        let code = input.code.trim().to_ascii_uppercase();
        let mut v = Validator::new();
        v.check(
            crate::capabilities::is_code(&code) && code.len() <= 32,
            "code",
            "must be an upper case code of at most 32 characters, such as SHANKAR6",
        );
        check_name(&mut v, Some(&input.name));
        v.finish()?;
        let db = tx.db();
        let taken = variety::Entity::find()
            .filter(variety::Column::CommodityId.eq(parent.id))
            .filter(variety::Column::Code.eq(code.clone()))
            .one(db)
            .await?;
        if taken.is_some() {
            return Err(SettingsError::Taken {
                field: "code",
                value: code,
            });
        }
        let first = is_first::<variety::Entity, _>(db, "commodity_id", parent.id).await?;
        let id = infra::ids::new_id();
        let standard = first || input.is_standard.unwrap_or(false);
        if standard {
            clear_flag::<variety::Entity>(tx, "commodity_id", parent.id, id, "is_standard").await?;
        }
        let row = variety::ActiveModel {
            id: Set(id),
            commodity_id: Set(parent.id),
            code: Set(code),
            name: Set(input.name.trim().to_owned()),
            is_standard: Set(standard),
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
        parent: &commodity::Model,
        before: variety::Model,
        input: UpdateVariety,
    ) -> Result<Variety, SettingsError> {
        let mut v = Validator::new();
        check_name(&mut v, input.name.as_deref());
        v.finish()?;
        let mut next = before.clone();
        next.name = input.name.map_or(next.name, |n| n.trim().to_owned());
        next.is_standard = input.is_standard.unwrap_or(next.is_standard);
        if next == before {
            return Ok(before.into());
        }
        if next.is_standard {
            clear_flag::<variety::Entity>(tx, "commodity_id", parent.id, before.id, "is_standard").await?;
        }
        Ok(save(tx, next).await?.into())
    }
}
