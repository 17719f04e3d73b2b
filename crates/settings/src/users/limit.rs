//! The partner's employee limit for EXTERNAL users created here: at most
//! `partners.max_employees` enabled users besides the partner's first admin
//! (its earliest user), counted under the partner's row lock (PostgreSQL
//! `FOR UPDATE`; SQLite writes are serialised), so concurrent creates never
//! pass it; over it is 409 `employee_limit`, as on the partners' own paths.
//! The `partners` table belongs to a module above this one, so it is read by name.

use infra::write::WriteTx;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::entity::user;
use crate::error::SettingsError;

/// Refuses one more enabled user of `partner_id` past its employee limit.
pub(super) async fn ensure_room(tx: &WriteTx, partner_id: Uuid) -> Result<(), SettingsError> {
    let db = tx.db();
    let mut query = Query::select();
    query
        .column(Alias::new("max_employees"))
        .from(Alias::new("partners"))
        .and_where(Expr::col(Alias::new("id")).eq(partner_id));
    if db.get_database_backend() == DbBackend::Postgres {
        query.lock_exclusive();
    }
    let Some(row) = db.query_one(&query).await? else {
        return Err(SettingsError::field("partner_id", "is not a business partner"));
    };
    let max: i32 = row.try_get("", "max_employees")?;
    let first: Option<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::PartnerId.eq(partner_id))
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    let Some(first) = first else { return Ok(()) };
    let used = user::Entity::find()
        .filter(user::Column::PartnerId.eq(partner_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Id.ne(first))
        .count(db)
        .await?;
    if used >= u64::try_from(max).unwrap_or(0) {
        return Err(SettingsError::conflict(
            "employee_limit",
            format!(
                "the partner has its {max} employees besides its first admin; ask staff to raise max_employees"
            ),
        ));
    }
    Ok(())
}
