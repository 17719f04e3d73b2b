//! The consumers' inbox: which consumer applied which event, written in the
//! same transaction as the effect, so a redelivered event is applied once.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000006_inbox"
    }
}

#[derive(DeriveIden)]
enum Inbox {
    Table,
    Consumer,
    EventId,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Inbox::Table)
                    .col(ColumnDef::new(Inbox::Consumer).string_len(64).not_null())
                    .col(ColumnDef::new(Inbox::EventId).uuid().not_null())
                    .col(
                        ColumnDef::new(Inbox::ProcessedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .name("pk_inbox")
                            .col(Inbox::Consumer)
                            .col(Inbox::EventId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Inbox::Table).to_owned())
            .await
    }
}
