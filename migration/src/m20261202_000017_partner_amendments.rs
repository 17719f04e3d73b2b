//! Amendments of a partner's registered facts (`partner_amendments`): the
//! field (legal_name, trade_name, gstin, pan, bank or address), its old and
//! new value, the reason and supporting document, and the decision. At most
//! one pending amendment per partner and field (a partial unique index).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000017_partner_amendments"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn table() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_amendments"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("field").string_len(20).not_null())
        .col(col("old_value").json_binary().null())
        .col(col("new_value").json_binary().not_null())
        .col(col("reason").text().not_null())
        .col(col("document_id").uuid().null())
        .col(col("status").string_len(10).not_null().default("pending"))
        .col(col("requested_by").uuid().null())
        .col(col("decided_by").uuid().null())
        .col(col("decided_at").timestamp_with_time_zone().null())
        .col(col("decision_reason").text().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(
            "field IN ('legal_name','trade_name','gstin','pan','bank','address')",
        ))
        .check(Expr::cust("status IN ('pending','approved','rejected')"))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_amendments"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_partner_amendments_partner ON partner_amendments (partner_id)",
    "CREATE UNIQUE INDEX ux_partner_amendments_pending ON partner_amendments (partner_id, field) \
     WHERE status = 'pending'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(table()).await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("partner_amendments")).to_owned())
            .await
    }
}
