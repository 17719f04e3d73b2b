//! Trades (`trades`): a confirmed reservation, numbered `TRD-{year}-{6
//! digits}` gap-free per business year. Each row keeps the parties, the
//! commodity and variety, the quantity in the availability's unit, the
//! agreed price per price unit, the money (amount, GST rate and lines,
//! total; commission lines as JSON), the exposure it entered on each side,
//! the quantity it added to its requirement, the terms, the quality it was
//! confirmed at, its status (CONFIRMED, SETTLED, CANCELLED) with who and
//! when, a version and timestamps. Money and quantities are scaled by 10^4
//! and CHECKed on both backends; one trade per reservation (unique).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000028_trades"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn fk(column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new("trades"), Alias::new(column))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn money(name: &str) -> ColumnDef {
    let mut column = col(name);
    column.big_integer().not_null();
    column
}

fn trades() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("trades"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("number").string_len(20).not_null().unique_key())
        .col(col("status").string_len(10).not_null().default("CONFIRMED"))
        .col(col("reservation_id").uuid().not_null().unique_key())
        .col(col("availability_id").uuid().not_null())
        .col(col("requirement_id").uuid().null())
        .col(col("seller_partner_id").uuid().not_null())
        .col(col("buyer_partner_id").uuid().not_null())
        .col(col("commodity_id").uuid().not_null())
        .col(col("variety_id").uuid().null())
        .col(money("quantity"))
        .col(col("unit").string_len(16).not_null())
        .col(money("price"))
        .col(col("price_unit").string_len(16).not_null())
        .col(money("amount"))
        .col(money("gst_rate"))
        .col(col("supply").string_len(12).not_null())
        .col(money("cgst"))
        .col(money("sgst"))
        .col(money("igst"))
        .col(money("total"))
        .col(col("commissions").json_binary().not_null())
        .col(money("commission"))
        .col(money("buyer_exposure"))
        .col(money("seller_exposure"))
        .col(col("requirement_quantity").big_integer().null())
        .col(col("quality").json_binary().not_null())
        .col(col("payment_term_id").uuid().null())
        .col(col("delivery_term_id").uuid().null())
        .col(col("business_date").date().not_null())
        .col(col("confirmed_at").timestamp_with_time_zone().not_null())
        .col(col("confirmed_by").uuid().null())
        .col(col("settled_at").timestamp_with_time_zone().null())
        .col(col("settled_by").uuid().null())
        .col(col("cancelled_at").timestamp_with_time_zone().null())
        .col(col("cancelled_by").uuid().null())
        .col(col("cancel_reason").string_len(500).null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("quantity > 0 AND price >= 0 AND amount >= 0 AND gst_rate >= 0"))
        .check(Expr::cust("cgst >= 0 AND sgst >= 0 AND igst >= 0 AND commission >= 0"))
        .check(Expr::cust("total = amount + cgst + sgst + igst"))
        .check(Expr::cust("buyer_exposure >= 0 AND seller_exposure >= 0"))
        .check(Expr::cust("requirement_quantity IS NULL OR requirement_quantity >= 0"))
        .check(Expr::cust("status IN ('CONFIRMED','SETTLED','CANCELLED')"))
        .check(Expr::cust("supply IN ('INTRA_STATE','INTER_STATE')"))
        .check(Expr::cust(
            "(status = 'SETTLED') = (settled_at IS NOT NULL) AND (status = 'CANCELLED') = (cancelled_at IS NOT NULL)",
        ))
        .foreign_key(&mut fk("reservation_id", "reservations"))
        .foreign_key(&mut fk("availability_id", "availabilities"))
        .foreign_key(&mut fk("seller_partner_id", "partners"))
        .foreign_key(&mut fk("buyer_partner_id", "partners"))
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_trades_buyer ON trades (buyer_partner_id, id)",
    "CREATE INDEX ix_trades_seller ON trades (seller_partner_id, id)",
    "CREATE INDEX ix_trades_commodity ON trades (commodity_id, id)",
    "CREATE INDEX ix_trades_status ON trades (status, id)",
    "CREATE INDEX ix_trades_confirmed ON trades (confirmed_at)",
    "CREATE INDEX ix_trades_requirement ON trades (requirement_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(trades()).await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("trades")).to_owned())
            .await
    }
}
