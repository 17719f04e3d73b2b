//! Documents filed after approval: `partner_documents.renewal_id` names the
//! KYC renewal a document was filed for, and `lapsed_at` records when the
//! daily check found a verified document past its expiry date and took the
//! capabilities it gave away (once per document, whichever instance runs it).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000021_partner_document_lapse"
    }
}

const TABLE: &str = "partner_documents";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Alias::new("renewal_id")).uuid().null().to_owned(),
            ColumnDef::new(Alias::new("lapsed_at"))
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(TABLE))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("ix_partner_documents_renewal", "renewal_id"),
            ("ix_partner_documents_partner", "partner_id"),
            ("ix_partner_documents_expires", "expires_on"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new(TABLE))
                        .col(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_partner_documents_renewal",
            "ix_partner_documents_partner",
            "ix_partner_documents_expires",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(TABLE)).to_owned())
                .await?;
        }
        for column in ["renewal_id", "lapsed_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(TABLE))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
