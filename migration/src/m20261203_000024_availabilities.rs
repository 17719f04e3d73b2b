//! Seller availabilities (`availabilities`): the seller, commodity and
//! variety, where the goods lie (a settings location, a partner location or
//! an ad hoc address with lat/lng and state code, reduced to a non-null
//! `location_key`), the total / available / reserved / sold quantities in the
//! availability's unit and the total in the base unit (scaled by 10^4 as
//! everywhere; each >= 0 and available + reserved + sold = total, CHECKed on
//! both backends), minimum order, price type and price (a MATRIX's steps
//! as JSON), stated quality by parameter code, delivery window and terms,
//! visibility, expiry, the optional test report, the seller precheck
//! (score, status, factors), status and approval status, the stored
//! `business_date`. A partial unique index on seller, commodity, base
//! quantity, location key and business date refuses duplicates among live
//! listings. Listed buyers of a RESTRICTED availability are the join table
//! `availability_allowed_buyers`. The capability grants of the trade desk
//! (AVAILABILITY_CREATE and REQUIREMENT_CREATE to BACKOFFICE_MANAGER,
//! AVAILABILITY_APPROVE to BACKOFFICE_STAFF) were made by
//! `m20261202_000023_requirements`; this migration inserts any of them that
//! is missing, so it is safe however the earlier one ran.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000024_availabilities"
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

fn availabilities() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("availabilities"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("seller_partner_id").uuid().not_null())
        .col(col("commodity_id").uuid().not_null())
        .col(col("variety_id").uuid().null())
        .col(col("location_id").uuid().null())
        .col(col("partner_location_id").uuid().null())
        .col(col("address").json_binary().null())
        .col(col("location_key").string_len(80).not_null())
        .col(col("state_code").string_len(8).null())
        .col(col("latitude").double().null())
        .col(col("longitude").double().null())
        .col(col("unit").string_len(16).not_null())
        .col(col("total_quantity").big_integer().not_null())
        .col(col("available_quantity").big_integer().not_null())
        .col(col("reserved_quantity").big_integer().not_null().default(0))
        .col(col("sold_quantity").big_integer().not_null().default(0))
        .col(col("base_quantity").big_integer().not_null())
        .col(col("min_order_quantity").big_integer().null())
        .col(col("allow_partial").boolean().not_null().default(true))
        .col(col("price_type").string_len(12).not_null())
        .col(col("price").big_integer().null())
        .col(col("price_unit").string_len(16).null())
        .col(col("price_matrix").json_binary().null())
        .col(col("quality").json_binary().not_null())
        .col(col("delivery_term_id").uuid().null())
        .col(col("payment_term_id").uuid().null())
        .col(col("delivery_from").date().null())
        .col(col("delivery_to").date().null())
        .col(col("visibility").string_len(10).not_null().default("PUBLIC"))
        .col(col("test_report_document_id").uuid().null())
        .col(col("expires_at").timestamp_with_time_zone().not_null())
        .col(col("status").string_len(12).not_null().default("DRAFT"))
        .col(col("approval_status").string_len(14).not_null().default("PENDING"))
        .col(col("precheck_score").integer().null())
        .col(col("precheck_status").string_len(4).null())
        .col(col("precheck_factors").json_binary().null())
        .col(col("decided_by").uuid().null())
        .col(col("decided_at").timestamp_with_time_zone().null())
        .col(col("rejection_reason").text().null())
        .col(col("cancel_reason").text().null())
        .col(col("business_date").date().not_null())
        .col(col("created_by").uuid().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(
            "total_quantity > 0 AND available_quantity >= 0 AND reserved_quantity >= 0 AND sold_quantity >= 0",
        ))
        .check(Expr::cust(
            "available_quantity + reserved_quantity + sold_quantity = total_quantity",
        ))
        .check(Expr::cust("base_quantity >= 0"))
        .check(Expr::cust(
            "min_order_quantity IS NULL OR (min_order_quantity > 0 AND min_order_quantity <= total_quantity)",
        ))
        .check(Expr::cust("price IS NULL OR price >= 0"))
        .check(Expr::cust("price_type IN ('FIXED','MATRIX','NEGOTIABLE','SPOT')"))
        .check(Expr::cust(
            "visibility IN ('PUBLIC','PRIVATE','RESTRICTED','INTERNAL')",
        ))
        .check(Expr::cust(
            "status IN ('DRAFT','ACTIVE','RESERVED','SOLD','EXPIRED','CANCELLED')",
        ))
        .check(Expr::cust(
            "approval_status IN ('PENDING','APPROVED','REJECTED','AUTO_APPROVED')",
        ))
        .check(Expr::cust(
            "precheck_status IS NULL OR precheck_status IN ('PASS','WARN','FAIL')",
        ))
        .foreign_key(&mut fk("availabilities", "seller_partner_id", "partners"))
        .foreign_key(&mut fk("availabilities", "commodity_id", "commodities"))
        .to_owned()
}

fn allowed_buyers() -> TableCreateStatement {
    let table = "availability_allowed_buyers";
    Table::create()
        .table(Alias::new(table))
        .col(col("availability_id").uuid().not_null())
        .col(col("partner_id").uuid().not_null())
        .primary_key(
            Index::create()
                .col(Alias::new("availability_id"))
                .col(Alias::new("partner_id")),
        )
        .foreign_key(&mut fk(table, "availability_id", "availabilities"))
        .foreign_key(&mut fk(table, "partner_id", "partners"))
        .to_owned()
}

const INDEXES: &[&str] = &[
    // The duplicate rule: one live listing per seller, commodity, base
    // quantity and place on a business day (rejected, cancelled and expired
    // ones do not count).
    "CREATE UNIQUE INDEX ux_availabilities_duplicate ON availabilities \
     (seller_partner_id, commodity_id, base_quantity, location_key, business_date) \
     WHERE status NOT IN ('CANCELLED','EXPIRED') AND approval_status <> 'REJECTED'",
    "CREATE INDEX ix_availabilities_search ON availabilities (commodity_id, status, state_code)",
    "CREATE INDEX ix_availabilities_price ON availabilities (commodity_id, status, price)",
    "CREATE INDEX ix_availabilities_lat_lng ON availabilities (latitude, longitude)",
    "CREATE INDEX ix_availabilities_seller_status ON availabilities (seller_partner_id, status)",
    "CREATE INDEX ix_availabilities_expiry ON availabilities (status, expires_at)",
    "CREATE INDEX ix_availabilities_location ON availabilities (location_id)",
    "CREATE INDEX ix_availability_allowed_buyer ON availability_allowed_buyers (partner_id)",
];

/// (role, capability) grants of the trade desk, inserted when missing.
const GRANTS: &[(&str, &str)] = &[
    ("BACKOFFICE_MANAGER", "AVAILABILITY_CREATE"),
    ("BACKOFFICE_MANAGER", "REQUIREMENT_CREATE"),
    ("BACKOFFICE_STAFF", "AVAILABILITY_APPROVE"),
];

const TABLES: &[&str] = &["availability_allowed_buyers", "availabilities"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(availabilities()).await?;
        manager.create_table(allowed_buyers()).await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
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
        // The grants belong to m20261202_000023_requirements, which removes them.
        for table in TABLES {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
