//! A partner's trade capabilities: read as `{code: bool}` over every known
//! code, and overridden by staff with a reason (audited, PartnerCapabilitiesChanged).

use std::collections::{BTreeMap, BTreeSet};

use infra::change::record_unchanged;
use infra::rows::save_if_changed;
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Validator, Written};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{PartnerService, change, for_change, reach, reason_of, require_read};
use crate::entity::partner;
use crate::{PARTNER_APPROVE, events};

/// Every trade capability a partner may hold (DOMAIN.md, Partners), as
/// [`crate::documents::capabilities`] derives them from verified documents.
pub const TRADE_CAPABILITIES: &[&str] = &[
    "domestic_buy_india",
    "domestic_sell_india",
    "import_allowed",
    "export_allowed",
    "domestic_buy_home",
    "domestic_sell_home",
];

/// A partner's capabilities: every known code, held or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// The partner.
    pub partner_id: Uuid,
    /// Code to whether the partner holds it.
    pub capabilities: BTreeMap<String, bool>,
    /// The partner's version (its `ETag`).
    pub version: i64,
}

/// `PUT /partners/{id}/capabilities`: the codes sent are set, the others kept.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCapabilities {
    /// Code to held or not; codes must be known trade capabilities.
    pub capabilities: BTreeMap<String, bool>,
    /// Why, 3..=500 characters (audited).
    pub reason: String,
}

fn held(row: &partner::Model) -> Vec<String> {
    serde_json::from_value(row.capabilities.clone()).unwrap_or_default()
}

fn view(row: &partner::Model) -> Capabilities {
    let held = held(row);
    Capabilities {
        partner_id: row.id,
        capabilities: TRADE_CAPABILITIES
            .iter()
            .map(|c| ((*c).to_owned(), held.iter().any(|h| h == c)))
            .collect(),
        version: row.version,
    }
}

impl<I: Infra> PartnerService<I> {
    /// The partner's capabilities over every known code; readable like the partner.
    pub async fn capabilities(&self, actor: &Actor, id: Uuid) -> Result<Capabilities, ServiceError> {
        require_read(actor)?;
        reach(actor, id)?;
        let row = partner::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("partner"))?;
        Ok(view(&row))
    }

    /// Overrides the codes sent (true grants, false withdraws) with a reason.
    /// Capability: PARTNER_APPROVE. An unknown code is 422 naming
    /// `capabilities.<code>`. Emits PartnerCapabilitiesChanged when something changed.
    pub async fn set_capabilities(
        &self,
        actor: &Actor,
        id: Uuid,
        input: SetCapabilities,
    ) -> Result<Written<Capabilities>, ServiceError> {
        require(actor, PARTNER_APPROVE)?;
        super::staff_only(actor)?;
        let mut v = Validator::new();
        let reason = v.take(
            "reason",
            reason_of(&input.reason).map_err(|_| "is required: 3 to 500 characters"),
        );
        for code in input.capabilities.keys() {
            v.check(
                TRADE_CAPABILITIES.contains(&code.as_str()),
                &format!("capabilities.{code}"),
                &format!("is not a trade capability: {}", TRADE_CAPABILITIES.join(", ")),
            );
        }
        v.finish()?;
        let reason = reason.unwrap_or_default();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, id).await?;
                let was: BTreeSet<String> = held(&before).into_iter().collect();
                let mut now_held = was.clone();
                for (code, on) in &input.capabilities {
                    if *on {
                        now_held.insert(code.clone());
                    } else {
                        now_held.remove(code);
                    }
                }
                let old = view(&before);
                let after = if now_held == was {
                    before
                } else {
                    let mut next = before.clone();
                    next.capabilities = json!(now_held);
                    save_if_changed(tx, &before, next).await?.0
                };
                let new = view(&after);
                let changes: BTreeMap<&String, bool> = new
                    .capabilities
                    .iter()
                    .filter(|(code, on)| old.capabilities.get(*code) != Some(on))
                    .map(|(code, on)| (code, *on))
                    .collect();
                let payload = json!({ "id": id, "changes": changes, "reason": reason });
                let event = change(
                    events::PARTNER_CAPABILITIES_CHANGED,
                    "partner.capabilities",
                    &crate::model::Partner::from(after),
                );
                if changes.is_empty() {
                    record_unchanged(tx, event, payload).await?;
                } else {
                    tx.record(event, payload).await?;
                }
                Ok(new)
            })
        })
        .await
    }
}
