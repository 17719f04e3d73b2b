//! Units of measure, each a factor to its base unit (KG, METER, LITER, PIECE,
//! SQ_METER), seeded by the migration and read through the cache.

use infra::{Cache, Infra};
use rust_decimal::Decimal;
use sea_orm::{EntityTrait, QueryOrder};
use serde::{Deserialize, Serialize};

use super::entity::unit;
use crate::error::SettingsError;

/// The base units a commodity may be measured in.
pub const BASE_UNITS: [&str; 5] = ["KG", "METER", "LITER", "PIECE", "SQ_METER"];

/// How long the unit table stays cached (it changes only with a migration).
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// A unit as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Code, such as BALE.
    pub code: String,
    /// Its base unit, such as KG.
    pub base_unit: String,
    /// Base units per one of this unit, exact (BALE: 170, CANDY: 355.6222).
    #[serde(with = "rust_decimal::serde::str")]
    pub factor: Decimal,
    /// WEIGHT, PACKAGING, LENGTH, VOLUME, COUNT or AREA.
    pub category: String,
}

/// The whole unit table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units(pub Vec<Unit>);

impl Units {
    /// The unit `code`, if known.
    pub fn find(&self, code: &str) -> Option<&Unit> {
        self.0.iter().find(|u| u.code == code)
    }

    /// Loads the table through the cache.
    pub async fn load<I: Infra>(infra: &I) -> Result<Self, SettingsError> {
        let db = infra.db();
        Cache::new(infra.kv(), "units", CACHE_TTL)
            .get_or_load(
                "all",
                |_| true,
                || async move {
                    let rows = unit::Entity::find()
                        .order_by_asc(unit::Column::Code)
                        .all(db)
                        .await?;
                    let units = rows
                        .into_iter()
                        .map(|row| {
                            let factor = Decimal::from_str_exact(&row.factor).map_err(|_| {
                                SettingsError::Infra(infra::InfraError::Invariant(
                                    "a unit factor is not a decimal",
                                ))
                            })?;
                            Ok(Unit {
                                code: row.code,
                                base_unit: row.base_unit,
                                factor,
                                category: row.category,
                            })
                        })
                        .collect::<Result<Vec<_>, SettingsError>>()?;
                    Ok(Self(units))
                },
            )
            .await
    }
}
