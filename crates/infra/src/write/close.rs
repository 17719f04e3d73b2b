//! The end of a write: the audit and outbox rows it appended, the result on
//! its idempotency key, written in as few statements
//! as the backend allows.
//!
//! On PostgreSQL that is one statement: the inserts and the key's update as
//! data-modifying `WITH` parts (each runs exactly once). No `pg_notify` in
//! it: that would serialize the commits of every write with events (the relay
//! is told after the commit, `Outbox::committed`). Every value is a bound parameter, so
//! the statement text depends only on how many rows there are and the
//! driver's prepared-statement cache keeps it. On SQLite each part is its
//! own multi-row statement.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryTrait, Statement, Value,
};

use crate::idempotency::entity as key_entity;
use crate::{audit, outbox};

/// What a write leaves to its end.
#[derive(Default)]
pub(super) struct Closing {
    /// Outbox rows, in the order they were appended.
    pub events: Vec<outbox::entity::ActiveModel>,
    /// Audit rows.
    pub audits: Vec<audit::entity::ActiveModel>,
    /// The key to complete: scope, key, result, when.
    pub key: Option<(String, String, serde_json::Value, chrono::DateTime<chrono::Utc>)>,
}

impl Closing {
    /// The statements that end the write on `backend`.
    pub fn statements(self, backend: DbBackend) -> Vec<Statement> {
        let mut parts = Vec::new();
        if !self.events.is_empty() {
            parts.push(outbox::entity::Entity::insert_many(self.events).build(backend));
        }
        if !self.audits.is_empty() {
            parts.push(audit::entity::Entity::insert_many(self.audits).build(backend));
        }
        if let Some((scope, key, result, at)) = self.key {
            use key_entity::{Column, Entity};
            parts.push(
                Entity::update_many()
                    .col_expr(Column::Result, Expr::value(result))
                    .col_expr(Column::CompletedAt, Expr::value(at))
                    .filter(Column::Scope.eq(scope))
                    .filter(Column::Key.eq(key))
                    .build(backend),
            );
        }
        if backend != DbBackend::Postgres {
            return parts;
        }
        vec![with_parts(parts, "SELECT 1")]
    }
}

/// `WITH w0 AS (part0), w1 AS (part1) … <close>`, the parts' parameters
/// renumbered to follow each other.
fn with_parts(parts: Vec<Statement>, close: &str) -> Statement {
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        sql.push_str(if i == 0 { "WITH " } else { ", " });
        sql.push_str(&format!("w{i} AS ("));
        sql.push_str(&renumber(&part.sql, values.len()));
        sql.push(')');
        if let Some(v) = part.values {
            values.extend(v.0);
        }
    }
    if !sql.is_empty() {
        sql.push(' ');
    }
    sql.push_str(close);
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// `$n` placeholders of `sql` moved up by `offset` (the parts hold no literals:
/// every value is a parameter).
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

/// Runs the statements that end a write.
pub(super) async fn run<C: ConnectionTrait>(conn: &C, closing: Closing) -> Result<(), DbErr> {
    for statement in closing.statements(conn.get_database_backend()) {
        conn.execute_raw(statement).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_each_other() {
        assert_eq!(renumber("VALUES ($1, $2), ($10)", 3), "VALUES ($4, $5), ($13)");
        assert_eq!(renumber("a = $1", 0), "a = $1");
    }

    #[test]
    fn postgres_ends_in_one_statement_and_sqlite_in_parts() {
        let closing = || Closing {
            events: Vec::new(),
            audits: vec![audit::row(
                &crate::Actor::system(),
                "x.create",
                "x",
                "1",
                None,
                chrono::Utc::now(),
            )],
            key: Some(("s".into(), "k".into(), serde_json::json!({}), chrono::Utc::now())),
        };
        let pg = closing().statements(DbBackend::Postgres);
        assert_eq!(pg.len(), 1);
        assert!(
            pg[0].sql.starts_with("WITH w0 AS (INSERT INTO \"audit_log\""),
            "{}",
            pg[0].sql
        );
        assert!(pg[0].sql.ends_with("SELECT 1"), "{}", pg[0].sql);
        assert_eq!(closing().statements(DbBackend::Sqlite).len(), 2);
    }
}
