//! Versioned rows: saving a changed row one version on, the one stale-version
//! check, soft deletes, whether a parent has no child yet, and keeping a flag
//! on at most one child.
//!
//! A table opts in with [`versioned!`](crate::versioned) (columns `version`,
//! `updated_at`) or [`soft_deleted!`](crate::soft_deleted) (also `id`,
//! `is_active`, `deleted_at`) on its sea-orm model:
//!
//! ```ignore
//! infra::soft_deleted!(location::Model);
//! let next = infra::rows::save(tx, changed).await?; // version + 1, updated_at = tx.now()
//! ```

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter};
use uuid::Uuid;

use crate::service_error::ServiceError;
use crate::write::WriteTx;

/// The time type of [`Versioned::bump`], for the macros.
pub type Timestamp = DateTime<Utc>;
/// The id type of [`SoftDeleted::id`], for the macros.
pub type Id = Uuid;

/// A row that counts its versions (`version`) and keeps its last change time (`updated_at`).
pub trait Versioned {
    /// One version on, changed at `now`.
    fn bump(&mut self, now: Timestamp);
}

/// A row deleted by keeping it with `deleted_at` set and `is_active` off.
pub trait SoftDeleted: Versioned {
    /// Its id.
    fn id(&self) -> Id;
    /// Marks it deleted at `now` and inactive.
    fn retire(&mut self, now: Timestamp);
}

/// Implements [`Versioned`] for entity models with `version` and `updated_at`.
#[macro_export]
macro_rules! versioned {
    ($($model:ty),+ $(,)?) => {$(
        impl $crate::rows::Versioned for $model {
            fn bump(&mut self, now: $crate::rows::Timestamp) {
                self.version += 1;
                self.updated_at = now;
            }
        }
    )+};
}

/// Implements [`Versioned`] and [`SoftDeleted`] for entity models that also
/// have `id`, `is_active` and `deleted_at`.
#[macro_export]
macro_rules! soft_deleted {
    ($($model:ty),+ $(,)?) => {$(
        $crate::versioned!($model);

        impl $crate::rows::SoftDeleted for $model {
            fn id(&self) -> $crate::rows::Id {
                self.id
            }

            fn retire(&mut self, now: $crate::rows::Timestamp) {
                self.deleted_at = Some(now);
                self.is_active = false;
            }
        }
    )+};
}

/// How a resource treats the version an update says it is based on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionRule {
    /// Optional (`If-Match` or the body's `version`); a stale one is 412 `stale_version`.
    Optional,
    /// Required; missing is 422 naming `version`, a stale one is 409 `stale_version`
    /// (financial years).
    Required,
}

/// The one stale-version check: `sent` (from `If-Match` or the body) against
/// the row's `current` version under `rule`.
pub fn check_version(sent: Option<i64>, current: i64, rule: VersionRule) -> Result<(), ServiceError> {
    match (sent, rule) {
        (None, VersionRule::Required) => Err(ServiceError::field(
            "version",
            "is required: send the version you read (or If-Match)",
        )),
        (Some(sent), VersionRule::Required) if sent != current => {
            Err(ServiceError::VersionConflict { sent, current })
        }
        (Some(sent), VersionRule::Optional) if sent != current => {
            Err(ServiceError::StaleVersion { sent, current })
        }
        _ => Ok(()),
    }
}

/// Saves every column of `next`, one version on and changed at the
/// transaction's time; callers skip this when nothing changed.
pub async fn save<M>(tx: &WriteTx, mut next: M) -> Result<M, ServiceError>
where
    M: Versioned + ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: Send,
{
    next.bump(tx.now());
    Ok(next.into_active_model().reset_all().update(tx.db()).await?)
}

/// Saves `next` one version on unless it equals `before`; returns the row as it is now
/// and whether it changed.
pub async fn save_if_changed<M>(tx: &WriteTx, before: &M, next: M) -> Result<(M, bool), ServiceError>
where
    M: Versioned + ModelTrait + PartialEq + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: Send,
{
    if &next == before {
        return Ok((next, false));
    }
    Ok((save(tx, next).await?, true))
}

/// Soft-deletes the live row `before`: deleted now, inactive, one version on.
pub async fn soft_delete<M>(tx: &WriteTx, before: M) -> Result<M, ServiceError>
where
    M: SoftDeleted + ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: Send,
{
    let mut next = before;
    next.retire(tx.now());
    save(tx, next).await
}

/// Column `name` as an expression.
pub fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// Whether `parent_id` has no row in table `E` yet, through column `parent`.
pub async fn is_first<E: EntityTrait, D: ConnectionTrait>(
    db: &D,
    parent: &str,
    parent_id: Uuid,
) -> Result<bool, ServiceError> {
    Ok(E::find()
        .filter(col(parent).eq(parent_id))
        .one(db)
        .await?
        .is_none())
}

/// Clears boolean column `flag` on every other row of the parent that holds
/// it, so at most one row holds it (one primary GSTIN, one default account,
/// one standard variety); each row it clears moves one version on, so its
/// `ETag` changes with it.
pub async fn clear_flag<E: EntityTrait>(
    tx: &WriteTx,
    parent: &str,
    parent_id: Uuid,
    keep: Uuid,
    flag: &str,
) -> Result<(), ServiceError> {
    E::update_many()
        .col_expr(Alias::new(flag), Expr::value(false))
        .col_expr(Alias::new("version"), col("version").add(1))
        .col_expr(Alias::new("updated_at"), Expr::value(tx.now()))
        .filter(col(parent).eq(parent_id))
        .filter(col("id").ne(keep))
        .filter(col(flag).eq(true))
        .exec(tx.db())
        .await?;
    Ok(())
}

/// `query` locking its rows for the rest of `tx` on PostgreSQL (`FOR UPDATE`);
/// SQLite runs one writer at a time, so its query is left as it is.
pub fn for_update<E: EntityTrait>(tx: &WriteTx, query: sea_orm::Select<E>) -> sea_orm::Select<E> {
    for_update_on(tx.db(), query)
}

/// [`for_update`] over any connection `db` (a transaction the caller holds):
/// `FOR UPDATE` on PostgreSQL, the query as it is on SQLite.
pub fn for_update_on<C: sea_orm::ConnectionTrait, E: EntityTrait>(
    db: &C,
    query: sea_orm::Select<E>,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        query.lock_exclusive()
    } else {
        query
    }
}

#[cfg(test)]
mod tests {
    use super::{VersionRule, check_version};
    use crate::ServiceError;

    #[test]
    fn one_check_for_every_version_rule() {
        assert!(check_version(None, 3, VersionRule::Optional).is_ok());
        assert!(check_version(Some(3), 3, VersionRule::Required).is_ok());
        assert!(matches!(
            check_version(Some(2), 3, VersionRule::Optional),
            Err(ServiceError::StaleVersion { sent: 2, current: 3 })
        ));
        assert!(matches!(
            check_version(Some(2), 3, VersionRule::Required),
            Err(ServiceError::VersionConflict { sent: 2, current: 3 })
        ));
        assert!(matches!(
            check_version(None, 3, VersionRule::Required),
            Err(ServiceError::Invalid(_))
        ));
    }
}
