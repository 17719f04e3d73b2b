//! Gap-free named counters: document numbers, partner codes (`partner:BP-IND-SEL`),
//! requirement and trade numbers (`requirement:2026`, `trade:2026`).
//!
//! The next value is taken with one upsert on the counter's row in table
//! `counters`, inside the caller's [`WriteTx`]: concurrent callers queue on the
//! row lock (PostgreSQL) or the write lock (SQLite), and a write that rolls
//! back gives its number back, so numbers are distinct and leave no gap.
//!
//! ```no_run
//! # async fn demo(tx: &infra::write::WriteTx) -> Result<(), infra::ServiceError> {
//! let n = infra::numbering::next(tx, "requirement:2026").await?;
//! let number = format!("REQ-2026-{n:06}");
//! # Ok(()) }
//! ```

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

use crate::service_error::ServiceError;
use crate::write::WriteTx;

const TABLE: &str = "counters";

fn check_name(name: &str) -> Result<(), ServiceError> {
    if name.is_empty() || name.len() > 200 {
        return Err(ServiceError::Infra(crate::InfraError::Invariant(
            "a counter name must be 1 to 200 characters",
        )));
    }
    Ok(())
}

/// Moves counter `name` on by one and returns its new value (1 for a new counter).
pub async fn next(tx: &WriteTx, name: &str) -> Result<i64, ServiceError> {
    check_name(name)?;
    let table = Alias::new(TABLE);
    let value = Alias::new("value");
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([Alias::new("name"), value.clone(), Alias::new("updated_at")])
        .values([name.into(), 1i64.into(), tx.now().into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(Alias::new("name"))
                .value(value.clone(), Expr::col((table, value.clone())).add(1))
                .value(Alias::new("updated_at"), tx.now())
                .to_owned(),
        )
        .returning_col(value)
        .to_owned();
    let db = tx.db();
    let row = db
        .query_one_raw(db.get_database_backend().build(&insert))
        .await?
        .ok_or(ServiceError::Infra(crate::InfraError::Invariant(
            "the counter upsert returned no row",
        )))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Sets counter `name` to `value` (a new document series continuing from the
/// previous year's number), creating it when absent.
pub async fn set(tx: &WriteTx, name: &str, value: i64) -> Result<(), ServiceError> {
    check_name(name)?;
    if value < 0 {
        return Err(ServiceError::field("counter", "must not be negative"));
    }
    let value_col = Alias::new("value");
    let insert = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([Alias::new("name"), value_col.clone(), Alias::new("updated_at")])
        .values([name.into(), value.into(), tx.now().into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(Alias::new("name"))
                .update_columns([value_col, Alias::new("updated_at")])
                .to_owned(),
        )
        .to_owned();
    let db = tx.db();
    db.execute_raw(db.get_database_backend().build(&insert)).await?;
    Ok(())
}

/// The current values of the named counters (absent ones are left out: they are at 0).
pub async fn current<C: ConnectionTrait>(
    db: &C,
    names: &[String],
) -> Result<HashMap<String, i64>, ServiceError> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let select = Query::select()
        .columns([Alias::new("name"), Alias::new("value")])
        .from(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("name")).is_in(names.iter().map(String::as_str)))
        .to_owned();
    let rows = db.query_all_raw(db.get_database_backend().build(&select)).await?;
    let mut values = HashMap::with_capacity(rows.len());
    for row in rows {
        values.insert(
            row.try_get::<String>("", "name")?,
            row.try_get::<i64>("", "value")?,
        );
    }
    Ok(values)
}
