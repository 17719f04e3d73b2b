//! The weights per commodity category (`matching_weights`): read by every
//! run (the category's row, else `DEFAULT`'s, else the seeded values),
//! listed and changed by staff with MATCHING_EXECUTE, audited.

use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Validator, Written};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryOrder};
use serde_json::json;
use settings::commodities::entity::commodity;
use uuid::Uuid;

use super::MatchingService;
use super::entity::weight;
use super::model::{CategoryWeights, SetWeights, WeightsList, scaled, weights_of};
use super::score::Weights;
use crate::MATCHING_EXECUTE;

/// The category whose weights apply to every category without a row.
pub const DEFAULT: &str = "DEFAULT";

/// The weights of `category` (upper case): its row, else `DEFAULT`'s, else the seeded values.
pub async fn for_category<C: ConnectionTrait>(db: &C, category: &str) -> Result<Weights, ServiceError> {
    if let Some(row) = weight::Entity::find_by_id(category.to_owned()).one(db).await? {
        return Ok(weights_of(&row));
    }
    if let Some(row) = weight::Entity::find_by_id(DEFAULT.to_owned()).one(db).await? {
        return Ok(weights_of(&row));
    }
    Ok(Weights::seeded(category))
}

/// The weights of commodity `id`'s category.
pub async fn for_commodity<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Weights, ServiceError> {
    let category = commodity::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or_else(|| DEFAULT.to_owned(), |c| c.category.to_ascii_uppercase());
    for_category(db, &category).await
}

/// A fraction of `field` as ten-thousandths: 0 to 1, at most 4 places.
fn fraction(v: &mut Validator, field: &str, value: f64) -> i32 {
    let n = scaled(value);
    let exact = ((f64::from(n) / 10_000.0) - value).abs() < 1e-9;
    v.check(
        value.is_finite() && (0.0..=1.0).contains(&value) && exact,
        field,
        "must be 0 to 1, at most 4 decimal places",
    );
    n
}

impl<I: Infra> MatchingService<I> {
    /// Every category's weights, by code. Capability: MATCHING_EXECUTE.
    pub async fn weights(&self, actor: &Actor) -> Result<WeightsList, ServiceError> {
        require(actor, MATCHING_EXECUTE)?;
        let rows = weight::Entity::find()
            .order_by_asc(weight::Column::Category)
            .all(self.infra.db())
            .await?;
        Ok(WeightsList {
            items: rows.into_iter().map(CategoryWeights::of).collect(),
        })
    }

    /// Sets the weights of one category (a new row for a category without
    /// one), audited as `matching.weights.update` with the old and new
    /// values. Capability: MATCHING_EXECUTE (staff only: 403 `out_of_scope`
    /// for a partner's user). 422 naming `category` (not an upper case
    /// code), a weight or `min_score` (not 0 to 1 with 4 places), or
    /// `risk` when the four weights do not add up to 1.
    pub async fn set_weights(
        &self,
        actor: &Actor,
        input: SetWeights,
    ) -> Result<Written<CategoryWeights>, ServiceError> {
        require(actor, MATCHING_EXECUTE)?;
        if actor.partner_id.is_some() {
            return Err(ServiceError::OutOfScope("the matching weights are set by staff"));
        }
        let mut v = Validator::new();
        let category = input.category.trim().to_ascii_uppercase();
        let code = category.len() <= 32
            && category.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && category.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        v.check(
            code,
            "category",
            "must be an upper case code such as COTTON, at most 32 characters",
        );
        let quality = fraction(&mut v, "quality", input.quality);
        let price = fraction(&mut v, "price", input.price);
        let delivery = fraction(&mut v, "delivery", input.delivery);
        let risk = fraction(&mut v, "risk", input.risk);
        let min_score = fraction(&mut v, "min_score", input.min_score);
        v.check(
            quality + price + delivery + risk == 10_000,
            "risk",
            "the four weights must add up to 1",
        );
        v.finish()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = infra::rows::for_update(tx, weight::Entity::find_by_id(category.clone()))
                    .one(tx.db())
                    .await?;
                let now = tx.now();
                let old = before.as_ref().map(|b| CategoryWeights::of(b.clone()));
                let next = weight::Model {
                    category: category.clone(),
                    quality,
                    price,
                    delivery,
                    risk,
                    min_score,
                    updated_by: tx.actor().user_id,
                    version: before.as_ref().map_or(1, |b| b.version + 1),
                    created_at: before.as_ref().map_or(now, |b| b.created_at),
                    updated_at: now,
                };
                let active = next.into_active_model().reset_all();
                let row = if before.is_some() {
                    active.update(tx.db()).await?
                } else {
                    active.insert(tx.db()).await?
                };
                let view = CategoryWeights::of(row);
                tx.audit(
                    "matching.weights.update",
                    "matching_weights",
                    &category,
                    Some(json!({ "old": old, "new": view })),
                )
                .await?;
                Ok(view)
            })
        })
        .await
    }
}
