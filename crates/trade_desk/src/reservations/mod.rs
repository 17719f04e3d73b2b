//! Reservations: quantity of an ACTIVE availability held for a buyer for 1
//! to 168 hours (default 24), its value held as the buyer's exposure.
//! Reserving moves the quantity from available to reserved in one
//! conditional statement (it never oversells: zero rows changed is 409
//! `insufficient_quantity` or `availability_not_active`) and the buyer's
//! exposure through `risk::exposure::apply` in the same transaction (409
//! `credit_limit_exceeded`). A release gives back all or part, its share of
//! the value exactly; the expiry job gives back the rest once. Events
//! QuantityReserved, QuantityReleased and ReservationExpired travel on
//! `availability-events`, the availability the aggregate (its version, the
//! ETag, bumps with each), for the buyer and the seller (and staff).
//!
//! The value of a reservation is its quantity in the commodity's base unit
//! over the price unit's factor, times the availability's price (a MATRIX's
//! base price), to 4 places. A NEGOTIABLE or SPOT availability without a
//! price reserves no exposure (value 0): the credit is taken when the trade
//! is confirmed at the agreed price.

pub mod entity;
pub mod expiry;
pub mod model;
pub mod moves;
pub mod reads;
pub mod release;

use chrono::Duration;
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, Quantity, ServiceError, Validator, Written};
use risk::error::RiskError;
use risk::exposure::apply::{ExposureMove, Reason, apply};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use serde_json::json;
use settings::commodities::entity::commodity;
use settings::commodities::units::Units;
use uuid::Uuid;

pub use model::{NewReservation, Release, Reservation};

use self::entity::reservation;
use crate::acting::{able_buyer, acting_for};
use crate::availabilities::entity::availability;
use crate::availabilities::reads::visible_to;
use crate::availabilities::rules::factor;
use crate::availabilities::value_of;
use crate::requirements::entity::requirement;
use crate::requirements::fulfilment;
use crate::requirements::{scaled, upper};
use crate::{AVAILABILITY_RESERVE, events};

/// Hours a reservation holds when the caller names none.
pub const DEFAULT_HOURS: i64 = 24;
/// The longest a reservation holds, in hours.
pub const MAX_HOURS: i64 = 168;

/// Reservations over any [`Infra`].
#[derive(Clone)]
pub struct ReservationService<I: Infra> {
    pub(crate) infra: I,
}

/// The quantity `quantity` in `unit` expressed in the availability's unit
/// (`to`), exactly to 4 places (422 naming `quantity` otherwise; 422 naming
/// `unit` for a unit not of the commodity's base).
pub fn held_quantity(
    units: &Units,
    quantity: Decimal,
    unit: &str,
    to: &str,
    base: &str,
) -> Result<Decimal, ServiceError> {
    let mut v = Validator::new();
    let from_factor = factor(&mut v, units, "unit", unit, base);
    let to_factor = factor(&mut v, units, "unit", to, base);
    v.finish()?;
    let (Some(f), Some(t)) = (from_factor, to_factor) else {
        return Err(ServiceError::field("unit", "is not a unit of the commodity"));
    };
    let held = quantity * f / t;
    if held.round_dp(infra::money::SCALE) != held {
        return Err(ServiceError::field(
            "quantity",
            &format!("does not convert exactly to 4 places of {to}; reserve a quantity that does"),
        ));
    }
    Ok(held.normalize())
}

impl<I: Infra> ReservationService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Reserves quantity of availability `id` for the caller's partner
    /// (staff name `buyer_partner_id`). Capability: AVAILABILITY_RESERVE.
    /// 404 for an availability the buyer does not see; 422 naming `hours`
    /// (1 to 168), `quantity` (not positive, not exact in the availability's
    /// unit, under the minimum order, or part of one sold whole), `unit` or
    /// `requirement_id` (not the buyer's for the commodity; 409
    /// `requirement_not_active` unless ACTIVE or PARTIALLY_FULFILLED); the buyer must
    /// be able to buy (see [`able_buyer`]); 409 `party_linked` (with the
    /// reasons) for a buyer linked to the seller, 409
    /// `buyer_precheck_failed` when the buyer precheck FAILs, 409
    /// `availability_not_active`, `insufficient_quantity` or
    /// `credit_limit_exceeded`. Emits QuantityReserved.
    pub async fn reserve(
        &self,
        actor: &Actor,
        id: Uuid,
        input: NewReservation,
    ) -> Result<Written<Reservation>, RiskError> {
        require(actor, AVAILABILITY_RESERVE)?;
        let buyer = acting_for(actor, input.buyer_partner_id, "buyer_partner_id")?;
        let hours = input.hours.unwrap_or(DEFAULT_HOURS);
        if !(1..=MAX_HOURS).contains(&hours) {
            return Err(ServiceError::field("hours", "must be 1 to 168").into());
        }
        if input.quantity.value() <= Decimal::ZERO {
            return Err(ServiceError::field("quantity", "must be above 0").into());
        }
        let units = Units::load(&self.infra).await?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move { reserve_in(tx, &units, id, buyer, hours, input).await })
        })
        .await
    }
}

