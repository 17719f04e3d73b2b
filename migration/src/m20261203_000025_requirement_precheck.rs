//! The buyer precheck stored on a requirement as columns of its own
//! (`precheck_score`, `precheck_status` PASS / WARN / FAIL,
//! `precheck_factors`, and `precheck_value`, the trade value it was made
//! for, scaled by 10^4), replacing the free-form `precheck` JSON column; the
//! highest price per base unit (`base_max_price`, scaled by 10^4) the search
//! cuts candidates by; and the indexes of the requirement search and the
//! demand statistics (delivery locations, a settings master of few rows,
//! are read by their existing indexes).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000025_requirement_precheck"
    }
}

fn add(column: &mut ColumnDef) -> TableAlterStatement {
    Table::alter()
        .table(Alias::new("requirements"))
        .add_column(column)
        .to_owned()
}

fn drop(column: &str) -> TableAlterStatement {
    Table::alter()
        .table(Alias::new("requirements"))
        .drop_column(Alias::new(column))
        .to_owned()
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_requirements_search ON requirements (commodity_id, status, valid_until)",
    "CREATE INDEX ix_requirements_price ON requirements (commodity_id, status, base_max_price)",
    "CREATE INDEX ix_requirements_created ON requirements (commodity_id, created_at)",
];

const INDEX_NAMES: &[&str] = &[
    "ix_requirements_search",
    "ix_requirements_price",
    "ix_requirements_created",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(add(col("precheck_score").integer().null()))
            .await?;
        manager
            .alter_table(add(col("precheck_status").string_len(4).null()))
            .await?;
        manager
            .alter_table(add(col("precheck_factors").json_binary().null()))
            .await?;
        manager
            .alter_table(add(col("precheck_value").big_integer().null()))
            .await?;
        manager
            .alter_table(add(col("base_max_price").big_integer().null()))
            .await?;
        manager.alter_table(drop("precheck")).await?;
        let db = manager.get_connection();
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
            .alter_table(add(col("precheck").json_binary().null()))
            .await?;
        for column in [
            "base_max_price",
            "precheck_value",
            "precheck_factors",
            "precheck_status",
            "precheck_score",
        ] {
            manager.alter_table(drop(column)).await?;
        }
        Ok(())
    }
}
