//! Changing a requirement: fields while DRAFT or ACTIVE (the whole checked
//! again), publish (DRAFT -> ACTIVE) and cancel (reason; not once FULFILLED,
//! EXPIRED or CANCELLED). An illegal transition is 409
//! `invalid_transition` naming the current status.

use infra::change::{Change, record_unchanged};
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, ServiceError, Written};
use serde_json::json;
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::requirement;
use super::input::{CancelRequirement, RequirementChanges};
use super::model::Requirement;
use super::reads::visible_to;
use super::rules::{Draft, check};
use super::{RequirementService, change, scaled, store, upper};
use crate::{REQUIREMENT_CREATE, events};

/// The statuses a requirement may be cancelled from.
pub const CANCELLABLE: [&str; 3] = ["DRAFT", "ACTIVE", "PARTIALLY_FULFILLED"];
/// The statuses a requirement's fields may change in.
pub const EDITABLE: [&str; 2] = ["DRAFT", "ACTIVE"];

fn invalid(status: &str, what: &str) -> ServiceError {
    ServiceError::conflict(
        "invalid_transition",
        format!("the requirement is {status}: it cannot be {what}"),
    )
}

/// Requirement `id` locked for a change by the transaction's actor: a
/// partner's user changes only its own (403 `out_of_scope` for one it sees,
/// 404 for one it does not).
async fn for_change(tx: &WriteTx, id: Uuid) -> Result<(requirement::Model, Requirement), ServiceError> {
    let row = infra::rows::for_update(tx, <requirement::Entity as sea_orm::EntityTrait>::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("requirement"))?;
    let view = store::view(tx.db(), row.clone()).await?;
    if let Some(own) = tx.actor().partner_id
        && row.buyer_partner_id != own
    {
        if visible_to(Some(own), &row, &view.invited_seller_ids) {
            return Err(ServiceError::OutOfScope("only the buyer changes its requirement"));
        }
        return Err(ServiceError::NotFound("requirement"));
    }
    Ok((row, view))
}

/// The draft of `view` with `changes` applied.
fn merged(view: &Requirement, changes: RequirementChanges) -> Draft {
    Draft {
        commodity_id: view.commodity_id,
        variety_id: view.variety_id,
        unit: view.unit.clone(),
        min_quantity: changes.min_quantity.unwrap_or(view.min_quantity).value(),
        preferred_quantity: changes
            .preferred_quantity
            .unwrap_or(view.preferred_quantity)
            .value(),
        max_quantity: changes.max_quantity.unwrap_or(view.max_quantity).value(),
        quality: changes
            .quality
            .unwrap_or_else(|| view.quality.as_object().cloned().unwrap_or_default()),
        max_price: changes.max_price.or(view.max_price).map(|m| m.value()),
        preferred_price: changes
            .preferred_price
            .or(view.preferred_price)
            .map(|m| m.value()),
        price_unit: view.price_unit.clone(),
        total_budget: changes.total_budget.or(view.total_budget).map(|m| m.value()),
        delivery_location_ids: changes
            .delivery_location_ids
            .unwrap_or_else(|| view.delivery_location_ids.clone()),
        allow_cross_state: changes.allow_cross_state.unwrap_or(view.allow_cross_state),
        delivery_from: changes.delivery_from.or(view.delivery_from),
        delivery_to: changes.delivery_to.or(view.delivery_to),
        payment_term_id: view.payment_term_id,
        delivery_term_id: view.delivery_term_id,
        visibility: upper(changes.visibility).unwrap_or_else(|| view.visibility.clone()),
        invited_seller_ids: changes
            .invited_seller_ids
            .unwrap_or_else(|| view.invited_seller_ids.clone()),
        urgency: view.urgency.clone(),
        intent: view.intent.clone(),
        valid_from: view.valid_from,
        valid_until: changes.valid_until.unwrap_or(view.valid_until),
    }
}

/// Whether `draft` changes what the precheck values: the base maximum, the
/// prices or the budget of `row`.
fn priced_differently(
    row: &requirement::Model,
    draft: &Draft,
    checked: &super::rules::Checked,
) -> Result<bool, ServiceError> {
    let opt = |v: Option<rust_decimal::Decimal>| v.map(scaled).transpose();
    Ok(scaled(checked.base_max_quantity)? != row.base_max_quantity
        || opt(draft.max_price)? != row.max_price
        || opt(draft.preferred_price)? != row.preferred_price
        || opt(draft.total_budget)? != row.total_budget)
}

/// The fields of `before` and `after` that differ, old and new.
fn diff(before: &Requirement, after: &Requirement) -> serde_json::Map<String, serde_json::Value> {
    let (old, new) = (json!(before), json!(after));
    let mut changes = serde_json::Map::new();
    if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
        for (key, value) in new {
            if ["version", "updated_at"].contains(&key.as_str()) {
                continue;
            }
            if old.get(key) != Some(value) {
                changes.insert(key.clone(), json!({ "old": old.get(key), "new": value }));
            }
        }
    }
    changes
}

