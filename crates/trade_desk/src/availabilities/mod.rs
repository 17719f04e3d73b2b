//! Seller availabilities: what a seller offers, where, how much, at what
//! price and quality. Created ACTIVE and AUTO_APPROVED when the seller
//! precheck passes and the seller's KYC is verified, otherwise DRAFT and
//! PENDING until staff approve (ACTIVE) or reject it; changed while ACTIVE
//! (price, delivery, visibility, expiry; the quantity only while nothing is
//! reserved or sold), cancelled with a reason, expired by the job. Reads
//! follow visibility: PUBLIC to every partner, PRIVATE to the seller and
//! staff, RESTRICTED to its listed buyers too, INTERNAL to staff (and the
//! seller, whose own it is); one not yet approved to the seller and staff.
//! What is not visible answers 404.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use trade_desk::availabilities::{AvailabilityService, NewAvailability};
//!
//! # async fn demo(seller: Actor, cotton: uuid::Uuid, yard: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let availabilities = AvailabilityService::new(infra);
//! let input = NewAvailability {
//!     commodity_id: cotton,
//!     location_id: Some(yard),
//!     quantity: "100".parse()?,
//!     price: Some("61000".parse()?),
//!     ..Default::default()
//! };
//! let offer = availabilities.create(&seller, input).await?.value;
//! println!("{} is {} ({})", offer.id, offer.status, offer.approval_status);
//! # Ok(()) }
//! ```

pub mod changes;
pub mod entity;
pub mod expiry;
pub mod input;
pub mod model;
pub mod place;
pub mod quantities;
pub mod readiness;
pub mod reads;
pub mod rules;
pub mod search;
pub mod search_input;
pub mod similar;
pub(crate) mod store;

use chrono::Duration;
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, ServiceError, Validator, Written};
use risk::validations::TradeSide;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use settings::commodities::entity::commodity;
use settings::commodities::units::Units;
use uuid::Uuid;

pub use input::{AdHocAddress, AvailabilityChanges, NewAvailability, PriceStep, Reason};
pub use model::{Availability, StoredPrecheck};
pub use search_input::{AvailabilityHit, AvailabilityHits, AvailabilitySearch};
pub use store::{approved, audience};

use self::entity::availability;
use self::place::Place;
use self::rules::{Checked, Draft, check};
use crate::acting::{able_seller, acting_for};
use crate::requirements::{scaled, upper};
use crate::{AVAILABILITY_CREATE, events};

/// Days an availability lives when the caller names no expiry.
pub const DEFAULT_EXPIRY_DAYS: i64 = 30;

/// Availabilities over any [`Infra`].
#[derive(Clone)]
pub struct AvailabilityService<I: Infra> {
    pub(crate) infra: I,
    pub(crate) time_zone: chrono_tz::Tz,
}

/// A 409 `duplicate_availability`.
fn duplicate(existing: Option<Uuid>) -> ServiceError {
    let which = existing.map_or_else(String::new, |id| format!(" ({id})"));
    ServiceError::conflict(
        "duplicate_availability",
        format!(
            "the seller already lists this quantity of this commodity at this place today{which}; \
             change that listing instead"
        ),
    )
}

/// The value the seller precheck weighs: the price times the quantity in
/// price units (base quantity / the price unit's factor); 0 without a price.
pub fn value_of(base_quantity: Decimal, price: Option<Decimal>, price_factor: Option<Decimal>) -> Decimal {
    match (price, price_factor) {
        (Some(p), Some(f)) if !f.is_zero() => (base_quantity / f * p).round_dp(4),
        _ => Decimal::ZERO,
    }
}

/// The price per base unit of `price` in a unit of `price_factor` base
/// units, scaled by 10^4 (rounded half away from zero to 4 places); absent
/// without either.
pub fn base_price(
    price: Option<Decimal>,
    price_factor: Option<Decimal>,
) -> Result<Option<i64>, ServiceError> {
    match (price, price_factor) {
        (Some(p), Some(f)) if !f.is_zero() => {
            let per = (p / f).round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            scaled(per).map(Some)
        }
        _ => Ok(None),
    }
}

