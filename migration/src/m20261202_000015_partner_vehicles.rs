//! A transporter's vehicles: `partner_vehicles`, the registration number in
//! upper case without spaces, unique among active vehicles, the capacity as a
//! scaled integer (4 decimal places) with its unit, the RC's expiry date.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000015_partner_vehicles"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn table() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_vehicles"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("registration_number").string_len(15).not_null())
        .col(col("vehicle_type").string_len(20).not_null())
        .col(col("capacity").big_integer().not_null())
        .col(col("capacity_unit").string_len(10).not_null())
        .col(col("rc_expires_on").date().null())
        .col(col("is_active").boolean().not_null().default(true))
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("capacity > 0"))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_vehicles"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_partner_vehicles_partner ON partner_vehicles (partner_id)",
    "CREATE UNIQUE INDEX ux_partner_vehicles_registration ON partner_vehicles (registration_number) \
     WHERE is_active",
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
            .drop_table(Table::drop().table(Alias::new("partner_vehicles")).to_owned())
            .await
    }
}
