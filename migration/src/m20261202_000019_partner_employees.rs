//! Partner employees (`partner_employees`): one row per EXTERNAL user of a
//! partner, beside its `users` row (the login identity), holding what makes
//! the user an employee: `role` (admin or employee), `status` (invited until
//! the first OTP login, then active; disabled and enabled by the partner's
//! admin or staff, never deleted), who invited it and when, when it was
//! activated or disabled, and whether it is the partner's first admin (the
//! user created at approval, not counted against `partners.max_employees`).
//! EXTERNAL users that exist already become active employees; the earliest
//! user of each partner is its first admin.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000019_partner_employees"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn table() -> TableCreateStatement {
    Table::create()
        .table(Alias::new("partner_employees"))
        .col(col("user_id").uuid().not_null().primary_key())
        .col(col("partner_id").uuid().not_null())
        .col(col("role").string_len(10).not_null())
        .col(col("status").string_len(10).not_null().default("invited"))
        .col(col("first_admin").boolean().not_null().default(false))
        .col(col("invited_by").uuid().null())
        .col(col("invited_at").timestamp_with_time_zone().not_null())
        .col(col("activated_at").timestamp_with_time_zone().null())
        .col(col("disabled_at").timestamp_with_time_zone().null())
        .col(col("version").big_integer().not_null().default(1))
        .col(col("created_at").timestamp_with_time_zone().not_null())
        .col(col("updated_at").timestamp_with_time_zone().not_null())
        .check(Expr::cust("role IN ('admin','employee')"))
        .check(Expr::cust("status IN ('invited','active','disabled')"))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_employees"), Alias::new("user_id"))
                .to(Alias::new("users"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("partner_employees"), Alias::new("partner_id"))
                .to(Alias::new("partners"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

const STATEMENTS: &[&str] = &[
    "CREATE INDEX ix_partner_employees_partner ON partner_employees (partner_id)",
    "CREATE UNIQUE INDEX ux_partner_employees_first_admin ON partner_employees (partner_id) \
     WHERE first_admin",
    "INSERT INTO partner_employees (user_id, partner_id, role, status, first_admin, invited_by, \
     invited_at, activated_at, disabled_at, version, created_at, updated_at) \
     SELECT u.id, u.partner_id, \
     CASE WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role_code = 'PARTNER_ADMIN') \
     THEN 'admin' ELSE 'employee' END, \
     CASE WHEN u.is_active THEN 'active' ELSE 'disabled' END, \
     u.id = (SELECT f.id FROM users f WHERE f.partner_id = u.partner_id ORDER BY f.created_at, f.id LIMIT 1), \
     u.parent_user_id, u.created_at, u.created_at, \
     CASE WHEN u.is_active THEN NULL ELSE u.updated_at END, 1, u.created_at, u.updated_at \
     FROM users u WHERE u.kind = 'EXTERNAL' AND u.partner_id IS NOT NULL",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(table()).await?;
        let db = manager.get_connection();
        for sql in STATEMENTS {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("partner_employees")).to_owned())
            .await
    }
}
