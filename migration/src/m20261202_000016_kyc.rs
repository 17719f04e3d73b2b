//! KYC reminders: `partner_kyc_reminders`, one row per partner, KYC cycle
//! (the expiry date it warns of) and threshold (90, 60, 30 or 7 days left),
//! unique, so a reminder goes out once whichever instance runs the job and
//! however often it runs; and `partner_kyc_renewals` (open, passed or
//! failed; at most one open per partner, a partial unique index).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000016_kyc"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn table() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_kyc_reminders"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("kyc_expires_on").date().not_null())
        .col(col("days_before").integer().not_null())
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("days_before IN (90, 60, 30, 7)"))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_kyc_reminders"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn renewals() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_kyc_renewals"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("status").string_len(10).not_null())
        .col(col("due_on").date().not_null())
        .col(col("reason").text().null())
        .col(col("started_by").uuid().null())
        .col(col("completed_by").uuid().null())
        .col(col("completed_at").timestamp_with_time_zone().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("status IN ('open', 'passed', 'failed')"))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_kyc_renewals"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(table()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_partner_kyc_reminders_cycle")
                    .table(Alias::new("partner_kyc_reminders"))
                    .col(Alias::new("partner_id"))
                    .col(Alias::new("kyc_expires_on"))
                    .col(Alias::new("days_before"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_table(renewals()).await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_partner_kyc_renewals_open ON partner_kyc_renewals (partner_id) \
                 WHERE status = 'open'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["partner_kyc_renewals", "partner_kyc_reminders"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
