//! Changing an availability: its fields while ACTIVE (the whole checked
//! again; the quantity only while nothing is reserved or sold), approve and
//! reject (staff, while PENDING) and cancel (a reason; not while a
//! reservation holds part of it). An illegal transition is 409
//! `invalid_transition` naming the current status.
//!
//! The cancel check reads the row's `reserved_quantity` (above 0 means some
//! reservation is active), which `crate::reservations` keeps in step with
//! their own rows, one conditional statement per move.

use infra::change::{Change, diff, record_unchanged};
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, ServiceError, Validator, Written};
use serde_json::json;
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::availability;
use super::input::{AvailabilityChanges, Reason};
use super::model::Availability;
use super::reads::visible_to;
use super::rules::{Draft, check};
use super::{AvailabilityService, store};
use crate::requirements::{scaled, upper};
use crate::{AVAILABILITY_APPROVE, AVAILABILITY_CREATE, AVAILABILITY_TOPIC, events};

/// The statuses an availability may be cancelled from.
pub const CANCELLABLE: [&str; 3] = ["DRAFT", "ACTIVE", "RESERVED"];

fn invalid(status: &str, what: &str) -> ServiceError {
    ServiceError::conflict(
        "invalid_transition",
        format!("the availability is {status}: it cannot be {what}"),
    )
}

/// Availability `id` locked for a change by the transaction's actor: a
/// partner's user changes only its own (403 `out_of_scope` for one it sees,
/// 404 for one it does not).
async fn for_change(tx: &WriteTx, id: Uuid) -> Result<(availability::Model, Availability), ServiceError> {
    let find = <availability::Entity as sea_orm::EntityTrait>::find_by_id(id);
    let row = infra::rows::for_update(tx, find)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))?;
    let view = store::view(tx.db(), row.clone()).await?;
    if let Some(own) = tx.actor().partner_id
        && row.seller_partner_id != own
    {
        if visible_to(Some(own), &row, &view.allowed_buyer_ids) {
            return Err(ServiceError::OutOfScope(
                "only the seller changes its availability",
            ));
        }
        return Err(ServiceError::NotFound("availability"));
    }
    Ok((row, view))
}

/// Approvals are staff's: a partner's user is 403 `out_of_scope`.
fn staff_only(actor: &Actor) -> Result<(), ServiceError> {
    require(actor, AVAILABILITY_APPROVE)?;
    if actor.partner_id.is_some() {
        return Err(ServiceError::OutOfScope(
            "staff approve and reject availabilities",
        ));
    }
    Ok(())
}

/// The draft of `view` with `changes` applied (a visibility other than
/// RESTRICTED sent without buyers clears the listed buyers).
fn merged(view: &Availability, changes: &AvailabilityChanges) -> Draft {
    let quantity = changes.quantity.unwrap_or(view.quantity).value();
    let visibility = upper(changes.visibility.clone()).unwrap_or_else(|| view.visibility.clone());
    let buyers = match &changes.allowed_buyer_ids {
        Some(ids) => ids.clone(),
        None if visibility != "RESTRICTED" => Vec::new(),
        None => view.allowed_buyer_ids.clone(),
    };
    Draft {
        seller: view.seller_partner_id,
        commodity_id: view.commodity_id,
        variety_id: view.variety_id,
        unit: view.unit.clone(),
        quantity,
        min_order_quantity: changes
            .min_order_quantity
            .or(view.min_order_quantity)
            .map(|q| q.value()),
        allow_partial: view.allow_partial,
        price_type: view.price_type.clone(),
        price: changes.price.or(view.price).map(|p| p.value()),
        price_unit: upper(changes.price_unit.clone()).or_else(|| view.price_unit.clone()),
        price_matrix: view.price_matrix.clone(),
        quality: view.quality.as_object().cloned().unwrap_or_default(),
        delivery_term_id: changes.delivery_term_id.or(view.delivery_term_id),
        payment_term_id: view.payment_term_id,
        delivery_from: changes.delivery_from.or(view.delivery_from),
        delivery_to: changes.delivery_to.or(view.delivery_to),
        visibility,
        allowed_buyer_ids: buyers,
        expires_at: changes.expires_at.unwrap_or(view.expires_at),
        test_report_document_id: view.test_report_document_id,
    }
}

