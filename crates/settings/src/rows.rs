//! Small row helpers shared by every "child of a parent" table: whether a
//! parent has no child yet, and keeping a flag on at most one child.

use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::SettingsError;

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
