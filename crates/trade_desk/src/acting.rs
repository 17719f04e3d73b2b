//! Who a trade desk write acts for: a partner's user for its own partner;
//! staff (INTERNAL users with the capability, acting for a partner) name it.
//! And whether that partner may take the side it acts on.

use infra::{Actor, ServiceError};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use partners::entity::partner;
use risk::validations::{TradeSide, needed_capability, takes_side};

/// The partner `actor` acts for: its own, or the one staff named in
/// `field`. A partner's user naming another partner is 403
/// `out_of_scope`; staff naming none is 422 naming `field`.
pub fn acting_for(actor: &Actor, named: Option<Uuid>, field: &str) -> Result<Uuid, ServiceError> {
    match (actor.partner_id, named) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(named)) if named == own => Ok(own),
        (Some(_), Some(_)) => Err(ServiceError::OutOfScope(
            "a partner's user acts for its own partner only",
        )),
        (None, Some(named)) => Ok(named),
        (None, None) => Err(ServiceError::field(
            field,
            "is required when staff act for a partner",
        )),
    }
}

/// The buyer `id`, able to buy now ([`able_party`] on the buy side).
pub async fn able_buyer<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    field: &str,
) -> Result<partner::Model, ServiceError> {
    able_party(db, id, TradeSide::Buy, field).await
}

/// The seller `id`, able to sell now ([`able_party`] on the sell side).
pub async fn able_seller<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    field: &str,
) -> Result<partner::Model, ServiceError> {
    able_party(db, id, TradeSide::Sell, field).await
}

/// The partner `id`, able to take `side` now: approved (422 naming `field`
/// when there is no such partner), not suspended (403 `partner_suspended`),
/// KYC verified (403 `kyc_not_verified`), of a type that takes the side
/// (403 `side_not_allowed`; importers buy and exporters sell across the
/// border) and holding the capability for it (`domestic_buy_india`,
/// `export_allowed`, ...: 403 naming it). The rule is risk's
/// [`risk::validations::may_take`].
pub async fn able_party<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    side: TradeSide,
    field: &str,
) -> Result<partner::Model, ServiceError> {
    let row = partner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::field(field, "is not a business partner"))?;
    if row.status == "suspended" {
        return Err(ServiceError::refused(
            "partner_suspended",
            "the partner is suspended; its writes are refused until it is reactivated",
        ));
    }
    if row.status != "approved" {
        return Err(ServiceError::field(field, "is not an approved partner"));
    }
    if row.kyc_status != "verified" && row.kyc_status != "renewal_required" {
        return Err(ServiceError::refused(
            "kyc_not_verified",
            "the partner's KYC is not verified; renew it first",
        ));
    }
    let cross_border = matches!(row.partner_type.as_str(), "importer" | "exporter");
    if !takes_side(&row.partner_type, side, cross_border) {
        let (verb, who) = match side {
            TradeSide::Buy => ("buy", "buyers, traders and importers do"),
            TradeSide::Sell => ("sell", "sellers, traders and exporters do"),
        };
        return Err(ServiceError::refused(
            "side_not_allowed",
            format!("a {} does not {verb}; {who}", row.partner_type),
        ));
    }
    let held: Vec<String> = serde_json::from_value(row.capabilities.clone()).unwrap_or_default();
    let needed = needed_capability(side, cross_border, &row.country);
    if !held.iter().any(|h| h == needed) {
        return Err(ServiceError::Forbidden(needed.into()));
    }
    Ok(row)
}