impl<I: Infra> AvailabilityService<I> {
    /// Changes the fields sent of an ACTIVE availability (409
    /// `invalid_transition` otherwise): price, price unit, delivery window
    /// and term, visibility with its listed buyers, expiry; the quantity and
    /// minimum order only while nothing is reserved or sold (409
    /// `quantity_in_use`). The whole is checked again (422 naming each
    /// broken field). `expected_version` (If-Match) or the body's `version`,
    /// when sent, must be current (412). Capability: AVAILABILITY_CREATE.
    /// Emits AvailabilityUpdated with the changes; a change that changes
    /// nothing is audited only.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: AvailabilityChanges,
        expected_version: Option<i64>,
    ) -> Result<Written<Availability>, ServiceError> {
        require(actor, AVAILABILITY_CREATE)?;
        let expected = expected_version.or(changes.version);
        let units = Units::load(&self.infra).await?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, view) = for_change(tx, id).await?;
                if let Some(sent) = expected
                    && sent != row.version
                {
                    return Err(ServiceError::StaleVersion {
                        sent,
                        current: row.version,
                    });
                }
                if row.status != "ACTIVE" {
                    return Err(invalid(&row.status, "changed"));
                }
                let resized = changes.quantity.is_some() || changes.min_order_quantity.is_some();
                if resized && (row.reserved_quantity > 0 || row.sold_quantity > 0) {
                    return Err(ServiceError::conflict(
                        "quantity_in_use",
                        "part of the availability is reserved or sold: its quantity no longer changes",
                    ));
                }
                let draft = merged(&view, &changes);
                let checked = check(tx.db(), &units, &draft, tx.now(), Validator::new()).await?;
                let mut next = row.clone();
                next.total_quantity = scaled(draft.quantity)?;
                next.available_quantity = next.total_quantity - row.reserved_quantity - row.sold_quantity;
                next.base_quantity = scaled(checked.base_quantity)?;
                next.min_order_quantity = draft.min_order_quantity.map(scaled).transpose()?;
                next.price = draft.price.map(scaled).transpose()?;
                next.price_unit = draft.price_unit.clone();
                next.base_price = super::base_price(draft.price, checked.price_factor)?;
                next.delivery_term_id = draft.delivery_term_id;
                next.delivery_from = draft.delivery_from;
                next.delivery_to = draft.delivery_to;
                next.visibility = draft.visibility.clone();
                next.expires_at = draft.expires_at;
                let buyers_changed = draft.allowed_buyer_ids != view.allowed_buyer_ids;
                if next == row && !buyers_changed {
                    let change = Change::new(
                        AVAILABILITY_TOPIC,
                        events::AVAILABILITY_UPDATED,
                        "availability.update",
                        "availability",
                        id,
                        row.version,
                    );
                    record_unchanged(tx, change, json!({ "id": id, "changes": {} })).await?;
                    return Ok(view);
                }
                let next = infra::rows::save(tx, next).await.map_err(|e| {
                    use infra::DomainError;
                    if e.code() == "concurrent_change" {
                        super::duplicate(None)
                    } else {
                        e
                    }
                })?;
                if buyers_changed {
                    store::replace_buyers(tx, id, &draft.allowed_buyer_ids).await?;
                }
                let after = store::view(tx.db(), next.clone()).await?;
                let mut changed = diff(&json!(view), &json!(after));
                changed.remove("version");
                changed.remove("updated_at");
                let extra = json!({ "changes": changed });
                let buyers = &after.allowed_buyer_ids;
                store::record(
                    tx,
                    events::AVAILABILITY_UPDATED,
                    "availability.update",
                    &next,
                    buyers,
                    extra,
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Approves a PENDING availability: APPROVED and ACTIVE (409
    /// `invalid_transition` otherwise; 422 naming `expires_at` once it has
    /// passed). Staff with AVAILABILITY_APPROVE. Emits AvailabilityApproved.
    pub async fn approve(&self, actor: &Actor, id: Uuid) -> Result<Written<Availability>, ServiceError> {
        staff_only(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, view) = for_change(tx, id).await?;
                if row.approval_status != "PENDING" || row.status != "DRAFT" {
                    return Err(invalid(&row.approval_status, "approved"));
                }
                if row.expires_at <= tx.now() {
                    return Err(ServiceError::field(
                        "expires_at",
                        "has passed: it cannot be approved",
                    ));
                }
                let mut next = row;
                next.status = "ACTIVE".into();
                next.approval_status = "APPROVED".into();
                next.decided_by = tx.actor().user_id;
                next.decided_at = Some(tx.now());
                let next = infra::rows::save(tx, next).await?;
                let buyers = &view.allowed_buyer_ids;
                store::record(
                    tx,
                    events::AVAILABILITY_APPROVED,
                    "availability.approve",
                    &next,
                    buyers,
                    json!({}),
                )
                .await?;
                Ok(Availability::of(next, view.allowed_buyer_ids))
            })
        })
        .await
    }

    /// Rejects a PENDING availability with a reason (3 to 500 characters):
    /// REJECTED, never shown to others (409 `invalid_transition` unless
    /// PENDING). Staff with AVAILABILITY_APPROVE. Emits AvailabilityRejected.
    pub async fn reject(
        &self,
        actor: &Actor,
        id: Uuid,
        input: Reason,
    ) -> Result<Written<Availability>, ServiceError> {
        staff_only(actor)?;
        let reason = input.checked()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, view) = for_change(tx, id).await?;
                if row.approval_status != "PENDING" || row.status != "DRAFT" {
                    return Err(invalid(&row.approval_status, "rejected"));
                }
                let mut next = row;
                next.approval_status = "REJECTED".into();
                next.rejection_reason = Some(reason.clone());
                next.decided_by = tx.actor().user_id;
                next.decided_at = Some(tx.now());
                let next = infra::rows::save(tx, next).await?;
                let buyers = &view.allowed_buyer_ids;
                let extra = json!({ "reason": reason });
                store::record(
                    tx,
                    events::AVAILABILITY_REJECTED,
                    "availability.reject",
                    &next,
                    buyers,
                    extra,
                )
                .await?;
                Ok(Availability::of(next, view.allowed_buyer_ids))
            })
        })
        .await
    }

    /// Cancels an availability with a reason (3 to 500 characters) from
    /// DRAFT, ACTIVE or RESERVED (409 `invalid_transition` otherwise); 409
    /// `has_active_reservations` while a reservation holds part of it.
    /// Capability: AVAILABILITY_CREATE (the seller's, or staff). Emits
    /// AvailabilityCancelled.
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: Uuid,
        input: Reason,
    ) -> Result<Written<Availability>, ServiceError> {
        require(actor, AVAILABILITY_CREATE)?;
        let reason = input.checked()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, view) = for_change(tx, id).await?;
                if !CANCELLABLE.contains(&row.status.as_str()) {
                    return Err(invalid(&row.status, "cancelled"));
                }
                if row.reserved_quantity > 0 {
                    return Err(ServiceError::conflict(
                        "has_active_reservations",
                        "reservations hold part of the availability: release them (or let them expire) first",
                    ));
                }
                let mut next = row;
                next.status = "CANCELLED".into();
                next.cancel_reason = Some(reason.clone());
                let next = infra::rows::save(tx, next).await?;
                let buyers = &view.allowed_buyer_ids;
                let extra = json!({ "reason": reason });
                store::record(
                    tx,
                    events::AVAILABILITY_CANCELLED,
                    "availability.cancel",
                    &next,
                    buyers,
                    extra,
                )
                .await?;
                Ok(Availability::of(next, view.allowed_buyer_ids))
            })
        })
        .await
    }
}
