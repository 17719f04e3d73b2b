//! Who a trade desk write acts for: a partner's user for its own partner;
//! staff (INTERNAL users with the capability, acting for a partner) name it.
//! And whether that partner may take the side it acts on.

use infra::{Actor, ServiceError};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use partners::entity::partner;

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

/// The buyer `id`, able to buy now: approved (422 naming `field` when
/// there is no such partner), not suspended (403 `partner_suspended`), KYC
/// verified (403 `kyc_not_verified`), of a type that buys (buyer, trader,
/// importer) and holding a buy capability (`domestic_buy_india`,
/// `domestic_buy_home` or, for importers, `import_allowed`; 403 naming it).
pub async fn able_buyer<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
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
    let buys = matches!(row.partner_type.as_str(), "buyer" | "trader" | "importer");
    if !buys {
        return Err(ServiceError::refused(
            "side_not_allowed",
            format!(
                "a {} does not buy; buyers, traders and importers do",
                row.partner_type
            ),
        ));
    }
    let held: Vec<String> = serde_json::from_value(row.capabilities.clone()).unwrap_or_default();
    let wanted: &[&str] = if row.partner_type == "importer" {
        &["import_allowed"]
    } else if row.country == "IN" {
        &["domestic_buy_india"]
    } else {
        &["domestic_buy_home"]
    };
    if !wanted.iter().any(|w| held.iter().any(|h| h == w)) {
        return Err(ServiceError::Forbidden(wanted[0].into()));
    }
    Ok(row)
}
