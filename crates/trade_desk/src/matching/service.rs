//! The matching service: runs (stored), lists and dismissals.

use chrono::DateTime;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::matched;
use super::model::{Match, MatchRun};
use super::store::{self, OPEN, Side};
use super::{MatchPage, MatchingService, access, runs};
use crate::search::cursor::Cursor;

/// The statuses a list may filter by.
pub const STATUSES: [&str; 5] = ["NEW", "NOTIFIED", "DISMISSED", "RESERVED", "EXPIRED"];

impl<I: Infra> MatchingService<I> {
    /// Matches requirement `id` against the availabilities (see
    /// [`engine::for_requirement`]) and stores what it found
    /// ([`store::apply`]); a requirement no longer active finds nothing and
    /// its open matches expire. `explain` lists the candidates left out.
    /// Staff with MATCHING_EXECUTE, or the buyer's users with
    /// REQUIREMENT_READ (see [`access`]). Audited as `matching.run`.
    pub async fn run_requirement(
        &self,
        actor: &Actor,
        id: Uuid,
        explain: bool,
    ) -> Result<Written<MatchRun>, ServiceError> {
        access::requirement(self.infra.db(), actor, id).await?;
        let units = Units::load(&self.infra).await?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (run, _) = runs::run_side(tx, &units, Side::Requirement(id), explain).await?;
                Ok(run)
            })
        })
        .await
    }

    /// Matches availability `id` against the requirements (the reverse of
    /// [`MatchingService::run_requirement`]). Staff with MATCHING_EXECUTE,
    /// or the seller's users with AVAILABILITY_READ. Audited as `matching.run`.
    pub async fn run_availability(
        &self,
        actor: &Actor,
        id: Uuid,
        explain: bool,
    ) -> Result<Written<MatchRun>, ServiceError> {
        access::availability(self.infra.db(), actor, id).await?;
        let units = Units::load(&self.infra).await?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let (run, _) = runs::run_side(tx, &units, Side::Availability(id), explain).await?;
                Ok(run)
            })
        })
        .await
    }

    /// The stored matches of requirement `id`, best first, optionally of one
    /// `status`; `limit` 1 to 200 (default 50) after `cursor`. Access as
    /// [`MatchingService::run_requirement`].
    pub async fn requirement_matches(
        &self,
        actor: &Actor,
        id: Uuid,
        status: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> Result<MatchPage, ServiceError> {
        access::requirement(self.infra.db(), actor, id).await?;
        self.page(matched::Column::RequirementId.eq(id), status, limit, cursor)
            .await
    }

    /// The stored matches of availability `id`, best first (see
    /// [`MatchingService::requirement_matches`]). Access as
    /// [`MatchingService::run_availability`].
    pub async fn availability_matches(
        &self,
        actor: &Actor,
        id: Uuid,
        status: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> Result<MatchPage, ServiceError> {
        access::availability(self.infra.db(), actor, id).await?;
        self.page(matched::Column::AvailabilityId.eq(id), status, limit, cursor)
            .await
    }

    async fn page(
        &self,
        side: sea_orm::sea_query::SimpleExpr,
        status: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> Result<MatchPage, ServiceError> {
        let status = crate::requirements::upper(status);
        if let Some(s) = &status
            && !STATUSES.contains(&s.as_str())
        {
            let message = format!("must be one of {}", STATUSES.join(", "));
            return Err(ServiceError::field("status", &message));
        }
        let limit = match limit {
            None => infra::paging::DEFAULT_LIMIT,
            Some(l) if (1..=infra::paging::MAX_LIMIT as i64).contains(&l) => l as u64,
            Some(_) => return Err(ServiceError::field("limit", "must be between 1 and 200")),
        };
        let mut query = matched::Entity::find()
            .filter(side)
            .order_by_desc(matched::Column::Score)
            .order_by_desc(matched::Column::Id)
            .limit(limit + 1);
        if let Some(s) = status {
            query = query.filter(matched::Column::Status.eq(s));
        }
        if let Some(c) = cursor.as_deref().filter(|c| !c.is_empty()) {
            let after = Cursor::decode(c)?;
            let score = after.score as i32;
            query = query.filter(
                Condition::any().add(matched::Column::Score.lt(score)).add(
                    Condition::all()
                        .add(matched::Column::Score.eq(score))
                        .add(matched::Column::Id.lt(after.id)),
                ),
            );
        }
        let mut rows = query.all(self.infra.db()).await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| rows.last())
            .flatten()
            .map(|r| Cursor::at(i64::from(r.score), DateTime::UNIX_EPOCH, r.id).encode());
        Ok(MatchPage {
            items: rows.into_iter().map(Match::of).collect(),
            next_cursor,
        })
    }

    /// Dismisses match `id` (NEW or NOTIFIED; one DISMISSED already answers
    /// as it is), with MatchDismissed; re-runs keep it DISMISSED. Staff with
    /// MATCHING_EXECUTE, the buyer's users with REQUIREMENT_READ or the
    /// seller's with AVAILABILITY_READ; 404 for others; 409
    /// `match_not_open` for a RESERVED or EXPIRED match.
    pub async fn dismiss(&self, actor: &Actor, id: Uuid) -> Result<Written<Match>, ServiceError> {
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let row = infra::rows::for_update(tx, matched::Entity::find_by_id(id))
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("match"))?;
                access::stored(tx.actor(), &row)?;
                let before = row.status.clone();
                let view = if before == "DISMISSED" {
                    Match::of(row)
                } else if OPEN.contains(&before.as_str()) {
                    store::dismissed(tx, row).await?
                } else {
                    let message = format!("the match is {before}: only a NEW or NOTIFIED match is dismissed");
                    return Err(ServiceError::conflict("match_not_open", message));
                };
                tx.audit(
                    "matching.dismiss",
                    "match",
                    &id.to_string(),
                    Some(json!({ "previous_status": before })),
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }
}
