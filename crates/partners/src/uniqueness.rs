//! The checks an application needs the database for: its GSTIN and PAN not
//! held by a partner or another open application (409 `tax_id_in_use`, a PAN
//! allowed when the application is a branch of that PAN's partner), one open
//! application per mobile (409 `application_in_progress`), a mobile not yet a
//! user's, and the master partner and commodities existing (422).

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, SqlErr};
use uuid::Uuid;

use infra::ServiceError;

use crate::entity::{application, partner};
use crate::types::ApplicationStatus;
use crate::validate::Valid;

const OPEN: [ApplicationStatus; 3] = [
    ApplicationStatus::Draft,
    ApplicationStatus::Submitted,
    ApplicationStatus::InfoRequested,
];

pub(crate) fn open_statuses() -> Vec<&'static str> {
    OPEN.iter().map(|s| s.as_str()).collect()
}

fn in_use(field: &str, value: &str, holder: &str) -> ServiceError {
    ServiceError::conflict(
        "tax_id_in_use",
        format!("{field} {value} is already held by {holder}"),
    )
}

/// Every database check of `valid`, for application `this` (none when starting).
pub async fn check<C: ConnectionTrait>(
    db: &C,
    valid: &Valid,
    this: Option<Uuid>,
) -> Result<(), ServiceError> {
    let input = &valid.input;
    let others = |q: sea_orm::Select<application::Entity>| match this {
        Some(id) => q.filter(application::Column::Id.ne(id)),
        None => q,
    };
    let open =
        || others(application::Entity::find().filter(application::Column::Status.is_in(open_statuses())));
    if this.is_none() {
        if let Some(found) = open()
            .filter(application::Column::ContactMobile.eq(&input.contact.mobile))
            .one(db)
            .await?
        {
            return Err(ServiceError::conflict(
                "application_in_progress",
                format!(
                    "an application started with this mobile is in progress ({}); continue it instead",
                    found.id
                ),
            ));
        }
        let user = settings::users::entity::user::Entity::find()
            .filter(settings::users::entity::user::Column::Mobile.eq(&input.contact.mobile))
            .count(db)
            .await?;
        if user > 0 {
            return Err(ServiceError::conflict(
                "mobile_in_use",
                "this mobile already belongs to a user; a partner's first user needs a new number",
            ));
        }
    }
    let master = match input.master_partner_id {
        Some(id) => Some(
            partner::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| ServiceError::field("master_partner_id", "is not a partner"))?,
        ),
        None => None,
    };
    if let Some(gstin) = &input.gstin {
        if partner::Entity::find()
            .filter(partner::Column::Gstin.eq(gstin))
            .count(db)
            .await?
            > 0
        {
            return Err(in_use("GSTIN", gstin, "a partner"));
        }
        if open()
            .filter(application::Column::Gstin.eq(gstin))
            .count(db)
            .await?
            > 0
        {
            return Err(in_use("GSTIN", gstin, "an open application"));
        }
    }
    if let Some(pan) = &input.pan {
        let branch_of_holder = master.as_ref().is_some_and(|m| m.pan.as_deref() == Some(pan));
        if !branch_of_holder {
            if partner::Entity::find()
                .filter(partner::Column::Pan.eq(pan))
                .count(db)
                .await?
                > 0
            {
                return Err(in_use(
                    "PAN",
                    pan,
                    "a partner (name it as master_partner_id for a branch)",
                ));
            }
            if open().filter(application::Column::Pan.eq(pan)).count(db).await? > 0 {
                return Err(in_use("PAN", pan, "an open application"));
            }
        }
    }
    check_commodities(db, &input.commodity_ids).await
}

async fn check_commodities<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<(), ServiceError> {
    if ids.is_empty() {
        return Ok(());
    }
    use settings::commodities::entity::commodity;
    let found = commodity::Entity::find()
        .filter(commodity::Column::Id.is_in(ids.to_vec()))
        .filter(commodity::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    if found as usize != ids.len() {
        return Err(ServiceError::field(
            "commodity_ids",
            "names a commodity that does not exist",
        ));
    }
    Ok(())
}

/// A unique index refusing a concurrent write, told as the rule it holds.
pub fn unique_violation(e: DbErr) -> ServiceError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = e.sql_err() {
        if message.contains("mobile") {
            return ServiceError::conflict(
                "application_in_progress",
                "an application started with this mobile is in progress; continue it instead",
            );
        }
        if message.contains("gstin") {
            return ServiceError::conflict(
                "tax_id_in_use",
                "this GSTIN is already held by a partner or an open application",
            );
        }
        if message.contains("code") {
            return ServiceError::conflict(
                "concurrent_change",
                "a concurrent approval took this partner code; retry",
            );
        }
    }
    ServiceError::from(e)
}
