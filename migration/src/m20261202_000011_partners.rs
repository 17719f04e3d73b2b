//! Business partners and their onboarding: `partner_applications` (at most one
//! open application per mobile and per GSTIN, by partial unique indexes),
//! `partners` (unique code, unique GSTIN) and `partner_documents` (typed
//! document metadata with a verified flag). Seeds PARTNER_APPROVE_HIGH_RISK
//! and grants it to PLATFORM_ADMIN, whose `*` was expanded when it was seeded.
//!
//! Money (turnover, credit limits) is a scaled 64-bit integer (10^4) as
//! everywhere else; statuses and kinds are CHECK constraints on both backends.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000011_partners"
    }
}

const PARTNER_TYPES: &str = "'seller','buyer','trader','broker','sub_broker','transporter','controller','financer','shipping_agent','importer','exporter'";
const ENTITY_TYPES: &str = "'proprietorship','partnership','llp','private_limited','public_limited','huf','cooperative','trust','government'";
const DOCUMENT_TYPES: &str =
    "'gst_certificate','pan_card','iec','bank_proof','cancelled_cheque','vehicle_rc','foreign_tax_id'";
const NEW_CAPABILITIES: &[(&str, &str, &str)] = &[(
    "PARTNER_APPROVE_HIGH_RISK",
    "PARTNER",
    "Decide onboarding applications routed to director or critical review",
)];

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn text(name: &str, len: u32) -> ColumnDef {
    col(name).string_len(len).not_null().to_owned()
}

fn opt_text(name: &str, len: u32) -> ColumnDef {
    col(name).string_len(len).null().to_owned()
}

fn ts(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}

fn opt_ts(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}

fn flag(name: &str) -> ColumnDef {
    col(name).boolean().not_null().default(false).to_owned()
}

fn check(sql: String) -> SimpleExpr {
    Expr::cust(sql)
}

/// Columns shared by applications and partners: who they are.
fn identity(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(text("legal_name", 300))
        .col(opt_text("trade_name", 300))
        .col(text("partner_type", 20))
        .col(text("entity_type", 20))
        .col(text("country", 2))
        .col(opt_text("gstin", 15))
        .col(opt_text("pan", 10))
        .col(opt_text("iec", 10))
        .col(opt_text("foreign_tax_id", 50))
        .col(col("address").json_binary().not_null())
        .col(text("contact_name", 200))
        .col(opt_text("contact_email", 320))
        .col(text("contact_mobile", 20))
        .col(col("bank").json_binary().null())
        .col(col("commodity_ids").json_binary().not_null())
        .col(col("master_partner_id").uuid().null())
        .col(opt_text("corporate_group", 200))
        .col(opt_text("corporate_group_key", 200))
        .check(check(format!("partner_type IN ({PARTNER_TYPES})")))
        .check(check(format!("entity_type IN ({ENTITY_TYPES})")))
}

fn bookkeeping(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(col("version").big_integer().not_null().default(1))
        .col(ts("created_at"))
        .col(ts("updated_at"))
}

fn applications() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new("partner_applications"))
        .col(col("id").uuid().not_null().primary_key())
        .col(text("status", 16));
    identity(&mut t);
    t.col(col("vehicle_numbers").json_binary().not_null())
        .col(col("business_start_date").date().null())
        .col(col("annual_turnover").big_integer().null())
        .col(opt_text("gst_compliance", 16))
        .col(flag("has_own_lab"))
        .col(flag("has_own_transport"))
        .col(col("score").integer().null())
        .col(opt_text("risk_category", 16))
        .col(opt_text("routing", 20))
        .col(col("recommended_credit_limit").big_integer().null())
        .col(col("factors").json_binary().null())
        .col(opt_ts("submitted_at"))
        .col(opt_ts("decided_at"))
        .col(col("decided_by").uuid().null())
        .col(col("decision_note").text().null())
        .col(col("partner_id").uuid().null())
        .col(col("started_by").uuid().null())
        .check(check(
            "status IN ('draft','submitted','info_requested','approved','rejected')".into(),
        ))
        .check(check(
            "gst_compliance IS NULL OR gst_compliance IN ('excellent','good','average','poor')".into(),
        ))
        .check(check("score IS NULL OR (score >= 0 AND score <= 100)".into()))
        .check(check(
            "risk_category IS NULL OR risk_category IN ('low','medium','high','critical')".into(),
        ))
        .check(check(
            "routing IS NULL OR routing IN ('auto_approved','manager_review','director_review','critical_review')"
                .into(),
        ))
        .check(check("annual_turnover IS NULL OR annual_turnover >= 0".into()))
        .check(check("status <> 'approved' OR partner_id IS NOT NULL".into()));
    bookkeeping(&mut t);
    t.to_owned()
}

