//! The event of a change to an availability's quantities (a reservation, a
//! release, an expiry, a sale or its reversal): on `availability-events`,
//! the availability the aggregate at its new version (the ETag), for the
//! two parties (staff pass the area's scope), with its audit row.

use infra::Quantity;
use infra::ServiceError;
use infra::change::{Change, record_unchanged};
use infra::outbox::NewEvent;
use infra::write::WriteTx;
use serde_json::{Value, json};
use uuid::Uuid;

use super::entity::availability;
use crate::AVAILABILITY_TOPIC;

/// Records `event` (audit `action`) about `offer`, saved already, for
/// `parties` (the buyer and the seller). The payload names `id`,
/// `commodity_id`, `seller_partner_id`, `status` and the three quantities,
/// then `extra`'s fields.
pub async fn record(
    tx: &WriteTx,
    event: &str,
    action: &str,
    offer: &availability::Model,
    parties: [Uuid; 2],
    extra: Value,
) -> Result<(), ServiceError> {
    let mut payload = json!({
        "id": offer.id, "commodity_id": offer.commodity_id, "seller_partner_id": offer.seller_partner_id,
        "status": offer.status, "available_quantity": Quantity::from_scaled(offer.available_quantity),
        "reserved_quantity": Quantity::from_scaled(offer.reserved_quantity),
        "sold_quantity": Quantity::from_scaled(offer.sold_quantity),
    });
    if let (Some(map), Value::Object(extra)) = (payload.as_object_mut(), extra) {
        map.extend(extra);
    }
    let new = NewEvent::new(
        AVAILABILITY_TOPIC,
        event,
        "availability",
        offer.id,
        offer.version,
        &payload,
    )?
    .for_partners(parties);
    tx.emit(new).await?;
    let change = Change::new(
        AVAILABILITY_TOPIC,
        event,
        action,
        "availability",
        offer.id,
        offer.version,
    );
    record_unchanged(tx, change, payload).await
}
