//! Matching: `matching_weights`, the weights of the score's parts and the
//! least score kept, per commodity category (`DEFAULT` for the others),
//! each a fraction scaled by 10^4, seeded from DOMAIN.md; and `matches`, one
//! row per (requirement, availability) pair with its score and parts
//! (scaled by 10^4), label, the seller precheck's verdict, the status (NEW,
//! NOTIFIED, DISMISSED, RESERVED, EXPIRED), a version and timestamps. The
//! indexes serve each side's matches best first and the statuses.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000029_matching"
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

fn weights() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("matching_weights"))
        .col(col("category").string_len(32).not_null().primary_key())
        .col(col("quality").integer().not_null())
        .col(col("price").integer().not_null())
        .col(col("delivery").integer().not_null())
        .col(col("risk").integer().not_null())
        .col(col("min_score").integer().not_null())
        .col(col("updated_by").uuid().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(
            "quality >= 0 AND price >= 0 AND delivery >= 0 AND risk >= 0 \
             AND quality + price + delivery + risk = 10000",
        ))
        .check(Expr::cust("min_score >= 0 AND min_score <= 10000"))
        .to_owned()
}

fn matches() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("matches"))
        .col(col("id").uuid().not_null().primary_key())
        .col(col("requirement_id").uuid().not_null())
        .col(col("availability_id").uuid().not_null())
        .col(col("buyer_partner_id").uuid().not_null())
        .col(col("seller_partner_id").uuid().not_null())
        .col(col("commodity_id").uuid().not_null())
        .col(col("score").integer().not_null())
        .col(col("quality_score").integer().not_null())
        .col(col("price_score").integer().not_null())
        .col(col("delivery_score").integer().not_null())
        .col(col("risk_score").integer().not_null())
        .col(col("label").string_len(12).not_null())
        .col(col("risk_status").string_len(4).not_null())
        .col(col("status").string_len(10).not_null().default("NEW"))
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust(
            "score BETWEEN 0 AND 10000 AND quality_score BETWEEN 0 AND 10000 \
             AND price_score BETWEEN 0 AND 10000 AND delivery_score BETWEEN 0 AND 10000 \
             AND risk_score BETWEEN 0 AND 10000",
        ))
        .check(Expr::cust(
            "status IN ('NEW','NOTIFIED','DISMISSED','RESERVED','EXPIRED')",
        ))
        .check(Expr::cust("label IN ('excellent','good','acceptable')"))
        .foreign_key(&mut fk("matches", "requirement_id", "requirements"))
        .foreign_key(&mut fk("matches", "availability_id", "availabilities"))
        .to_owned()
}

const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_matches_pair ON matches (requirement_id, availability_id)",
    "CREATE INDEX ix_matches_requirement_best ON matches (requirement_id, score, created_at)",
    "CREATE INDEX ix_matches_availability_best ON matches (availability_id, score, created_at)",
    "CREATE INDEX ix_matches_status ON matches (status, updated_at)",
];

/// (category, quality, price, delivery, risk, minimum), fractions in ten-thousandths.
const SEEDED: &[(&str, i32, i32, i32, i32, i32)] = &[
    ("DEFAULT", 4000, 3000, 1500, 1500, 6000),
    ("COTTON", 4000, 3000, 1500, 1500, 6000),
    ("WHEAT", 3500, 3500, 2000, 1000, 5000),
    ("RICE", 3500, 3500, 2000, 1000, 5000),
    ("OIL", 4000, 3500, 1500, 1000, 6000),
    ("OILSEEDS", 4000, 3500, 1500, 1000, 6000),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(weights()).await?;
        manager.create_table(matches()).await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        let now = sea_orm_migration::sea_orm::prelude::ChronoUtc::now();
        let mut seed = Query::insert();
        seed.into_table(Alias::new("matching_weights")).columns(
            [
                "category",
                "quality",
                "price",
                "delivery",
                "risk",
                "min_score",
                "version",
                "created_at",
                "updated_at",
            ]
            .map(Alias::new),
        );
        for (category, quality, price, delivery, risk, min) in SEEDED {
            seed.values_panic([
                (*category).into(),
                (*quality).into(),
                (*price).into(),
                (*delivery).into(),
                (*risk).into(),
                (*min).into(),
                1i64.into(),
                now.into(),
                now.into(),
            ]);
        }
        manager.exec_stmt(seed).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("matches")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("matching_weights")).to_owned())
            .await
    }
}