impl<I: Infra> AvailabilityService<I> {
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

    /// Creates an availability for the caller's partner (staff name
    /// `seller_partner_id`). Capability: AVAILABILITY_CREATE. The seller must
    /// be able to sell (see [`able_seller`]); every broken field rule is a
    /// 422 naming it; the same seller, commodity, base quantity and place on
    /// one business day is 409 `duplicate_availability`; an open requirement
    /// of the seller for the commodity today is 409 `circular_trading`. The
    /// seller precheck is stored; PASS with verified KYC makes it ACTIVE and
    /// AUTO_APPROVED, anything else DRAFT and PENDING. Emits
    /// AvailabilityCreated (and AvailabilityApproved when auto-approved).
    pub async fn create(
        &self,
        actor: &Actor,
        input: NewAvailability,
    ) -> Result<Written<Availability>, ServiceError> {
        require(actor, AVAILABILITY_CREATE)?;
        let seller = acting_for(actor, input.seller_partner_id, "seller_partner_id")?;
        let units = Units::load(&self.infra).await?;
        let zone = self.time_zone;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = able_seller(tx.db(), seller, "seller_partner_id").await?;
                let now = tx.now();
                let business_date = now.with_timezone(&zone).date_naive();
                let found = commodity::Entity::find_by_id(input.commodity_id)
                    .one(tx.db())
                    .await?;
                let (trade_unit, rate_unit) = found.map(|c| (c.trade_unit, c.rate_unit)).unwrap_or_default();
                let mut v = Validator::new();
                let place = place::resolve(
                    tx.db(),
                    &mut v,
                    seller,
                    input.location_id,
                    input.partner_location_id,
                    input.address,
                )
                .await?;
                let draft = Draft {
                    seller,
                    commodity_id: input.commodity_id,
                    variety_id: input.variety_id,
                    unit: upper(input.unit).unwrap_or(trade_unit),
                    quantity: input.quantity.value(),
                    min_order_quantity: input.min_order_quantity.map(|q| q.value()),
                    allow_partial: input.allow_partial.unwrap_or(true),
                    price_type: upper(input.price_type).unwrap_or_else(|| "FIXED".into()),
                    price: input.price.map(|p| p.value()),
                    price_unit: upper(input.price_unit).or(Some(rate_unit)),
                    price_matrix: input.price_matrix,
                    quality: input.quality.unwrap_or_default(),
                    delivery_term_id: input.delivery_term_id,
                    payment_term_id: input.payment_term_id,
                    delivery_from: input.delivery_from,
                    delivery_to: input.delivery_to,
                    visibility: upper(input.visibility).unwrap_or_else(|| "PUBLIC".into()),
                    allowed_buyer_ids: input.allowed_buyer_ids.unwrap_or_default(),
                    expires_at: input
                        .expires_at
                        .unwrap_or(now + Duration::days(DEFAULT_EXPIRY_DAYS)),
                    test_report_document_id: input.test_report_document_id,
                };
                let checked = check(tx.db(), &units, &draft, now, v).await?;
                crate::circular::refuse(tx, seller, draft.commodity_id, TradeSide::Sell, business_date)
                    .await?;
                let base = scaled(checked.base_quantity)?;
                let existing = availability::Entity::find()
                    .filter(availability::Column::SellerPartnerId.eq(seller))
                    .filter(availability::Column::CommodityId.eq(draft.commodity_id))
                    .filter(availability::Column::BaseQuantity.eq(base))
                    .filter(availability::Column::LocationKey.eq(place.key.clone()))
                    .filter(availability::Column::BusinessDate.eq(business_date))
                    .filter(availability::Column::Status.is_not_in(["CANCELLED", "EXPIRED"]))
                    .filter(availability::Column::ApprovalStatus.ne("REJECTED"))
                    .one(tx.db())
                    .await?;
                if let Some(existing) = existing {
                    return Err(duplicate(Some(existing.id)));
                }
                let facts = risk::facts::load(tx.db(), &[seller]).await?;
                let standing = facts
                    .get(&seller)
                    .map(|f| f.standing(risk::Side::Seller))
                    .ok_or(ServiceError::NotFound("partner"))?;
                let value = value_of(checked.base_quantity, draft.price, checked.price_factor);
                let precheck = risk::precheck::seller(&standing, value);
                let auto =
                    precheck.status == risk::precheck::Status::Pass && partner.kyc_status == "verified";
                let row = insert(tx, &draft, &place, &checked, business_date, &precheck, auto).await?;
                store::replace_buyers(tx, row.id, &draft.allowed_buyer_ids).await?;
                let view = store::view(tx.db(), row.clone()).await?;
                let buyers = &draft.allowed_buyer_ids;
                let payload = json!({ "availability": &view, "precheck_value": value.to_string() });
                store::record(
                    tx,
                    events::AVAILABILITY_CREATED,
                    "availability.create",
                    &row,
                    buyers,
                    payload,
                )
                .await?;
                if auto {
                    let extra = json!({ "auto": true });
                    store::record(
                        tx,
                        events::AVAILABILITY_APPROVED,
                        "availability.approve",
                        &row,
                        buyers,
                        extra,
                    )
                    .await?;
                }
                Ok(view)
            })
        })
        .await
    }
}

