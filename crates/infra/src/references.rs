//! "Refused while referenced": the places that refer to a row (a location, a
//! commodity, a trade term, a partner), consulted before a delete.
//!
//! Each service starts with the references its own crate knows and callers add
//! the tables of later modules with `with_reference`, so a module that stores a
//! `location_id` registers it once, where it builds the service:
//!
//! ```
//! use infra::references::{Reference, References};
//!
//! let references = References::new(vec![Reference::new("commission_structures", "commodity_id", "commission structures")])
//!     .with(Reference::new("availabilities", "commodity_id", "availabilities").live_only("deleted_at"));
//! assert_eq!(references.len(), 2);
//! ```

use std::sync::Arc;

use crate::write::WriteTx;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, Value};
use serde_json::json;
use uuid::Uuid;

use crate::change::{Change, record};
use crate::rows::{SoftDeleted, soft_delete};
use crate::service_error::ServiceError;

/// A column of some table that holds the id of the row being deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The referring table.
    pub table: &'static str,
    /// Its column holding the id.
    pub column: &'static str,
    /// What its rows are, for the refusal (`commission structures`).
    pub what: &'static str,
    /// A soft-delete column: rows where it is set do not count.
    pub deleted_column: Option<&'static str>,
}

impl Reference {
    /// Rows of `table` whose `column` holds the id, described as `what`.
    pub const fn new(table: &'static str, column: &'static str, what: &'static str) -> Self {
        Self {
            table,
            column,
            what,
            deleted_column: None,
        }
    }

    /// Only rows whose `deleted_column` is null count.
    pub const fn live_only(mut self, deleted_column: &'static str) -> Self {
        self.deleted_column = Some(deleted_column);
        self
    }

    async fn count<C: ConnectionTrait>(&self, db: &C, id: Uuid) -> Result<i64, ServiceError> {
        let mut query = Query::select();
        query
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(self.table))
            .and_where(Expr::col(Alias::new(self.column)).eq(Value::from(id)));
        if let Some(deleted) = self.deleted_column {
            query.and_where(Expr::col(Alias::new(deleted)).is_null());
        }
        let statement = db.get_database_backend().build(&query);
        let row = db.query_one_raw(statement).await?;
        Ok(match row {
            Some(row) => row.try_get_by_index::<i64>(0)?,
            None => 0,
        })
    }
}

/// The references a service consults before deleting.
#[derive(Clone, Debug, Default)]
pub struct References(Arc<Vec<Reference>>);

impl References {
    /// These references.
    pub fn new(references: Vec<Reference>) -> Self {
        Self(Arc::new(references))
    }

    /// How many references there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same set and `reference`.
    pub fn with(&self, reference: Reference) -> Self {
        let mut all = self.0.as_ref().clone();
        all.push(reference);
        Self::new(all)
    }

    /// Refuses (409 `code`) while any reference holds `id`, naming what refers and how many.
    pub async fn ensure_unreferenced<C: ConnectionTrait>(
        &self,
        db: &C,
        id: Uuid,
        code: &'static str,
        subject: &str,
    ) -> Result<(), ServiceError> {
        let mut found = Vec::new();
        for reference in self.0.iter() {
            let count = reference.count(db, id).await?;
            if count > 0 {
                found.push(format!("{count} {}", reference.what));
            }
        }
        if found.is_empty() {
            return Ok(());
        }
        Err(ServiceError::conflict(
            code,
            format!(
                "this {subject} is still referenced by {}; remove those first",
                found.join(", ")
            ),
        ))
    }

    /// Soft-deletes the live row `before` (deleted now, inactive, one version
    /// on) and records `change` of the result with payload `{"id": …}`;
    /// refuses (409 `code`) while any reference holds it.
    pub async fn soft_delete<M, V>(
        &self,
        tx: &WriteTx,
        before: M,
        code: &'static str,
        subject: &str,
        change: impl FnOnce(&V) -> Change<'static>,
    ) -> Result<V, ServiceError>
    where
        M: SoftDeleted + ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel: Send,
        V: From<M>,
    {
        let id = before.id();
        self.ensure_unreferenced(tx.db(), id, code, subject).await?;
        let deleted = V::from(soft_delete(tx, before).await?);
        record(tx, change(&deleted), json!({ "id": id })).await?;
        Ok(deleted)
    }
}
