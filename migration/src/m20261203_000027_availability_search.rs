//! The availability search: `base_price`, the price per base unit (the
//! price divided by its unit's factor, rounded half away from zero to 4
//! places, scaled by 10^4; absent without a price), filled for the existing
//! rows, with the index the search cuts candidates by price with, and the
//! index of its newest-first window.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000027_availability_search"
    }
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_availabilities_base_price ON availabilities (commodity_id, status, base_price)",
    "CREATE INDEX ix_availabilities_newest ON availabilities (commodity_id, status, created_at)",
];

const INDEX_NAMES: &[&str] = &["ix_availabilities_base_price", "ix_availabilities_newest"];

/// `price` (scaled by 10^4) per base unit of a unit of `factor` (decimal
/// text), scaled by 10^4, rounded half away from zero (integer arithmetic).
fn per_base(price: i64, factor: &str) -> Option<i64> {
    let factor = factor.trim();
    let (whole, frac) = factor.split_once('.').unwrap_or((factor, ""));
    let digits = format!("{whole}{frac}");
    let mantissa: i128 = digits.parse().ok()?;
    if mantissa <= 0 || frac.len() > 18 {
        return None;
    }
    let numerator = i128::from(price) * 10_i128.pow(frac.len() as u32);
    let rounded = (2 * numerator + mantissa) / (2 * mantissa);
    <i64 as TryFrom<i128>>::try_from(rounded).ok()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("availabilities"))
                    .add_column(ColumnDef::new(Alias::new("base_price")).big_integer().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let units: Vec<(String, String)> = db
            .query_all_raw(Statement::from_string(backend, "SELECT code, factor FROM units"))
            .await?
            .into_iter()
            .map(|r| {
                Ok((
                    r.try_get::<String>("", "code")?,
                    r.try_get::<String>("", "factor")?,
                ))
            })
            .collect::<Result<_, DbErr>>()?;
        let priced = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, price, price_unit FROM availabilities \
                 WHERE price IS NOT NULL AND price_unit IS NOT NULL",
            ))
            .await?;
        for row in priced {
            let id: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
            let price: i64 = row.try_get("", "price")?;
            let unit: String = row.try_get("", "price_unit")?;
            let Some(base) = units
                .iter()
                .find(|(code, _)| *code == unit)
                .and_then(|(_, f)| per_base(price, f))
            else {
                continue;
            };
            let update = Query::update()
                .table(Alias::new("availabilities"))
                .value(Alias::new("base_price"), base)
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
        }
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in INDEX_NAMES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("availabilities"))
                    .drop_column(Alias::new("base_price"))
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::per_base;

    #[test]
    fn a_price_per_candy_becomes_a_price_per_kg() {
        assert_eq!(per_base(610_000_000, "355.6222"), Some(1_715_303));
        assert_eq!(per_base(10_000, "1"), Some(10_000));
        assert_eq!(per_base(10_000, "0"), None);
    }
}
