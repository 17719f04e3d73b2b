//! Small row helpers shared by the tables of this crate: saving a changed row
//! one version on, soft deletes, whether a parent has no child yet, and
//! keeping a flag on at most one child.

use chrono::{DateTime, Utc};
use infra::write::WriteTx;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter};
use uuid::Uuid;

use crate::error::SettingsError;

/// A row that counts its versions (`version`) and keeps its last change time (`updated_at`).
pub(crate) trait Versioned {
    /// One version on, changed at `now`.
    fn bump(&mut self, now: DateTime<Utc>);
}

/// A row deleted by keeping it with `deleted_at` set and `is_active` off.
pub(crate) trait SoftDeleted: Versioned {
    /// Its id.
    fn id(&self) -> Uuid;
    /// Marks it deleted at `now` and inactive.
    fn retire(&mut self, now: DateTime<Utc>);
}

/// Implements [`Versioned`] for entity models with `version` and `updated_at`.
macro_rules! versioned {
    ($($model:ty),+ $(,)?) => {$(
        impl $crate::rows::Versioned for $model {
            fn bump(&mut self, now: chrono::DateTime<chrono::Utc>) {
                self.version += 1;
                self.updated_at = now;
            }
        }
    )+};
}

/// Implements [`Versioned`] and [`SoftDeleted`] for entity models that also
/// have `id`, `is_active` and `deleted_at`.
macro_rules! soft_deleted {
    ($($model:ty),+ $(,)?) => {$(
        $crate::rows::versioned!($model);

        impl $crate::rows::SoftDeleted for $model {
            fn id(&self) -> uuid::Uuid {
                self.id
            }

            fn retire(&mut self, now: chrono::DateTime<chrono::Utc>) {
                self.deleted_at = Some(now);
                self.is_active = false;
            }
        }
    )+};
}

pub(crate) use {soft_deleted, versioned};

/// Saves every column of `next`, one version on and changed at the
/// transaction's time; callers skip this when nothing changed.
pub(crate) async fn save<M>(tx: &WriteTx, mut next: M) -> Result<M, SettingsError>
where
    M: Versioned + ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: Send,
{
    next.bump(tx.now());
    Ok(next.into_active_model().reset_all().update(tx.db()).await?)
}

/// Soft-deletes the live row `before`: deleted now, inactive, one version on.
pub(crate) async fn soft_delete<M>(tx: &WriteTx, before: M) -> Result<M, SettingsError>
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
pub(crate) fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// Whether `parent_id` has no row in table `E` yet, through column `parent`.
pub(crate) async fn is_first<E: EntityTrait, D: ConnectionTrait>(
    db: &D,
    parent: &'static str,
    parent_id: Uuid,
) -> Result<bool, SettingsError> {
    Ok(E::find()
        .filter(col(parent).eq(parent_id))
        .one(db)
        .await?
        .is_none())
}

/// Clears boolean column `flag` on every other row of the parent, so at most
/// one row holds it (one primary GSTIN, one default account, one standard variety).
pub(crate) async fn clear_flag<E: EntityTrait, D: ConnectionTrait>(
    db: &D,
    parent: &'static str,
    parent_id: Uuid,
    keep: Uuid,
    flag: &'static str,
) -> Result<(), SettingsError> {
    E::update_many()
        .col_expr(Alias::new(flag), Expr::value(false))
        .filter(col(parent).eq(parent_id))
        .filter(col("id").ne(keep))
        .filter(col(flag).eq(true))
        .exec(db)
        .await?;
    Ok(())
}
