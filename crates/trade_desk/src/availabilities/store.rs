//! Rows of an availability: its listed buyers, the view read back, and the
//! change recorded with the audience its visibility allows.

use infra::ServiceError;
use infra::change::{Change, record_unchanged};
use infra::outbox::NewEvent;
use infra::write::WriteTx;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use uuid::Uuid;

use super::entity::{allowed_buyer, availability};
use super::model::Availability;
use crate::AVAILABILITY_TOPIC;

/// Replaces the listed buyers of availability `id`.
pub(super) async fn replace_buyers(tx: &WriteTx, id: Uuid, buyers: &[Uuid]) -> Result<(), ServiceError> {
    allowed_buyer::Entity::delete_many()
        .filter(allowed_buyer::Column::AvailabilityId.eq(id))
        .exec(tx.db())
        .await?;
    if !buyers.is_empty() {
        let rows = buyers.iter().map(|p| allowed_buyer::ActiveModel {
            availability_id: sea_orm::Set(id),
            partner_id: sea_orm::Set(*p),
        });
        allowed_buyer::Entity::insert_many(rows)
            .exec_without_returning(tx.db())
            .await?;
    }
    Ok(())
}

/// The listed buyers of availability `id`, in id order.
pub(crate) async fn buyers<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Vec<Uuid>, ServiceError> {
    Ok(allowed_buyer::Entity::find()
        .filter(allowed_buyer::Column::AvailabilityId.eq(id))
        .order_by_asc(allowed_buyer::Column::PartnerId)
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.partner_id)
        .collect())
}

/// The view of `row`, its listed buyers read from `db`.
pub(crate) async fn view<C: ConnectionTrait>(
    db: &C,
    row: availability::Model,
) -> Result<Availability, ServiceError> {
    let buyers = buyers(db, row.id).await?;
    Ok(Availability::of(row, buyers))
}

/// The views of `rows`, their listed buyers read in one query.
pub(crate) async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<availability::Model>,
) -> Result<Vec<Availability>, ServiceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let buyers = allowed_buyer::Entity::find()
        .filter(allowed_buyer::Column::AvailabilityId.is_in(ids))
        .order_by_asc(allowed_buyer::Column::PartnerId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let of_row = buyers
                .iter()
                .filter(|b| b.availability_id == id)
                .map(|b| b.partner_id);
            Availability::of(row, of_row.collect())
        })
        .collect())
}

/// Whether `row` has been approved (by staff or automatically).
pub fn approved(row: &availability::Model) -> bool {
    matches!(row.approval_status.as_str(), "APPROVED" | "AUTO_APPROVED")
}

/// The partners an event about `row` (with its listed `buyers`) is for:
/// `None` for an approved PUBLIC one (every partner); else the seller,
/// and for an approved RESTRICTED one its listed buyers. Staff receive
/// every availability event (the area's scope lets them).
pub fn audience(row: &availability::Model, buyers: &[Uuid]) -> Option<Vec<Uuid>> {
    let mut partners = vec![row.seller_partner_id];
    if approved(row) {
        match row.visibility.as_str() {
            "PUBLIC" => return None,
            "RESTRICTED" => partners.extend(buyers.iter().copied()),
            _ => {}
        }
    }
    Some(partners)
}

/// Records `event` about `row` (saved already, with listed `buyers`): its
/// outbox event on `availability-events` for the audience of [`audience`]
/// and its audit row `action`. The payload carries `id`, `commodity_id`
/// (the `commodity:{id}:availabilities` stream), `seller_partner_id` and
/// `status`, plus `extra`.
pub(super) async fn record(
    tx: &WriteTx,
    event: &str,
    action: &str,
    row: &availability::Model,
    buyers: &[Uuid],
    extra: Value,
) -> Result<(), ServiceError> {
    let mut payload = serde_json::json!({
        "id": row.id, "commodity_id": row.commodity_id, "seller_partner_id": row.seller_partner_id,
        "status": row.status, "approval_status": row.approval_status, "visibility": row.visibility,
    });
    if let (Some(map), Value::Object(extra)) = (payload.as_object_mut(), extra) {
        map.extend(extra);
    }
    let mut new = NewEvent::new(
        AVAILABILITY_TOPIC,
        event,
        "availability",
        row.id,
        row.version,
        &payload,
    )?;
    if let Some(partners) = audience(row, buyers) {
        new = new.for_partners(partners);
    }
    tx.emit(new).await?;
    let change = Change::new(
        AVAILABILITY_TOPIC,
        event,
        action,
        "availability",
        row.id,
        row.version,
    );
    record_unchanged(tx, change, payload).await
}
