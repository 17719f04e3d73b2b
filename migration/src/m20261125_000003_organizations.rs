//! Organizations and their children: GST registrations, bank accounts,
//! financial years and document series. Partial unique indexes let the
//! database itself refuse two primaries, two defaults or two active years.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_organizations"
    }
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    NameKey,
    LegalName,
    OrgType,
    Cin,
    Pan,
    BaseCurrency,
    Address,
    Contact,
    ThresholdLimit,
    EInvoiceEnabled,
    TdsRate,
    TcsRate,
    Branding,
    ExtraConfig,
    IsActive,
    Version,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum OrganizationGstRegistrations {
    Table,
    Id,
    OrganizationId,
    Gstin,
    StateCode,
    StateName,
    BranchCode,
    IsPrimary,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganizationBankAccounts {
    Table,
    Id,
    OrganizationId,
    AccountHolder,
    BankName,
    AccountNumber,
    Ifsc,
    IsDefault,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FinancialYears {
    Table,
    Id,
    OrganizationId,
    Name,
    StartDate,
    EndDate,
    IsActive,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DocumentSeries {
    Table,
    Id,
    OrganizationId,
    DocumentType,
    Prefix,
    FinancialYearId,
    ResetAnnually,
    Counter,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Capabilities {
    Table,
    Code,
    Area,
    Description,
}

#[derive(DeriveIden)]
enum RoleCapabilities {
    Table,
    RoleCode,
    CapabilityCode,
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn org_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Organizations::Table, Organizations::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(ColumnDef::new(Organizations::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Organizations::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Organizations::NameKey).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Organizations::LegalName)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Organizations::OrgType).string_len(32).null())
                    .col(ColumnDef::new(Organizations::Cin).string_len(21).null())
                    .col(ColumnDef::new(Organizations::Pan).string_len(10).null())
                    .col(
                        ColumnDef::new(Organizations::BaseCurrency)
                            .string_len(3)
                            .not_null()
                            .default("INR"),
                    )
                    .col(ColumnDef::new(Organizations::Address).json_binary().null())
                    .col(ColumnDef::new(Organizations::Contact).json_binary().null())
                    .col(ColumnDef::new(Organizations::ThresholdLimit).big_integer().null())
                    .col(
                        ColumnDef::new(Organizations::EInvoiceEnabled)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(Organizations::TdsRate).big_integer().null())
                    .col(ColumnDef::new(Organizations::TcsRate).big_integer().null())
                    .col(ColumnDef::new(Organizations::Branding).json_binary().null())
                    .col(ColumnDef::new(Organizations::ExtraConfig).json_binary().null())
                    .col(
                        ColumnDef::new(Organizations::IsActive)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(Organizations::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ts(Organizations::CreatedAt))
                    .col(ts(Organizations::UpdatedAt))
                    .col(
                        ColumnDef::new(Organizations::DeletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganizationGstRegistrations::Table)
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::OrganizationId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::Gstin)
                            .string_len(15)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::StateCode)
                            .string_len(2)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::StateName)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::BranchCode)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::IsPrimary)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(OrganizationGstRegistrations::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ts(OrganizationGstRegistrations::CreatedAt))
                    .col(ts(OrganizationGstRegistrations::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        OrganizationGstRegistrations::Table,
                        OrganizationGstRegistrations::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganizationBankAccounts::Table)
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::OrganizationId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::AccountHolder)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::BankName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::AccountNumber)
                            .string_len(34)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::Ifsc)
                            .string_len(11)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::IsDefault)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(OrganizationBankAccounts::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ts(OrganizationBankAccounts::CreatedAt))
                    .col(ts(OrganizationBankAccounts::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        OrganizationBankAccounts::Table,
                        OrganizationBankAccounts::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FinancialYears::Table)
                    .col(ColumnDef::new(FinancialYears::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(FinancialYears::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(FinancialYears::Name).string_len(32).not_null())
                    .col(ColumnDef::new(FinancialYears::StartDate).date().not_null())
                    .col(ColumnDef::new(FinancialYears::EndDate).date().not_null())
                    .col(
                        ColumnDef::new(FinancialYears::IsActive)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(FinancialYears::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ts(FinancialYears::CreatedAt))
                    .col(ts(FinancialYears::UpdatedAt))
                    .check(Expr::cust("start_date < end_date"))
                    .foreign_key(&mut org_fk(FinancialYears::Table, FinancialYears::OrganizationId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DocumentSeries::Table)
                    .col(ColumnDef::new(DocumentSeries::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(DocumentSeries::OrganizationId).uuid().not_null())
                    .col(
                        ColumnDef::new(DocumentSeries::DocumentType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(DocumentSeries::Prefix).string_len(20).not_null())
                    .col(ColumnDef::new(DocumentSeries::FinancialYearId).uuid().not_null())
                    .col(
                        ColumnDef::new(DocumentSeries::ResetAnnually)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(DocumentSeries::Counter)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(DocumentSeries::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ts(DocumentSeries::CreatedAt))
                    .col(ts(DocumentSeries::UpdatedAt))
                    .foreign_key(&mut org_fk(DocumentSeries::Table, DocumentSeries::OrganizationId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DocumentSeries::Table, DocumentSeries::FinancialYearId)
                            .to(FinancialYears::Table, FinancialYears::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_document_series_type_year")
                    .table(DocumentSeries::Table)
                    .col(DocumentSeries::OrganizationId)
                    .col(DocumentSeries::DocumentType)
                    .col(DocumentSeries::FinancialYearId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "ix_gst_registrations_org",
                "organization_gst_registrations",
                "organization_id",
            ),
            (
                "ix_bank_accounts_org",
                "organization_bank_accounts",
                "organization_id",
            ),
            ("ix_financial_years_org", "financial_years", "organization_id"),
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({col})"))
                .await?;
        }
        // Partial unique indexes (same syntax on PostgreSQL and SQLite).
        for sql in [
            "CREATE UNIQUE INDEX ux_organizations_name ON organizations (name_key) WHERE deleted_at IS NULL",
            "CREATE UNIQUE INDEX ux_gst_one_primary ON organization_gst_registrations (organization_id) WHERE is_primary",
            "CREATE UNIQUE INDEX ux_bank_one_default ON organization_bank_accounts (organization_id) WHERE is_default",
            "CREATE UNIQUE INDEX ux_financial_year_one_active ON financial_years (organization_id) WHERE is_active",
        ] {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            // SQLite cannot add a constraint to an existing table; there the code enforces it.
            manager
                .create_foreign_key(
                    ForeignKey::create()
                        .name("fk_users_organization")
                        .from(Alias::new("users"), Alias::new("organization_id"))
                        .to(Organizations::Table, Organizations::Id)
                        .to_owned(),
                )
                .await?;
        }
        let mut caps = Query::insert();
        caps.into_table(Capabilities::Table)
            .columns([Capabilities::Code, Capabilities::Area, Capabilities::Description])
            .values_panic([
                "DOCUMENT_NUMBER_ISSUE".into(),
                "ORG".into(),
                "Take the next number of a document series".into(),
            ]);
        manager.exec_stmt(caps).await?;
        let mut grants = Query::insert();
        grants
            .into_table(RoleCapabilities::Table)
            .columns([RoleCapabilities::RoleCode, RoleCapabilities::CapabilityCode]);
        for role in ["PLATFORM_ADMIN", "BACKOFFICE_MANAGER", "BACKOFFICE_STAFF"] {
            grants.values_panic([role.into(), "DOCUMENT_NUMBER_ISSUE".into()]);
        }
        manager.exec_stmt(grants).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .drop_foreign_key(
                    ForeignKey::drop()
                        .name("fk_users_organization")
                        .table(Alias::new("users"))
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            DocumentSeries::Table.into_iden(),
            FinancialYears::Table.into_iden(),
            OrganizationBankAccounts::Table.into_iden(),
            OrganizationGstRegistrations::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM role_capabilities WHERE capability_code = 'DOCUMENT_NUMBER_ISSUE'",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM capabilities WHERE code = 'DOCUMENT_NUMBER_ISSUE'")
            .await?;
        Ok(())
    }
}
