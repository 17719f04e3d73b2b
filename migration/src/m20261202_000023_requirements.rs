//! Buyer requirements (`requirements`): the number (`REQ-2026-000001`,
//! unique), the buyer, commodity and variety, min / preferred / max
//! quantity in the requirement's unit (and in the base unit), the asked
//! quality by parameter code, prices per `price_unit`, budget, delivery
//! window and terms, visibility, urgency and intent with the negotiation
//! defaults of its urgency, validity, status, purchased quantity and spend,
//! the buyer precheck; quantities and money scaled by 10^4 as everywhere.
//! Delivery locations (`requirement_delivery_locations`) and invited sellers
//! (`requirement_invited_sellers`) are join tables. Grants REQUIREMENT_CREATE
//! and AVAILABILITY_CREATE to BACKOFFICE_MANAGER (acting for a partner) and
//! AVAILABILITY_APPROVE to BACKOFFICE_STAFF.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000023_requirements"
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

fn requirements() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("requirements"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("number").string_len(20).not_null())
        .col(col("buyer_partner_id").uuid().not_null())
        .col(col("commodity_id").uuid().not_null())
        .col(col("variety_id").uuid().null())
        .col(col("unit").string_len(16).not_null())
        .col(col("min_quantity").big_integer().not_null())
        .col(col("preferred_quantity").big_integer().not_null())
        .col(col("max_quantity").big_integer().not_null())
        .col(col("base_min_quantity").big_integer().not_null())
        .col(col("base_max_quantity").big_integer().not_null())
        .col(col("quality").json_binary().not_null())
        .col(col("price_unit").string_len(16).null())
        .col(col("max_price").big_integer().null())
        .col(col("preferred_price").big_integer().null())
        .col(col("total_budget").big_integer().null())
        .col(col("allow_cross_state").boolean().not_null().default(false))
        .col(col("delivery_from").date().null())
        .col(col("delivery_to").date().null())
        .col(col("payment_term_id").uuid().null())
        .col(col("delivery_term_id").uuid().null())
        .col(col("visibility").string_len(10).not_null().default("PUBLIC"))
        .col(col("urgency").string_len(8).not_null().default("NORMAL"))
        .col(col("intent").string_len(24).not_null().default("DIRECT_BUY"))
        .col(col("negotiation").json_binary().not_null())
        .col(col("valid_from").timestamp_with_time_zone().not_null())
        .col(col("valid_until").timestamp_with_time_zone().not_null())
        .col(col("status").string_len(20).not_null().default("DRAFT"))
        .col(col("purchased_quantity").big_integer().not_null().default(0))
        .col(col("spent_amount").big_integer().not_null().default(0))
        .col(col("precheck").json_binary().null())
        .col(col("cancel_reason").text().null())
        .col(col("business_date").date().not_null())
        .col(col("created_by").uuid().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(
            "min_quantity > 0 AND min_quantity <= preferred_quantity AND preferred_quantity <= max_quantity",
        ))
        .check(Expr::cust(
            "preferred_price IS NULL OR max_price IS NULL OR preferred_price <= max_price",
        ))
        .check(Expr::cust("purchased_quantity >= 0 AND spent_amount >= 0"))
        .check(Expr::cust("visibility IN ('PUBLIC','PRIVATE','RESTRICTED')"))
        .check(Expr::cust("urgency IN ('URGENT','NORMAL','PLANNING')"))
        .check(Expr::cust(
            "intent IN ('DIRECT_BUY','NEGOTIATION','AUCTION_REQUEST','PRICE_DISCOVERY_ONLY')",
        ))
        .check(Expr::cust(
            "status IN ('DRAFT','ACTIVE','PARTIALLY_FULFILLED','FULFILLED','EXPIRED','CANCELLED')",
        ))
        .foreign_key(&mut fk("requirements", "buyer_partner_id", "partners"))
        .foreign_key(&mut fk("requirements", "commodity_id", "commodities"))
        .to_owned()
}

fn join(table: &str, column: &str, to: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(table))
        .col(col("requirement_id").uuid().not_null())
        .col(col(column).uuid().not_null())
        .primary_key(
            Index::create()
                .col(Alias::new("requirement_id"))
                .col(Alias::new(column)),
        )
        .foreign_key(&mut fk(table, "requirement_id", "requirements"))
        .foreign_key(&mut fk(table, column, to))
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_requirements_number ON requirements (number)",
    "CREATE INDEX ix_requirements_commodity_status ON requirements (commodity_id, status)",
    "CREATE INDEX ix_requirements_buyer_status ON requirements (buyer_partner_id, status)",
    "CREATE INDEX ix_requirements_valid_until ON requirements (status, valid_until)",
    "CREATE INDEX ix_requirement_delivery_location ON requirement_delivery_locations (location_id)",
    "CREATE INDEX ix_requirement_invited_seller ON requirement_invited_sellers (partner_id)",
];

/// (role, capability) grants this migration adds.
const GRANTS: &[(&str, &str)] = &[
    ("BACKOFFICE_MANAGER", "REQUIREMENT_CREATE"),
    ("BACKOFFICE_MANAGER", "AVAILABILITY_CREATE"),
    ("BACKOFFICE_STAFF", "AVAILABILITY_APPROVE"),
];

const TABLES: &[&str] = &[
    "requirement_invited_sellers",
    "requirement_delivery_locations",
    "requirements",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(requirements()).await?;
        manager
            .create_table(join("requirement_delivery_locations", "location_id", "locations"))
            .await?;
        manager
            .create_table(join("requirement_invited_sellers", "partner_id", "partners"))
            .await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        let mut grants = Query::insert();
        grants
            .into_table(Alias::new("role_capabilities"))
            .columns([Alias::new("role_code"), Alias::new("capability_code")]);
        for (role, capability) in GRANTS {
            grants.values_panic([(*role).into(), (*capability).into()]);
        }
        manager.exec_stmt(grants).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (role, capability) in GRANTS {
            db.execute_unprepared(&format!(
                "DELETE FROM role_capabilities WHERE role_code = '{role}' AND capability_code = '{capability}'"
            ))
            .await?;
        }
        for table in TABLES {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