/// Inserts the availability of `draft` at `place` (a unique index refusing
/// it is the duplicate rule, 409 `duplicate_availability`).
async fn insert(
    tx: &WriteTx,
    draft: &Draft,
    place: &Place,
    checked: &Checked,
    business_date: chrono::NaiveDate,
    precheck: &risk::precheck::Outcome,
    auto: bool,
) -> Result<availability::Model, ServiceError> {
    let now = tx.now();
    let total = scaled(draft.quantity)?;
    let (status, approval) = if auto {
        ("ACTIVE", "AUTO_APPROVED")
    } else {
        ("DRAFT", "PENDING")
    };
    let row = availability::Model {
        id: infra::ids::new_id(),
        seller_partner_id: draft.seller,
        commodity_id: draft.commodity_id,
        variety_id: draft.variety_id,
        location_id: place.location_id,
        partner_location_id: place.partner_location_id,
        address: place.address.as_ref().map(|a| json!(a)),
        location_key: place.key.clone(),
        state_code: place.state_code.clone(),
        latitude: place.latitude,
        longitude: place.longitude,
        unit: draft.unit.clone(),
        total_quantity: total,
        available_quantity: total,
        reserved_quantity: 0,
        sold_quantity: 0,
        base_quantity: scaled(checked.base_quantity)?,
        min_order_quantity: draft.min_order_quantity.map(scaled).transpose()?,
        allow_partial: draft.allow_partial,
        price_type: draft.price_type.clone(),
        price: draft.price.map(scaled).transpose()?,
        price_unit: draft.price_unit.clone(),
        base_price: base_price(draft.price, checked.price_factor)?,
        price_matrix: draft.price_matrix.as_ref().map(|m| json!(m)),
        quality: checked.quality.clone(),
        delivery_term_id: draft.delivery_term_id,
        payment_term_id: draft.payment_term_id,
        delivery_from: draft.delivery_from,
        delivery_to: draft.delivery_to,
        visibility: draft.visibility.clone(),
        test_report_document_id: draft.test_report_document_id,
        expires_at: draft.expires_at,
        status: status.into(),
        approval_status: approval.into(),
        precheck_score: Some(precheck.score),
        precheck_status: Some(precheck.status.as_str().into()),
        precheck_factors: Some(json!(precheck.factors)),
        decided_by: None,
        decided_at: auto.then_some(now),
        rejection_reason: None,
        cancel_reason: None,
        business_date,
        created_by: tx.actor().user_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    match row.into_active_model().reset_all().insert(tx.db()).await {
        Ok(row) => Ok(row),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(duplicate(None))
        }
        Err(e) => Err(e.into()),
    }
}
