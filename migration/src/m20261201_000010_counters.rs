//! Gap-free named counters (`counters`), and the document series' counters
//! moved onto them: each series' value becomes the counter
//! `document_series:{id}` and the column leaves `document_series`, so one
//! table holds every number the platform hands out (document numbers, partner
//! codes, requirement and trade numbers).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::sea_orm::prelude::{DateTimeUtc, Uuid};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_counters"
    }
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .col(
                        ColumnDef::new(Counters::Name)
                            .string_len(200)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Counters::Value).big_integer().not_null())
                    .col(
                        ColumnDef::new(Counters::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(Counters::Value).gte(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        // Ids are read and names formatted here, not in SQL: SQLite keeps UUIDs as blobs.
        let select = Query::select()
            .columns([Alias::new("id"), Alias::new("counter"), Alias::new("updated_at")])
            .from(Alias::new("document_series"))
            .to_owned();
        for row in db.query_all_raw(backend.build(&select)).await? {
            let id: Uuid = row.try_get("", "id")?;
            let value: i64 = row.try_get("", "counter")?;
            let at: DateTimeUtc = row.try_get("", "updated_at")?;
            let insert = Query::insert()
                .into_table(Counters::Table)
                .columns([Counters::Name, Counters::Value, Counters::UpdatedAt])
                .values([format!("document_series:{id}").into(), value.into(), at.into()])
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            db.execute_raw(backend.build(&insert)).await?;
        }
        db.execute_unprepared("ALTER TABLE document_series DROP COLUMN counter")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE document_series ADD COLUMN counter BIGINT NOT NULL DEFAULT 0")
            .await?;
        let backend = manager.get_database_backend();
        let select = Query::select()
            .columns([Counters::Name, Counters::Value])
            .from(Counters::Table)
            .and_where(Expr::col(Counters::Name).like("document_series:%"))
            .to_owned();
        for row in db.query_all_raw(backend.build(&select)).await? {
            let name: String = row.try_get("", "name")?;
            let value: i64 = row.try_get("", "value")?;
            let Ok(id) = Uuid::parse_str(name.trim_start_matches("document_series:")) else {
                continue;
            };
            let update = Query::update()
                .table(Alias::new("document_series"))
                .value(Alias::new("counter"), value)
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
        }
        manager
            .drop_table(Table::drop().table(Counters::Table).to_owned())
            .await
    }
}
