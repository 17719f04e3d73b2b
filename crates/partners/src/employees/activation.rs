//! The first OTP login of an invited employee makes it active: `user_auth`
//! calls its [`LoginHook`](user_auth::LoginHook) inside the transaction
//! that opens the session, and this is the partners' implementation.

use futures::future::BoxFuture;
use infra::ServiceError;
use infra::change::record;
use infra::write::WriteTx;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use settings::users::entity::user;

use super::{change, entity};
use crate::entity::partner;
use crate::events;

/// Activates invited employees at their first login.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmployeeActivation;

impl user_auth::LoginHook for EmployeeActivation {
    fn session_opened<'a>(
        &'a self,
        tx: &'a WriteTx,
        user: &'a user::Model,
    ) -> BoxFuture<'a, Result<(), ServiceError>> {
        Box::pin(activate(tx, user))
    }
}

/// Marks `user` active if it is an invited employee (one conditional update,
/// so two logins at once activate it once), with PartnerEmployeeActivated.
async fn activate(tx: &WriteTx, user: &user::Model) -> Result<(), ServiceError> {
    let Some(partner_id) = user.partner_id else {
        return Ok(());
    };
    let now = tx.now();
    let changed = entity::Entity::update_many()
        .col_expr(entity::Column::Status, sea_orm::sea_query::Expr::value("active"))
        .col_expr(entity::Column::ActivatedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(entity::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(
            entity::Column::Version,
            sea_orm::sea_query::Expr::col(entity::Column::Version).add(1),
        )
        .filter(entity::Column::UserId.eq(user.id))
        .filter(entity::Column::Status.eq("invited"))
        .exec(tx.db())
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(());
    }
    let Some(partner) = partner::Entity::find_by_id(partner_id).one(tx.db()).await? else {
        return Ok(());
    };
    let event = change(
        events::PARTNER_EMPLOYEE_ACTIVATED,
        "partner_employee.activate",
        &partner,
        user.id,
    );
    let body = json!({ "partner_id": partner_id, "user_id": user.id, "activated_at": now });
    record(tx, event, body).await
}
