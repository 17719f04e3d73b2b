//! A partner's places: `partner_locations` (principal, branch, warehouse,
//! factory, ginning_mill, ship_to, port, icd), each a registered settings
//! location or an address of its own, with at most one active principal per
//! partner (a partial unique index). An approval makes the principal from the
//! application's address.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000014_partner_locations"
    }
}

const LOCATION_TYPES: &str =
    "'principal','branch','warehouse','factory','ginning_mill','ship_to','port','icd'";

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn table() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_locations"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("name").string_len(200).not_null())
        .col(col("location_type").string_len(20).not_null())
        .col(col("location_id").uuid().null())
        .col(col("address").json_binary().not_null())
        .col(col("state_code").string_len(2).null())
        .col(col("latitude").double().null())
        .col(col("longitude").double().null())
        .col(col("gstin").string_len(15).null())
        .col(col("is_active").boolean().not_null().default(true))
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(format!("location_type IN ({LOCATION_TYPES})")))
        .check(Expr::cust(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
        ))
        .check(Expr::cust(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
        ))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_locations"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_partner_locations_partner ON partner_locations (partner_id)",
    "CREATE UNIQUE INDEX ux_partner_locations_principal ON partner_locations (partner_id) \
     WHERE location_type = 'principal' AND is_active",
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
            .drop_table(Table::drop().table(Alias::new("partner_locations")).to_owned())
            .await
    }
}
