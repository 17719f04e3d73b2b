//! Staff adjustments: a signed entry with reason `adjustment`, its text
//! reason kept as the entry's note. Capability RISK_MANAGE; emits
//! ExposureAdjusted (and ExposureBandChanged on a band change upward).

use infra::change::Change;
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, Money, Written};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::apply::{ExposureMove, Reason, apply};
use super::view::{PartnerExposure, load};
use crate::error::RiskError;
use crate::service::{LedgerService, reach};
use crate::{RISK_MANAGE, Side, TOPIC, events};

/// A staff correction of a partner's exposure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdjustExposure {
    /// The side to move.
    pub side: Side,
    /// Signed INR, not zero, at most 4 decimal places (decimal string).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "-5000"))]
    pub amount: Money,
    /// Why, 3 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
}

impl<I: Infra> LedgerService<I> {
    /// Moves partner `partner_id`'s exposure by a staff adjustment and
    /// answers its exposure afterwards. 422 naming `reason` (3 to 500
    /// characters) or `amount` (zero); 409 `credit_limit_exceeded` (with
    /// `remaining`) or `exposure_below_zero`; 404 for a partner not reached.
    pub async fn adjust(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: AdjustExposure,
    ) -> Result<Written<PartnerExposure>, RiskError> {
        require(actor, RISK_MANAGE)?;
        reach(actor, partner_id)?;
        let reason = input.reason.trim().to_owned();
        if !(3..=500).contains(&reason.chars().count()) {
            return Err(infra::ServiceError::field("reason", "is required: 3 to 500 characters").into());
        }
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let moved = apply(
                    tx,
                    ExposureMove {
                        partner_id,
                        side: input.side,
                        amount: input.amount.value(),
                        reason: Reason::Adjustment,
                        reference_id: None,
                        note: Some(reason.clone()),
                    },
                )
                .await?;
                let change = Change::new(
                    TOPIC,
                    events::EXPOSURE_ADJUSTED,
                    "risk_exposure.adjust",
                    events::EXPOSURE_AGGREGATE,
                    partner_id,
                    moved.version,
                );
                let payload = serde_json::json!({
                    "partner_id": partner_id, "entry_id": moved.entry_id, "side": input.side,
                    "amount": input.amount, "reason": reason, "utilised": moved.utilised,
                });
                tx.record(change, payload).await?;
                Ok(load(tx.db(), partner_id).await?)
            })
        })
        .await
    }
}
