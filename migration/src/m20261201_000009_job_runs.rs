//! The job runner's record of daily jobs: the business date each one last ran
//! for, claimed by a conditional update so a restart or a second instance does
//! not run it again that day.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000009_job_runs"
    }
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Name,
    BusinessDate,
    RanAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(
                        ColumnDef::new(JobRuns::Name)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(JobRuns::BusinessDate).date().not_null())
                    .col(
                        ColumnDef::new(JobRuns::RanAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobRuns::Table).to_owned())
            .await
    }
}
