//! Negotiation readiness (DOMAIN.md, "Trade desk"): how ready an
//! availability is to be negotiated, 0..1, the sum of four parts:
//!
//! - quality completeness, up to 0.4: 0.4 x min(stated parameters / 5, 1);
//! - price present, 0.3;
//! - delivery terms present (a delivery term master), 0.2;
//! - quantity available (above 0), 0.1;
//!
//! with a recommendation for each part that is short of its full weight.

use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use settings::commodities::entity::parameter;
use uuid::Uuid;

use super::AvailabilityService;
use super::model::Availability;
use crate::AVAILABILITY_READ;
use crate::quality::Spec;

/// The stated parameters that make quality complete.
pub const FULL_QUALITY: usize = 5;

/// Each part's score (JSON numbers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessParts {
    /// 0..0.4.
    pub quality: f64,
    /// 0 or 0.3.
    pub price: f64,
    /// 0 or 0.2.
    pub delivery_terms: f64,
    /// 0 or 0.1.
    pub quantity: f64,
}

/// What to do about one part short of its weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    /// `quality`, `price`, `delivery_terms` or `quantity`.
    pub part: String,
    /// What to do.
    pub recommendation: String,
}

/// How ready an availability is to be negotiated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// The availability.
    pub availability_id: Uuid,
    /// 0..1, the sum of the parts.
    pub score: f64,
    /// Each part.
    pub parts: ReadinessParts,
    /// One for each part short of its weight.
    pub recommendations: Vec<Recommendation>,
}

fn number(value: Decimal) -> f64 {
    value.round_dp(4).to_f64().unwrap_or_default()
}

/// The readiness of `availability`, the commodity's parameter codes `codes`.
pub fn readiness(availability: &Availability, codes: &[String]) -> Readiness {
    let stated: Vec<&String> = availability
        .quality
        .as_object()
        .map(|q| q.keys().collect())
        .unwrap_or_default();
    let count = stated.len().min(FULL_QUALITY);
    let quality = Decimal::new(4, 1) * Decimal::from(count) / Decimal::from(FULL_QUALITY);
    let price = if availability.price.is_some() {
        Decimal::new(3, 1)
    } else {
        Decimal::ZERO
    };
    let terms = if availability.delivery_term_id.is_some() {
        Decimal::new(2, 1)
    } else {
        Decimal::ZERO
    };
    let available = availability.available_quantity.value() > Decimal::ZERO;
    let quantity = if available {
        Decimal::new(1, 1)
    } else {
        Decimal::ZERO
    };
    let mut recommendations = Vec::new();
    let mut recommend = |part: &str, text: String| {
        recommendations.push(Recommendation {
            part: part.into(),
            recommendation: text,
        })
    };
    if count < FULL_QUALITY {
        let missing: Vec<&str> = codes
            .iter()
            .filter(|c| !stated.contains(c))
            .map(String::as_str)
            .collect();
        let more = FULL_QUALITY - count;
        let known = if missing.is_empty() {
            String::new()
        } else {
            format!(" (not stated yet: {})", missing.join(", "))
        };
        recommend(
            "quality",
            format!("state {more} more quality parameter(s) for a complete description{known}"),
        );
    }
    if availability.price.is_none() {
        recommend(
            "price",
            "set a price (PATCH price and price_unit): buyers negotiate from a number".into(),
        );
    }
    if availability.delivery_term_id.is_none() {
        recommend(
            "delivery_terms",
            "name a delivery term master (delivery_term_id) so buyers know who carries the goods".into(),
        );
    }
    if !available {
        recommend(
            "quantity",
            "nothing is available: release reservations or post a new availability".into(),
        );
    }
    Readiness {
        availability_id: availability.id,
        score: number(quality + price + terms + quantity),
        parts: ReadinessParts {
            quality: number(quality),
            price: number(price),
            delivery_terms: number(terms),
            quantity: number(quantity),
        },
        recommendations,
    }
}

impl<I: Infra> AvailabilityService<I> {
    /// The negotiation readiness of availability `id` (404 unless the caller
    /// sees it). Capability: AVAILABILITY_READ.
    pub async fn readiness(&self, actor: &Actor, id: Uuid) -> Result<Readiness, ServiceError> {
        require(actor, AVAILABILITY_READ)?;
        let (_, view) = self.visible(actor, id).await?;
        let codes: Vec<String> = parameter::Entity::find()
            .filter(parameter::Column::CommodityId.eq(view.commodity_id))
            .all(self.infra.db())
            .await?
            .iter()
            .map(|p| Spec::from(p).code)
            .collect();
        Ok(readiness(&view, &codes))
    }
}
