//! Stored matches, one row per pair: a run's findings written over what
//! was stored for its side. A new pair is NEW (MatchFound); a stored pair
//! whose score or parts changed is updated (MatchFound when an open one,
//! NEW or NOTIFIED, scores better; MatchUpdated otherwise); an EXPIRED
//! pair found again is NEW (MatchFound); an open pair the run did not find
//! is EXPIRED (MatchExpired: a side stopped being active, or the pair
//! stopped fitting). DISMISSED and RESERVED pairs keep their status. Every
//! change bumps the row's version and emits one event on `match-events`
//! (aggregate `match`) for the buyer's and the seller's users.

use std::collections::{HashMap, HashSet};

use infra::ServiceError;
use infra::outbox::NewEvent;
use infra::rows::Versioned;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::engine::Found;
use super::entity::matched;
use super::model::{Match, scaled};
use crate::{MATCH_TOPIC, events};

/// The statuses a re-run may update or expire.
pub const OPEN: [&str; 2] = ["NEW", "NOTIFIED"];

/// The side a run starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// A requirement's matches.
    Requirement(Uuid),
    /// An availability's matches.
    Availability(Uuid),
}

/// Appends event `kind` about `row` with `extra` fields in the payload.
pub async fn emit(tx: &WriteTx, kind: &str, row: &matched::Model, extra: Value) -> Result<(), ServiceError> {
    let mut payload = serde_json::to_value(Match::of(row.clone()))?;
    if let (Some(map), Value::Object(more)) = (payload.as_object_mut(), extra) {
        map.extend(more);
    }
    let event = NewEvent::new(MATCH_TOPIC, kind, "match", row.id, row.version, &payload)?
        .for_partners([row.buyer_partner_id, row.seller_partner_id]);
    tx.emit(event).await?;
    Ok(())
}

/// Saves `row` one version on.
async fn save(tx: &WriteTx, mut row: matched::Model) -> Result<matched::Model, ServiceError> {
    row.bump(tx.now());
    Ok(row.into_active_model().reset_all().update(tx.db()).await?)
}

/// `row` with the figures of `found`; whether they changed.
fn scored(mut row: matched::Model, found: &Found) -> (matched::Model, bool) {
    let before = row.clone();
    row.score = scaled(found.score);
    row.quality_score = scaled(found.parts.quality);
    row.price_score = scaled(found.parts.price);
    row.delivery_score = scaled(found.parts.delivery);
    row.risk_score = scaled(found.parts.risk);
    row.label = found.label.into();
    row.risk_status = found.risk.as_str().into();
    let changed = row != before;
    (row, changed)
}

