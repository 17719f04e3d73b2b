//! Buyer requirements: created as DRAFT with a gap-free number
//! (`REQ-2026-000001`, per calendar year of business time), published
//! (ACTIVE), fulfilled by trades (PARTIALLY_FULFILLED at the minimum,
//! FULFILLED at the maximum), expired by the daily job or cancelled with a
//! reason (not once FULFILLED); changed only while DRAFT or ACTIVE. Reads
//! follow visibility: PUBLIC to every partner, PRIVATE to the buyer and
//! staff, RESTRICTED to the buyer, its invited sellers and staff; a DRAFT to
//! the buyer and staff. What is not visible answers 404.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use trade_desk::requirements::{NewRequirement, RequirementService};
//!
//! # async fn demo(buyer: Actor, cotton: uuid::Uuid, yard: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let requirements = RequirementService::new(infra);
//! let input = NewRequirement {
//!     commodity_id: cotton,
//!     min_quantity: "100".parse()?,
//!     max_quantity: "300".parse()?,
//!     delivery_location_ids: vec![yard],
//!     ..Default::default()
//! };
//! let draft = requirements.create(&buyer, input).await?.value;
//! let active = requirements.publish(&buyer, draft.id).await?.value;
//! println!("{} is {}", active.number, active.status);
//! # Ok(()) }
//! ```

pub mod audience;
pub mod changes;
pub mod entity;
pub mod expiry;
pub mod fulfilment;
pub mod history;
pub mod input;
pub mod model;
pub mod places;
pub mod precheck;
pub mod reads;
pub mod rules;
pub mod search;
pub mod search_input;
pub mod statistics;
mod store;

use chrono::{Datelike, Duration};
use infra::change::Change;
use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, ServiceError, Written};
use risk::validations::TradeSide;
use rust_decimal::Decimal;
use settings::commodities::entity::commodity;
use settings::commodities::units::Units;

pub use input::{CancelRequirement, NewRequirement, RequirementChanges};
pub use model::{Negotiation, Requirement};
pub use search_input::{RequirementHit, RequirementHits, RequirementSearch};

use self::rules::{Draft, check};
use crate::acting::{able_buyer, acting_for};
use crate::{REQUIREMENT_CREATE, REQUIREMENT_TOPIC, events};
use sea_orm::EntityTrait;

/// Days a requirement stays valid when the caller names no end.
pub const DEFAULT_VALID_DAYS: i64 = 30;

/// Requirements over any [`Infra`].
#[derive(Clone)]
pub struct RequirementService<I: Infra> {
    pub(crate) infra: I,
    pub(crate) time_zone: chrono_tz::Tz,
}

/// The change of requirement `row` for its event and audit row.
pub(crate) fn change<'a>(event: &'a str, action: &'a str, row: &entity::requirement::Model) -> Change<'a> {
    Change::new(
        REQUIREMENT_TOPIC,
        event,
        action,
        "requirement",
        row.id,
        row.version,
    )
}

impl<I: Infra> RequirementService<I> {
    /// A service over `infra`, business time in Asia/Kolkata.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            time_zone: chrono_tz::Asia::Kolkata,
        }
    }

    /// The same service with business time in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// Today's business date by the infrastructure's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.infra
            .clock()
            .now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }

    /// Creates a DRAFT requirement for the caller's partner (staff name
    /// `buyer_partner_id`). Capability: REQUIREMENT_CREATE. The buyer must
    /// be able to buy (see [`able_buyer`]); an open availability of the
    /// buyer for the commodity today is 409 `circular_trading` (see
    /// [`crate::circular`]); every broken field rule is a 422 naming it.
    /// Emits RequirementCreated.
    pub async fn create(
        &self,
        actor: &Actor,
        input: NewRequirement,
    ) -> Result<Written<Requirement>, ServiceError> {
        require(actor, REQUIREMENT_CREATE)?;
        let buyer = acting_for(actor, input.buyer_partner_id, "buyer_partner_id")?;
        let units = Units::load(&self.infra).await?;
        let zone = self.time_zone;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                able_buyer(tx.db(), buyer, "buyer_partner_id").await?;
                let now = tx.now();
                let today = now.with_timezone(&zone).date_naive();
                crate::circular::refuse(tx, buyer, input.commodity_id, TradeSide::Buy, today).await?;
                let commodity = commodity::Entity::find_by_id(input.commodity_id)
                    .one(tx.db())
                    .await?;
                let (trade_unit, rate_unit) =
                    commodity.map(|c| (c.trade_unit, c.rate_unit)).unwrap_or_default();
                let valid_from = input.valid_from.unwrap_or(now);
                let max = input.max_quantity.value();
                let draft = Draft {
                    commodity_id: input.commodity_id,
                    variety_id: input.variety_id,
                    unit: upper(input.unit).unwrap_or(trade_unit),
                    min_quantity: input.min_quantity.value(),
                    preferred_quantity: input.preferred_quantity.map_or(max, |q| q.value()),
                    max_quantity: max,
                    quality: input.quality.unwrap_or_default(),
                    max_price: input.max_price.map(|m| m.value()),
                    preferred_price: input.preferred_price.map(|m| m.value()),
                    price_unit: upper(input.price_unit).or(Some(rate_unit)),
                    total_budget: input.total_budget.map(|m| m.value()),
                    delivery_location_ids: input.delivery_location_ids,
                    allow_cross_state: input.allow_cross_state.unwrap_or(false),
                    delivery_from: input.delivery_from,
                    delivery_to: input.delivery_to,
                    payment_term_id: input.payment_term_id,
                    delivery_term_id: input.delivery_term_id,
                    visibility: upper(input.visibility).unwrap_or_else(|| "PUBLIC".into()),
                    invited_seller_ids: input.invited_seller_ids.unwrap_or_default(),
                    urgency: upper(input.urgency).unwrap_or_else(|| "NORMAL".into()),
                    intent: upper(input.intent).unwrap_or_else(|| "DIRECT_BUY".into()),
                    valid_from,
                    valid_until: input
                        .valid_until
                        .unwrap_or(valid_from + Duration::days(DEFAULT_VALID_DAYS)),
                };
                let checked = check(tx.db(), &units, &draft, now).await?;
                // Before the number: the counter's row stays locked until the commit.
                let derived = store::derive(tx.db(), buyer, &units, &draft, &checked).await?;
                let business_date = now.with_timezone(&zone).date_naive();
                let year = business_date.year();
                let n = infra::numbering::next(tx, &format!("requirement:{year}")).await?;
                let number = format!("REQ-{year}-{n:06}");
                let row = store::insert(tx, buyer, number, business_date, &draft, checked, derived).await?;
                let view = store::view(tx.db(), row.clone()).await?;
                let payload = serde_json::json!({ "id": row.id, "requirement": &view });
                let created = change(events::REQUIREMENT_CREATED, "requirement.create", &row);
                audience::record(tx, created, &row, &view.invited_seller_ids, payload).await?;
                Ok(view)
            })
        })
        .await
    }
}

/// A trimmed, upper-cased choice, absent when empty.
pub(crate) fn upper(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_ascii_uppercase())
        .filter(|v| !v.is_empty())
}

/// `value` scaled by 10^4 for storage (values checked already).
pub(crate) fn scaled(value: Decimal) -> Result<i64, ServiceError> {
    infra::money::to_scaled(value).map_err(|e| ServiceError::field("quantity", &e.to_string()))
}