fn partners() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new("partners"))
        .col(col("id").uuid().not_null().primary_key())
        .col(text("code", 20))
        .col(col("application_id").uuid().not_null())
        .col(text("status", 16))
        .col(text("entity_class", 20))
        .col(text("kyc_status", 20))
        .col(col("kyc_expires_on").date().null())
        .col(col("credit_limit").big_integer().not_null())
        .col(text("risk_category", 16))
        .col(col("score").integer().not_null())
        .col(col("capabilities").json_binary().not_null());
    identity(&mut t);
    t.check(check(
        "status IN ('pending','approved','rejected','suspended','inactive')".into(),
    ))
    .check(check(
        "kyc_status IN ('pending','verified','expired','renewal_required')".into(),
    ))
    .check(check(
        "entity_class IN ('business_entity','service_provider')".into(),
    ))
    .check(check(
        "risk_category IN ('low','medium','high','critical')".into(),
    ))
    .check(check("credit_limit >= 0".into()));
    bookkeeping(&mut t);
    t.to_owned()
}

fn documents() -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new("partner_documents"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("application_id").uuid().not_null())
        .col(col("partner_id").uuid().null())
        .col(text("document_type", 32))
        .col(opt_text("document_number", 64))
        .col(col("issued_on").date().null())
        .col(col("expires_on").date().null())
        .col(opt_text("file_name", 255))
        .col(opt_text("content_type", 64))
        .col(col("size_bytes").big_integer().null())
        .col(opt_text("sha256", 64))
        .col(flag("verified"))
        .col(opt_ts("verified_at"))
        .col(col("verified_by").uuid().null())
        .check(check(format!("document_type IN ({DOCUMENT_TYPES})")))
        .check(check(
            "issued_on IS NULL OR expires_on IS NULL OR issued_on <= expires_on".into(),
        ))
        .check(check(
            "size_bytes IS NULL OR (size_bytes > 0 AND size_bytes <= 5242880)".into(),
        ))
        .check(check("verified = (verified_at IS NOT NULL)".into()))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_documents"), Alias::new("application_id"))
                .to(Alias::new("partner_applications"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        );
    bookkeeping(&mut t);
    t.to_owned()
}

const INDEXES: &[&str] = &[
    // At most one open application per mobile and per GSTIN (same syntax on both backends).
    "CREATE UNIQUE INDEX ux_partner_applications_open_mobile ON partner_applications (contact_mobile) WHERE status IN ('draft','submitted','info_requested')",
    "CREATE UNIQUE INDEX ux_partner_applications_open_gstin ON partner_applications (gstin) WHERE gstin IS NOT NULL AND status IN ('draft','submitted','info_requested')",
    "CREATE INDEX ix_partner_applications_pan ON partner_applications (pan)",
    "CREATE INDEX ix_partner_applications_status ON partner_applications (status)",
    "CREATE UNIQUE INDEX ux_partners_code ON partners (code)",
    "CREATE UNIQUE INDEX ux_partners_application ON partners (application_id)",
    "CREATE UNIQUE INDEX ux_partners_gstin ON partners (gstin) WHERE gstin IS NOT NULL",
    "CREATE INDEX ix_partners_pan ON partners (pan)",
    "CREATE INDEX ix_partners_master ON partners (master_partner_id)",
    "CREATE INDEX ix_partners_group ON partners (corporate_group_key)",
    "CREATE INDEX ix_partner_documents_application ON partner_documents (application_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [applications(), partners(), documents()] {
            manager.create_table(table).await?;
        }
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        let mut caps = Query::insert();
        caps.into_table(Alias::new("capabilities")).columns([
            Alias::new("code"),
            Alias::new("area"),
            Alias::new("description"),
        ]);
        let mut grants = Query::insert();
        grants
            .into_table(Alias::new("role_capabilities"))
            .columns([Alias::new("role_code"), Alias::new("capability_code")]);
        for (code, area, description) in NEW_CAPABILITIES {
            caps.values_panic([(*code).into(), (*area).into(), (*description).into()]);
            grants.values_panic(["PLATFORM_ADMIN".into(), (*code).into()]);
        }
        manager.exec_stmt(caps).await?;
        manager.exec_stmt(grants).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (code, _, _) in NEW_CAPABILITIES {
            db.execute_unprepared(&format!(
                "DELETE FROM role_capabilities WHERE capability_code = '{code}'"
            ))
            .await?;
            db.execute_unprepared(&format!("DELETE FROM capabilities WHERE code = '{code}'"))
                .await?;
        }
        for table in ["partner_documents", "partners", "partner_applications"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