/// The checks of [`ReservationService::reserve`] and its moves, inside `tx`.
async fn reserve_in(
    tx: &WriteTx,
    units: &Units,
    id: Uuid,
    buyer: Uuid,
    hours: i64,
    input: NewReservation,
) -> Result<Reservation, RiskError> {
    // Locked: the rules checked below (status, minimum, partial, price) must
    // be the ones the quantity moves under, whatever a concurrent PATCH does.
    let offer = infra::rows::for_update(tx, availability::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))?;
    let listed = crate::availabilities::store::buyers(tx.db(), id).await?;
    if !visible_to(Some(buyer), &offer, &listed) {
        return Err(ServiceError::NotFound("availability").into());
    }
    if offer.status != "ACTIVE" {
        let message = format!(
            "the availability is {}: only an ACTIVE one is reserved",
            offer.status
        );
        return Err(ServiceError::conflict("availability_not_active", message).into());
    }
    let base = commodity::Entity::find_by_id(offer.commodity_id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("commodity"))?
        .base_unit;
    let unit = upper(input.unit.clone()).unwrap_or_else(|| offer.unit.clone());
    let held = held_quantity(units, input.quantity.value(), &unit, &offer.unit, &base)?;
    let held_scaled = scaled(held)?;
    if let Some(min) = offer.min_order_quantity
        && held_scaled < min
    {
        let message = format!(
            "is under the minimum order of {} {}",
            Quantity::from_scaled(min),
            offer.unit
        );
        return Err(ServiceError::field("quantity", &message).into());
    }
    if !offer.allow_partial && held_scaled != offer.total_quantity {
        let message = format!(
            "must be the whole {} {}: the availability is not sold in part",
            Quantity::from_scaled(offer.total_quantity),
            offer.unit
        );
        return Err(ServiceError::field("quantity", &message).into());
    }
    if let Some(requirement_id) = input.requirement_id {
        let found = requirement::Entity::find_by_id(requirement_id)
            .one(tx.db())
            .await?;
        let Some(wanted) =
            found.filter(|r| r.buyer_partner_id == buyer && r.commodity_id == offer.commodity_id)
        else {
            let message = "is not a requirement of the buyer for this commodity";
            return Err(ServiceError::field("requirement_id", message).into());
        };
        if !fulfilment::OPEN.contains(&wanted.status.as_str()) {
            let message = format!(
                "the requirement {} is {}: only an ACTIVE or PARTIALLY_FULFILLED one is reserved for",
                wanted.number, wanted.status
            );
            return Err(ServiceError::conflict(fulfilment::NOT_ACTIVE, message).into());
        }
    }
    able_buyer(tx.db(), buyer, "buyer_partner_id").await?;
    let link = partners::links::linked(tx.db(), buyer, offer.seller_partner_id).await?;
    if link.is_linked() {
        let reasons: Vec<String> = link
            .reasons
            .iter()
            .map(|r| {
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            })
            .collect();
        let message = format!(
            "the buyer and the seller are linked ({}): they do not trade",
            reasons.join(", ")
        );
        return Err(ServiceError::conflict("party_linked", message).into());
    }
    let price_factor = offer
        .price_unit
        .as_deref()
        .and_then(|u| units.find(u))
        .map(|u| u.factor);
    let own_factor = units.find(&offer.unit).map_or(Decimal::ONE, |u| u.factor);
    let price = offer.price.map(infra::money::from_scaled);
    let value = value_of(held * own_factor, price, price_factor);
    let facts = risk::facts::load(tx.db(), &[buyer]).await?;
    let standing = facts
        .get(&buyer)
        .map(|f| f.standing(risk::Side::Buyer))
        .ok_or(ServiceError::NotFound("partner"))?;
    let precheck = risk::precheck::buyer(&standing, value);
    if precheck.status == risk::precheck::Status::Fail {
        let message = format!(
            "the buyer precheck fails (score {}): {}",
            precheck.score, precheck.recommendation
        );
        return Err(ServiceError::conflict("buyer_precheck_failed", message).into());
    }
    let offer = moves::take(tx, id, held_scaled).await?;
    let now = tx.now();
    let row = reservation::Model {
        id: infra::ids::new_id(),
        availability_id: id,
        buyer_partner_id: buyer,
        seller_partner_id: offer.seller_partner_id,
        quantity: scaled(input.quantity.value())?,
        unit,
        held_quantity: held_scaled,
        held_unit: offer.unit.clone(),
        value: scaled(value)?,
        released_quantity: 0,
        released_value: 0,
        requirement_id: input.requirement_id,
        expires_at: now + Duration::hours(hours),
        status: "ACTIVE".into(),
        created_by: tx.actor().user_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let row = row.into_active_model().reset_all().insert(tx.db()).await?;
    if row.value > 0 {
        apply(
            tx,
            ExposureMove {
                partner_id: buyer,
                side: risk::Side::Buyer,
                amount: value,
                reason: Reason::Reservation,
                reference_id: Some(row.id),
                note: None,
            },
        )
        .await?;
    }
    if let Some(requirement_id) = row.requirement_id {
        crate::matching::store::reserved(tx, requirement_id, id, row.id).await?;
    }
    let view = Reservation::of(row, offer.version);
    let extra = json!({ "precheck": { "score": precheck.score, "status": precheck.status.as_str() } });
    moves::record(
        tx,
        events::QUANTITY_RESERVED,
        "reservation.create",
        &offer,
        &view,
        extra,
    )
    .await?;
    Ok(view)
}
