//! Changing a partner's fields and its credit limit.

use infra::change::{diff_of, record_update};
use infra::rows::{VersionRule, check_version, save_if_changed};
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Validator, Written};
use serde_json::json;
use settings::users::{normalize_email, normalize_mobile};
use uuid::Uuid;

use super::{
    PartnerService, SetCreditLimit, Tier, UpdatePartner, change, for_change, mask, reason_of, staff_only,
};
use crate::entity::partner;
use crate::model::Partner;
use crate::{PARTNER_APPROVE, PARTNER_MANAGE, events};

/// `row` with the fields of `input` applied, validated (422 naming each bad field).
fn apply(mut row: partner::Model, input: UpdatePartner) -> Result<partner::Model, ServiceError> {
    let mut v = Validator::new();
    if let Some(contact) = input.contact {
        let name = contact.full_name.trim();
        v.check(
            (2..=200).contains(&name.chars().count()),
            "contact.full_name",
            "must be 2 to 200 characters",
        );
        row.contact_name = name.to_owned();
        if let Some(mobile) = v.take("contact.mobile", normalize_mobile(&contact.mobile)) {
            row.contact_mobile = mobile;
        }
        let email = contact.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        row.contact_email = email.and_then(|e| v.take("contact.email", normalize_email(e)));
    }
    if let Some(trade_name) = input.trade_name {
        let trade_name = trade_name.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        v.check(
            trade_name.as_ref().is_none_or(|t| t.chars().count() <= 300),
            "trade_name",
            "must be at most 300 characters",
        );
        row.trade_name = trade_name;
    }
    if let Some(max) = input.max_employees {
        v.check((0..=1000).contains(&max), "max_employees", "must be 0 to 1000");
        row.max_employees = max;
    }
    if let Some(tier) = input.rate_limit_tier.as_deref() {
        match Tier::parse(tier) {
            Some(tier) => row.rate_limit_tier = tier.as_str().to_owned(),
            None => {
                v.check(
                    false,
                    "rate_limit_tier",
                    "must be FREE, BASIC, PREMIUM or ENTERPRISE",
                );
            }
        }
    }
    v.finish()?;
    Ok(row)
}

impl<I: Infra> PartnerService<I> {
    /// Changes the fields sent: contact, trade name and `max_employees` need
    /// PARTNER_MANAGE, `rate_limit_tier` needs PARTNER_APPROVE; a partner's own
    /// users (PARTNER_ADMIN) change contact and trade name only.
    /// `expected_version` (If-Match) or the body's `version` must be current
    /// when sent (412 otherwise). Emits PartnerUpdated when something changed.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: UpdatePartner,
        expected_version: Option<i64>,
    ) -> Result<Written<Partner>, ServiceError> {
        if input.manages() || input.rate_limit_tier.is_none() {
            require(actor, PARTNER_MANAGE)?;
        }
        if input.rate_limit_tier.is_some() {
            require(actor, PARTNER_APPROVE)?;
        }
        if input.rate_limit_tier.is_some() || input.max_employees.is_some() {
            staff_only(actor)?;
        }
        let expected = expected_version.or(input.version);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, id).await?;
                check_version(expected, before.version, VersionRule::Optional)?;
                let next = apply(before.clone(), input)?;
                let (after, _) = save_if_changed(tx, &before, next).await?;
                let old = mask::partner(Partner::from(before));
                let partner = Partner::from(after);
                let changes = diff_of(&old, &mask::partner(partner.clone()))?;
                let payload = json!({ "id": id, "changes": &changes });
                let event = change(events::PARTNER_UPDATED, "partner.update", &partner);
                record_update(tx, event, &changes, payload).await?;
                Ok(partner)
            })
        })
        .await
    }

    /// Sets the credit limit (0 or more) with a reason. Capability: PARTNER_APPROVE.
    /// Emits PartnerCreditLimitChanged with the old and new limit, and calls
    /// the [`CreditLimitHook`](super::CreditLimitHook) when it changed.
    pub async fn set_credit_limit(
        &self,
        actor: &Actor,
        id: Uuid,
        input: SetCreditLimit,
    ) -> Result<Written<Partner>, ServiceError> {
        require(actor, PARTNER_APPROVE)?;
        staff_only(actor)?;
        let reason = reason_of(&input.reason)?;
        if input.credit_limit.value().is_sign_negative() && !input.credit_limit.value().is_zero() {
            return Err(ServiceError::field("credit_limit", "must be 0 or more"));
        }
        let limit = input.credit_limit.scaled();
        let hook = self.limit_hook.clone();
        write(&self.infra, actor, move |tx| {
            let hook = hook.clone();
            Box::pin(async move {
                let before = for_change(tx, id).await?;
                let old = infra::Money::from_scaled(before.credit_limit);
                let mut next = before.clone();
                next.credit_limit = limit;
                let (after, changed) = save_if_changed(tx, &before, next).await?;
                let partner = Partner::from(after);
                let payload = json!({
                    "id": id, "old": old, "new": partner.credit_limit, "reason": reason,
                });
                let event = change(
                    events::PARTNER_CREDIT_LIMIT_CHANGED,
                    "partner.credit_limit",
                    &partner,
                );
                if changed {
                    tx.record(event, payload).await?;
                    if let Some(hook) = &hook {
                        hook.credit_limit_changed(tx, id, before.credit_limit, limit)
                            .await?;
                    }
                } else {
                    infra::change::record_unchanged(tx, event, payload).await?;
                }
                Ok(partner)
            })
        })
        .await
    }
}
