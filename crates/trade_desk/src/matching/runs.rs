//! One run of one side inside the caller's transaction: the side's row
//! locked, the engine's findings written over its stored matches, the run
//! audited. The routes' runs, the event reactions and the sweep all run
//! through [`run_side`].

use infra::ServiceError;
use infra::write::WriteTx;
use sea_orm::EntityTrait;
use serde_json::json;
use settings::commodities::units::Units;

use super::model::MatchRun;
use super::store::{self, Side};
use super::{engine, sides};
use crate::availabilities::entity::availability;
use crate::requirements::entity::requirement;

/// Matches `side` and stores what it found (a side no longer active finds
/// nothing and its open matches expire); `explain` lists the candidates
/// left out. Audited as `matching.run` (resource `matching`, the side's id). Answers the run and how many
/// stored matches changed.
pub async fn run_side(
    tx: &WriteTx,
    units: &Units,
    side: Side,
    explain: bool,
) -> Result<(MatchRun, usize), ServiceError> {
    let now = tx.now();
    let (found, gone, kind, id) = match side {
        Side::Requirement(id) => {
            let row = infra::rows::for_update(tx, requirement::Entity::find_by_id(id))
                .one(tx.db())
                .await?
                .ok_or(ServiceError::NotFound("requirement"))?;
            let active = crate::requirements::search::SEARCHED.contains(&row.status.as_str());
            let need = sides::needs(tx.db(), units, vec![row]).await?.remove(0);
            let found = engine::for_requirement(tx.db(), units, &need, now, explain).await?;
            let gone = if active {
                "no_longer_fits"
            } else {
                "requirement_not_active"
            };
            (found, gone, "requirement", id)
        }
        Side::Availability(id) => {
            let row = infra::rows::for_update(tx, availability::Entity::find_by_id(id))
                .one(tx.db())
                .await?
                .ok_or(ServiceError::NotFound("availability"))?;
            let active = row.status == "ACTIVE";
            let offer = sides::offers(tx.db(), units, vec![row]).await?.remove(0);
            let found = engine::for_availability(tx.db(), units, &offer, now, explain).await?;
            let gone = if active {
                "no_longer_fits"
            } else {
                "availability_not_active"
            };
            (found, gone, "availability", id)
        }
    };
    let (items, changed) = store::apply(tx, side, &found.found, gone).await?;
    let details = json!({
        "side": kind, "found": items.len(), "changed": changed, "dropped": found.dropped.len(), "explain": explain,
    });
    // Under `matching`: a run changes matches, not the side, whose history stays its own.
    tx.audit("matching.run", "matching", &id.to_string(), Some(details))
        .await?;
    let run = MatchRun {
        items,
        dropped: explain.then_some(found.dropped),
    };
    Ok((run, changed))
}
