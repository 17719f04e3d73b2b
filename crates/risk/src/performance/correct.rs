//! Staff corrections of a performance record: RISK_MANAGE, the version sent
//! (If-Match or the body's `version`) checked when sent (412), audited with
//! the old and new values and the reason; emits PerformanceCorrected.

use infra::change::{Change, diff_of, record_unchanged};
use infra::rows::{VersionRule, check_version, for_update, save_if_changed};
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Validator, Written};
use partners::entity::partner;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Performance, entity, neutral_row};
use crate::error::RiskError;
use crate::service::{LedgerService, reach};
use crate::{RISK_MANAGE, TOPIC, events};

/// The corrected values of a performance record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PerformanceCorrection {
    /// 0 to 5 with at most one decimal place (decimal string or number).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4.2"))]
    pub rating: Decimal,
    /// 0-100.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub delivery_score: i32,
    /// 0-100.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub payment_score: i32,
    /// 0 or more.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub disputes: i32,
    /// Why, 3 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 500))]
    pub reason: String,
    /// The version read (0 for the neutral values); If-Match wins when both are sent.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The rating in tenths, or every broken field at once.
fn checked(input: &PerformanceCorrection) -> Result<(i32, String), ServiceError> {
    let mut v = Validator::new();
    let rating = input.rating.normalize();
    let in_range = rating >= Decimal::ZERO && rating <= Decimal::from(5);
    v.check(
        in_range && rating.scale() <= 1,
        "rating",
        "must be 0 to 5 with at most one decimal place",
    );
    v.check(
        (0..=100).contains(&input.delivery_score),
        "delivery_score",
        "must be 0 to 100",
    );
    v.check(
        (0..=100).contains(&input.payment_score),
        "payment_score",
        "must be 0 to 100",
    );
    v.check(input.disputes >= 0, "disputes", "must be 0 or more");
    let reason = input.reason.trim().to_owned();
    v.check(
        (3..=500).contains(&reason.chars().count()),
        "reason",
        "is required: 3 to 500 characters",
    );
    v.finish()?;
    let tenths = (rating * Decimal::TEN).trunc().mantissa();
    Ok((i32::try_from(tenths).unwrap_or_default(), reason))
}

impl<I: Infra> LedgerService<I> {
    /// Corrects the performance record of `partner_id` (created from the
    /// neutral values when it has none). 422 naming each bad field; 412
    /// `stale_version`; 404 for a partner not reached. A correction that
    /// changes nothing is audited only.
    pub async fn correct_performance(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: PerformanceCorrection,
        expected_version: Option<i64>,
    ) -> Result<Written<Performance>, RiskError> {
        require(actor, RISK_MANAGE)?;
        reach(actor, partner_id)?;
        let (tenths, reason) = checked(&input)?;
        let sent = expected_version.or(input.version);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                partner::Entity::find_by_id(partner_id)
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("partner"))?;
                let row = for_update(tx, entity::Entity::find_by_id(partner_id))
                    .one(tx.db())
                    .await?;
                check_version(sent, row.as_ref().map_or(0, |r| r.version), VersionRule::Optional)?;
                let before = row
                    .clone()
                    .map_or_else(|| Performance::neutral(partner_id), Performance::from);
                let apply = |mut m: entity::Model| {
                    m.rating_tenths = tenths;
                    m.delivery_score = input.delivery_score;
                    m.payment_score = input.payment_score;
                    m.disputes = input.disputes;
                    m.updated_by = tx.actor().user_id;
                    m
                };
                let (after, changed) = match row {
                    Some(row) => {
                        let next = apply(row.clone());
                        save_if_changed(tx, &row, next).await?
                    }
                    None => {
                        let mut fresh = neutral_row(partner_id, tx.now());
                        fresh.rating_tenths = Set(tenths);
                        fresh.delivery_score = Set(input.delivery_score);
                        fresh.payment_score = Set(input.payment_score);
                        fresh.disputes = Set(input.disputes);
                        fresh.updated_by = Set(tx.actor().user_id);
                        (fresh.insert(tx.db()).await?, true)
                    }
                };
                let after = Performance::from(after);
                let changes = diff_of(&before, &after)?;
                let change = Change::new(
                    TOPIC,
                    events::PERFORMANCE_CORRECTED,
                    "risk_performance.correct",
                    events::PERFORMANCE_AGGREGATE,
                    partner_id,
                    after.version,
                );
                let payload = serde_json::json!({
                    "partner_id": partner_id, "old": &before, "changes": changes, "reason": reason,
                });
                if changed && !changes.is_empty() {
                    tx.record(change, payload).await?;
                } else {
                    record_unchanged(tx, change, payload).await?;
                }
                Ok(after)
            })
        })
        .await
    }
}
