//! Reservations (`reservations`): quantity of an availability held for a
//! buyer until `expires_at`. Each row keeps the quantity asked (`quantity`
//! in `unit`), the same quantity in the availability's unit
//! (`held_quantity`, what moved from available to reserved), the value
//! reserved as the buyer's exposure (INR), what has been given back
//! (`released_quantity`, `released_value`), the optional requirement, the
//! status (ACTIVE, RELEASED, EXPIRED, CONFIRMED), a version and timestamps;
//! all amounts scaled by 10^4 and CHECKed on both backends (nothing
//! negative, never more released than held). Indexes serve the
//! availability's reservations, a buyer's by status and the expiry job.
//! The capabilities: AVAILABILITY_RESERVE to PARTNER_EMPLOYEE; the new
//! TRADE_READ (every partner role, BACKOFFICE_STAFF), TRADE_CONFIRM
//! (PARTNER_ADMIN, BACKOFFICE_MANAGER) and TRADE_SETTLE
//! (BACKOFFICE_MANAGER), each also to PLATFORM_ADMIN.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000026_reservations"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn fk(from: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(from), Alias::new(column))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn reservations() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("reservations"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("availability_id").uuid().not_null())
        .col(col("buyer_partner_id").uuid().not_null())
        .col(col("seller_partner_id").uuid().not_null())
        .col(col("quantity").big_integer().not_null())
        .col(col("unit").string_len(16).not_null())
        .col(col("held_quantity").big_integer().not_null())
        .col(col("held_unit").string_len(16).not_null())
        .col(col("value").big_integer().not_null())
        .col(col("released_quantity").big_integer().not_null().default(0))
        .col(col("released_value").big_integer().not_null().default(0))
        .col(col("requirement_id").uuid().null())
        .col(col("expires_at").timestamp_with_time_zone().not_null())
        .col(col("status").string_len(10).not_null().default("ACTIVE"))
        .col(col("created_by").uuid().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("quantity > 0 AND held_quantity > 0 AND value >= 0"))
        .check(Expr::cust(
            "released_quantity >= 0 AND released_quantity <= held_quantity",
        ))
        .check(Expr::cust("released_value >= 0 AND released_value <= value"))
        .check(Expr::cust(
            "status IN ('ACTIVE','RELEASED','EXPIRED','CONFIRMED')",
        ))
        .foreign_key(&mut fk("reservations", "availability_id", "availabilities"))
        .foreign_key(&mut fk("reservations", "buyer_partner_id", "partners"))
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_reservations_availability ON reservations (availability_id)",
    "CREATE INDEX ix_reservations_buyer_status ON reservations (buyer_partner_id, status)",
    "CREATE INDEX ix_reservations_seller_status ON reservations (seller_partner_id, status)",
    "CREATE INDEX ix_reservations_expiry ON reservations (status, expires_at)",
];

/// (code, area, description) of the capabilities this migration adds.
const CAPABILITIES: &[(&str, &str, &str)] = &[
    ("TRADE_READ", "TRADE", "Read reservations and trades"),
    ("TRADE_CONFIRM", "TRADE", "Confirm reservations into trades"),
    ("TRADE_SETTLE", "TRADE", "Settle trades"),
];

/// (role, capability) grants this migration adds (when missing).
const GRANTS: &[(&str, &str)] = &[
    ("PARTNER_EMPLOYEE", "AVAILABILITY_RESERVE"),
    ("PARTNER_ADMIN", "TRADE_READ"),
    ("PARTNER_EMPLOYEE", "TRADE_READ"),
    ("BACKOFFICE_STAFF", "TRADE_READ"),
    ("PLATFORM_ADMIN", "TRADE_READ"),
    ("PARTNER_ADMIN", "TRADE_CONFIRM"),
    ("BACKOFFICE_MANAGER", "TRADE_CONFIRM"),
    ("PLATFORM_ADMIN", "TRADE_CONFIRM"),
    ("BACKOFFICE_MANAGER", "TRADE_SETTLE"),
    ("PLATFORM_ADMIN", "TRADE_SETTLE"),
    ("PLATFORM_ADMIN", "AVAILABILITY_RESERVE"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(reservations()).await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        for (code, area, description) in CAPABILITIES {
            db.execute_unprepared(&format!(
                "INSERT INTO capabilities (code, area, description) \
                 SELECT '{code}', '{area}', '{description}' WHERE NOT EXISTS \
                 (SELECT 1 FROM capabilities WHERE code = '{code}')"
            ))
            .await?;
        }
        for (role, capability) in GRANTS {
            // Plain SQL both backends read alike: insert the pair unless present.
            db.execute_unprepared(&format!(
                "INSERT INTO role_capabilities (role_code, capability_code) \
                 SELECT '{role}', '{capability}' WHERE NOT EXISTS (SELECT 1 FROM role_capabilities \
                 WHERE role_code = '{role}' AND capability_code = '{capability}')"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (role, capability) in GRANTS {
            if *capability == "AVAILABILITY_RESERVE" && *role == "PLATFORM_ADMIN" {
                continue;
            }
            db.execute_unprepared(&format!(
                "DELETE FROM role_capabilities WHERE role_code = '{role}' AND capability_code = '{capability}'"
            ))
            .await?;
        }
        for (code, _, _) in CAPABILITIES {
            db.execute_unprepared(&format!("DELETE FROM capabilities WHERE code = '{code}'"))
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Alias::new("reservations")).to_owned())
            .await
    }
}
