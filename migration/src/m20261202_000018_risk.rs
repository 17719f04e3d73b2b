//! Risk: the exposure ledger (`risk_exposures`: one row per partner and side
//! with its `utilised` total, never below zero, and the band last seen;
//! `risk_exposure_entries`: every signed move with its reason and reference),
//! the performance record per partner (`risk_performance`: rating in tenths,
//! delivery and payment scores, disputes, trade count), the stored
//! assessments (`risk_assessments`), and the RISK_MANAGE capability
//! (BACKOFFICE_MANAGER, PLATFORM_ADMIN) with RISK_ASSESS granted to
//! BACKOFFICE_STAFF and RISK_READ to PARTNER_ADMIN (its own partner only).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000018_risk"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn partner_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), Alias::new("partner_id"))
        .to(Alias::new("partners"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn exposures() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("risk_exposures"))
        .col(col("partner_id").uuid().not_null())
        .col(col("side").string_len(6).not_null())
        .col(col("utilised").big_integer().not_null().default(0))
        .col(col("band").string_len(6).not_null().default("GREEN"))
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .primary_key(
            Index::create()
                .col(Alias::new("partner_id"))
                .col(Alias::new("side")),
        )
        .check(Expr::cust("side IN ('buyer','seller')"))
        .check(Expr::cust("utilised >= 0"))
        .check(Expr::cust("band IN ('GREEN','YELLOW','RED')"))
        .foreign_key(&mut partner_fk("risk_exposures"))
        .to_owned()
}

fn entries() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("risk_exposure_entries"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("side").string_len(6).not_null())
        .col(col("amount").big_integer().not_null())
        .col(col("reason").string_len(12).not_null())
        .col(col("reference_id").uuid().null())
        .col(col("note").text().null())
        .col(col("created_by").uuid().null())
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("side IN ('buyer','seller')"))
        .check(Expr::cust(
            "reason IN ('reservation','release','expiry','trade','settlement','cancellation','adjustment')",
        ))
        .foreign_key(&mut partner_fk("risk_exposure_entries"))
        .to_owned()
}

fn performance() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("risk_performance"))
        .col(col("partner_id").uuid().not_null().primary_key())
        .col(col("rating_tenths").integer().not_null().default(30))
        .col(col("delivery_score").integer().not_null().default(70))
        .col(col("payment_score").integer().not_null().default(70))
        .col(col("disputes").integer().not_null().default(0))
        .col(col("trade_count").integer().not_null().default(0))
        .col(col("last_trade_at").timestamp_with_time_zone().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("updated_by").uuid().null())
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("rating_tenths BETWEEN 0 AND 50"))
        .check(Expr::cust("delivery_score BETWEEN 0 AND 100"))
        .check(Expr::cust("payment_score BETWEEN 0 AND 100"))
        .check(Expr::cust("disputes >= 0 AND trade_count >= 0"))
        .foreign_key(&mut partner_fk("risk_performance"))
        .to_owned()
}

fn assessments() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("risk_assessments"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("kind").string_len(12).not_null())
        .col(col("partner_id").uuid().not_null())
        .col(col("other_partner_id").uuid().null())
        .col(col("input").json_binary().not_null())
        .col(col("score").integer().not_null())
        .col(col("status").string_len(4).not_null())
        .col(col("result").json_binary().not_null())
        .col(col("created_by").uuid().null())
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("kind IN ('seller','buyer','trade','counterparty')"))
        .check(Expr::cust("status IN ('PASS','WARN','FAIL')"))
        .check(Expr::cust("score BETWEEN 0 AND 100"))
        .foreign_key(&mut partner_fk("risk_assessments"))
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE INDEX ix_risk_entries_partner ON risk_exposure_entries (partner_id, side, created_at, id)",
    "CREATE INDEX ix_risk_entries_reference ON risk_exposure_entries (reference_id)",
    "CREATE INDEX ix_risk_assessments_partner ON risk_assessments (partner_id, created_at)",
    "CREATE INDEX ix_risk_assessments_other ON risk_assessments (other_partner_id)",
];

const NEW_CAPABILITY: (&str, &str, &str) = (
    "RISK_MANAGE",
    "RISK",
    "Adjust credit exposure and correct performance records",
);

/// (role, capability) grants this migration adds.
const GRANTS: &[(&str, &str)] = &[
    ("PLATFORM_ADMIN", "RISK_MANAGE"),
    ("BACKOFFICE_MANAGER", "RISK_MANAGE"),
    ("BACKOFFICE_STAFF", "RISK_ASSESS"),
    ("PARTNER_ADMIN", "RISK_READ"),
];

const TABLES: &[&str] = &[
    "risk_assessments",
    "risk_performance",
    "risk_exposure_entries",
    "risk_exposures",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [exposures(), entries(), performance(), assessments()] {
            manager.create_table(table).await?;
        }
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        let (code, area, description) = NEW_CAPABILITY;
        let mut caps = Query::insert();
        caps.into_table(Alias::new("capabilities"))
            .columns([Alias::new("code"), Alias::new("area"), Alias::new("description")])
            .values_panic([code.into(), area.into(), description.into()]);
        manager.exec_stmt(caps).await?;
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
        db.execute_unprepared(&format!(
            "DELETE FROM capabilities WHERE code = '{}'",
            NEW_CAPABILITY.0
        ))
        .await?;
        for table in TABLES {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