impl<I: Infra> RequirementService<I> {
    /// Changes the fields sent of a DRAFT or ACTIVE requirement, the whole
    /// checked again (422 naming each broken field). `expected_version`
    /// (If-Match) or the body's `version`, when sent, must be current (412).
    /// Capability: REQUIREMENT_CREATE. Emits RequirementUpdated with the
    /// changes; a change that changes nothing is audited only.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: RequirementChanges,
        expected_version: Option<i64>,
    ) -> Result<Written<Requirement>, ServiceError> {
        require(actor, REQUIREMENT_CREATE)?;
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
                if !EDITABLE.contains(&row.status.as_str()) {
                    return Err(invalid(&row.status, "changed"));
                }
                let draft = merged(&view, changes);
                let checked = check(tx.db(), &units, &draft, tx.now()).await?;
                let mut next = row.clone();
                if priced_differently(&row, &draft, &checked)? {
                    let derived =
                        store::derive(tx.db(), row.buyer_partner_id, &units, &draft, &checked).await?;
                    next.base_max_price = derived.base_max_price.map(scaled).transpose()?;
                    super::precheck::store(&mut next, &derived.outcome, derived.value)?;
                }
                next.min_quantity = scaled(draft.min_quantity)?;
                next.preferred_quantity = scaled(draft.preferred_quantity)?;
                next.max_quantity = scaled(draft.max_quantity)?;
                next.base_min_quantity = scaled(checked.base_min_quantity)?;
                next.base_max_quantity = scaled(checked.base_max_quantity)?;
                next.quality = checked.quality;
                next.max_price = draft.max_price.map(scaled).transpose()?;
                next.preferred_price = draft.preferred_price.map(scaled).transpose()?;
                next.total_budget = draft.total_budget.map(scaled).transpose()?;
                next.allow_cross_state = draft.allow_cross_state;
                next.delivery_from = draft.delivery_from;
                next.delivery_to = draft.delivery_to;
                next.visibility = draft.visibility.clone();
                next.valid_until = draft.valid_until;
                let joins_changed = draft.delivery_location_ids != view.delivery_location_ids
                    || draft.invited_seller_ids != view.invited_seller_ids;
                if next == row && !joins_changed {
                    let event = change(events::REQUIREMENT_UPDATED, "requirement.update", &row);
                    record_unchanged(tx, event, json!({ "id": id, "changes": {} })).await?;
                    return Ok(view);
                }
                let next = infra::rows::save(tx, next).await?;
                if joins_changed {
                    store::replace_joins(tx, id, &draft.delivery_location_ids, &draft.invited_seller_ids)
                        .await?;
                }
                let after = store::view(tx.db(), next.clone()).await?;
                let changes = diff(&view, &after);
                let updated = change(events::REQUIREMENT_UPDATED, "requirement.update", &next);
                let payload = json!({ "id": id, "changes": changes });
                super::audience::record(tx, updated, &next, &after.invited_seller_ids, payload).await?;
                Ok(after)
            })
        })
        .await
    }

    /// Publishes a DRAFT requirement: ACTIVE (409 `invalid_transition`
    /// otherwise; 422 naming `valid_until` once its validity has passed).
    /// Capability: REQUIREMENT_CREATE. Emits RequirementPublished.
    pub async fn publish(&self, actor: &Actor, id: Uuid) -> Result<Written<Requirement>, ServiceError> {
        require(actor, REQUIREMENT_CREATE)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, _) = for_change(tx, id).await?;
                if row.status != "DRAFT" {
                    return Err(invalid(&row.status, "published"));
                }
                if row.valid_until <= tx.now() {
                    return Err(ServiceError::field(
                        "valid_until",
                        "has passed: change it before publishing",
                    ));
                }
                let mut next = row;
                next.status = "ACTIVE".into();
                let next = infra::rows::save(tx, next).await?;
                let view = store::view(tx.db(), next.clone()).await?;
                transition(
                    tx,
                    events::REQUIREMENT_PUBLISHED,
                    "requirement.publish",
                    &next,
                    json!({}),
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }

    /// Cancels a requirement with a reason (3 to 500 characters, 422 naming
    /// `reason`) from DRAFT, ACTIVE or PARTIALLY_FULFILLED (409
    /// `invalid_transition` otherwise). Capability: REQUIREMENT_CREATE.
    /// Emits RequirementCancelled.
    pub async fn cancel(
        &self,
        actor: &Actor,
        id: Uuid,
        input: CancelRequirement,
    ) -> Result<Written<Requirement>, ServiceError> {
        require(actor, REQUIREMENT_CREATE)?;
        let reason = input.reason.trim().to_owned();
        if !(3..=500).contains(&reason.chars().count()) {
            return Err(ServiceError::field("reason", "is required: 3 to 500 characters"));
        }
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (row, _) = for_change(tx, id).await?;
                if !CANCELLABLE.contains(&row.status.as_str()) {
                    return Err(invalid(&row.status, "cancelled"));
                }
                let mut next = row;
                next.status = "CANCELLED".into();
                next.cancel_reason = Some(reason.clone());
                let next = infra::rows::save(tx, next).await?;
                let view = store::view(tx.db(), next.clone()).await?;
                let payload = json!({ "reason": reason });
                transition(
                    tx,
                    events::REQUIREMENT_CANCELLED,
                    "requirement.cancel",
                    &next,
                    payload,
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }
}

/// Records a status change of `row` (now saved) with `extra` in the payload.
pub(crate) async fn transition(
    tx: &WriteTx,
    event: &str,
    action: &str,
    row: &requirement::Model,
    extra: serde_json::Value,
) -> Result<(), ServiceError> {
    let mut payload = json!({ "id": row.id, "number": row.number, "buyer_partner_id": row.buyer_partner_id,
        "commodity_id": row.commodity_id, "status": row.status });
    if let (Some(map), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        map.extend(extra);
    }
    let change: Change<'_> = change(event, action, row);
    let (_, invited) = store::joins(tx.db(), row.id).await?;
    super::audience::record(tx, change, row, &invited, payload).await
}
