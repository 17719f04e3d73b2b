//! The employee limit: at most `partners.max_employees` enabled users of a
//! partner besides its first admin (its earliest user, the one created at
//! approval), counted under the partner's row lock.

use infra::ServiceError;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use settings::users::entity::user;
use uuid::Uuid;

use crate::entity::partner;

/// How many slots `partner_id`'s enabled users other than its first admin take.
pub async fn used_slots<C: ConnectionTrait>(db: &C, partner_id: Uuid) -> Result<u64, ServiceError> {
    let first: Option<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::PartnerId.eq(partner_id))
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    let Some(first) = first else { return Ok(0) };
    Ok(user::Entity::find()
        .filter(user::Column::PartnerId.eq(partner_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Id.ne(first))
        .count(db)
        .await?)
}

/// Refuses one more enabled user of `partner` (409 `employee_limit`); the
/// caller holds the partner's row lock, so concurrent checks are serialised.
pub async fn ensure_room<C: ConnectionTrait>(db: &C, partner: &partner::Model) -> Result<(), ServiceError> {
    let max = u64::try_from(partner.max_employees).unwrap_or(0);
    if used_slots(db, partner.id).await? >= max {
        return Err(ServiceError::conflict(
            "employee_limit",
            format!(
                "the partner has its {max} employees besides its first admin; disable one or ask staff to raise max_employees"
            ),
        ));
    }
    Ok(())
}