/// Writes `found` over the stored matches of `side` (see the module
/// documentation); `gone` is why an open pair not found expires. Answers
/// the stored matches of `found`, in its order. Counts: (found, changed).
pub async fn apply(
    tx: &WriteTx,
    side: Side,
    found: &[Found],
    gone: &str,
) -> Result<(Vec<Match>, usize), ServiceError> {
    let filter = match side {
        Side::Requirement(id) => matched::Column::RequirementId.eq(id),
        Side::Availability(id) => matched::Column::AvailabilityId.eq(id),
    };
    let stored = matched::Entity::find().filter(filter).all(tx.db()).await?;
    let mut by_pair: HashMap<(Uuid, Uuid), matched::Model> = stored
        .into_iter()
        .map(|m| ((m.requirement_id, m.availability_id), m))
        .collect();
    let now = tx.now();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(found.len());
    let mut changes = 0;
    for f in found {
        let pair = (f.requirement_id, f.availability_id);
        seen.insert(pair);
        let row = match by_pair.remove(&pair) {
            None => {
                let fresh = matched::Model {
                    id: infra::ids::new_id(),
                    requirement_id: f.requirement_id,
                    availability_id: f.availability_id,
                    buyer_partner_id: f.buyer_partner_id,
                    seller_partner_id: f.seller_partner_id,
                    commodity_id: f.commodity_id,
                    score: 0,
                    quality_score: 0,
                    price_score: 0,
                    delivery_score: 0,
                    risk_score: 0,
                    label: String::new(),
                    risk_status: String::new(),
                    status: "NEW".into(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                let (fresh, _) = scored(fresh, f);
                let row = fresh.into_active_model().reset_all().insert(tx.db()).await?;
                emit(tx, events::MATCH_FOUND, &row, json!({ "previous_score": null })).await?;
                changes += 1;
                row
            }
            Some(old) => {
                let previous = Match::of(old.clone()).score;
                let was = old.status.clone();
                let (mut next, changed) = scored(old.clone(), f);
                if was == "EXPIRED" {
                    next.status = "NEW".into();
                }
                if !changed && was != "EXPIRED" {
                    old
                } else {
                    let row = save(tx, next).await?;
                    let better = was == "EXPIRED" || (OPEN.contains(&was.as_str()) && f.score > previous);
                    let kind = if better {
                        events::MATCH_FOUND
                    } else {
                        events::MATCH_UPDATED
                    };
                    emit(tx, kind, &row, json!({ "previous_score": previous })).await?;
                    changes += 1;
                    row
                }
            }
        };
        out.push(Match::of(row));
    }
    for (_, old) in by_pair {
        if !OPEN.contains(&old.status.as_str()) {
            continue;
        }
        let mut next = old;
        next.status = "EXPIRED".into();
        let row = save(tx, next).await?;
        emit(tx, events::MATCH_EXPIRED, &row, json!({ "reason": gone })).await?;
        changes += 1;
    }
    Ok((out, changes))
}

/// Marks the match of `requirement` and `availability` RESERVED (a
/// reservation naming the requirement was made), with MatchReserved and
/// the reservation's id; nothing when the pair has no stored match or is
/// RESERVED already.
pub async fn reserved(
    tx: &WriteTx,
    requirement: Uuid,
    availability: Uuid,
    reservation: Uuid,
) -> Result<Option<Match>, ServiceError> {
    let found = infra::rows::for_update(
        tx,
        matched::Entity::find()
            .filter(matched::Column::RequirementId.eq(requirement))
            .filter(matched::Column::AvailabilityId.eq(availability)),
    )
    .one(tx.db())
    .await?;
    let Some(old) = found.filter(|m| m.status != "RESERVED") else {
        return Ok(None);
    };
    let previous = old.status.clone();
    let mut next = old;
    next.status = "RESERVED".into();
    let row = save(tx, next).await?;
    emit(
        tx,
        events::MATCH_RESERVED,
        &row,
        json!({ "previous_status": previous, "reservation_id": reservation }),
    )
    .await?;
    Ok(Some(Match::of(row)))
}

/// Marks `row` DISMISSED, with MatchDismissed.
pub async fn dismissed(tx: &WriteTx, row: matched::Model) -> Result<Match, ServiceError> {
    moved(tx, row, "DISMISSED", events::MATCH_DISMISSED, json!({})).await
}

/// Marks NEW `row` NOTIFIED (its buyer was told, `pushed`: or had been
/// within the quiet time of the pair), with MatchNotified.
pub async fn notified(tx: &WriteTx, row: matched::Model, pushed: bool) -> Result<Match, ServiceError> {
    moved(
        tx,
        row,
        "NOTIFIED",
        events::MATCH_NOTIFIED,
        json!({ "pushed": pushed }),
    )
    .await
}

/// Moves `row` to `status`, with event `kind` naming the `previous_status` and `extra`.
async fn moved(
    tx: &WriteTx,
    row: matched::Model,
    status: &str,
    kind: &str,
    mut extra: Value,
) -> Result<Match, ServiceError> {
    let previous = row.status.clone();
    let mut next = row;
    next.status = status.into();
    let row = save(tx, next).await?;
    if let Some(map) = extra.as_object_mut() {
        map.insert("previous_status".into(), json!(previous));
    }
    emit(tx, kind, &row, extra).await?;
    Ok(Match::of(row))
}
