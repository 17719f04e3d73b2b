//! Approved partners as records: `partners` gain a rate-limit tier (FREE,
//! BASIC, PREMIUM, ENTERPRISE; default BASIC, the tier of partner users until one is set), a maximum number of employees
//! (default 2) and the facts of a suspension (reason, time, who). On
//! PostgreSQL `users.partner_id` references `partners` from now on; SQLite
//! cannot add a foreign key to an existing table, so the user service's
//! check stands alone there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000013_partner_records"
    }
}

const FK_NAME: &str = "fk_users_partner";

fn columns() -> Vec<ColumnDef> {
    let col = |name: &str| ColumnDef::new(Alias::new(name));
    vec![
        col("rate_limit_tier")
            .string_len(16)
            .not_null()
            .default("BASIC")
            .check(Expr::cust(
                "rate_limit_tier IN ('FREE','BASIC','PREMIUM','ENTERPRISE')",
            ))
            .to_owned(),
        col("max_employees")
            .integer()
            .not_null()
            .default(2)
            .check(Expr::cust("max_employees >= 0"))
            .to_owned(),
        col("suspended_reason").text().null().to_owned(),
        col("suspended_at").timestamp_with_time_zone().null().to_owned(),
        col("suspended_by").uuid().null().to_owned(),
    ]
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_partners_status ON partners (status)",
    "CREATE INDEX ix_partners_updated_at ON partners (updated_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("partners"))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(&format!(
                "ALTER TABLE users ADD CONSTRAINT {FK_NAME} FOREIGN KEY (partner_id) REFERENCES partners (id)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(&format!("ALTER TABLE users DROP CONSTRAINT {FK_NAME}"))
                .await?;
        }
        db.execute_unprepared("DROP INDEX ix_partners_updated_at").await?;
        db.execute_unprepared("DROP INDEX ix_partners_status").await?;
        for column in columns().iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("partners"))
                        .drop_column(Alias::new(column.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
