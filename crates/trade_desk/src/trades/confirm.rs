//! Confirming a reservation into a trade, in one transaction (see the
//! module documentation of [`super`]).

use chrono::Datelike;
use infra::service_error::require;
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, InfraError, Money, Quantity, ServiceError, Written};
use risk::error::RiskError;
use risk::exposure::apply::{ExposureMove, Reason, apply};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde_json::json;
use settings::commodities::commissions::CommissionStructure;
use settings::commodities::entity::{commission, commodity, trade_term};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::entity::trade;
use super::model::{Confirm, Trade};
use super::pricing::{PriceInput, Supply, price_trade};
use super::{TradeService, record, stock};
use crate::acting::{able_buyer, able_seller};
use crate::availabilities::entity::availability;
use crate::requirements::entity::requirement;
use crate::requirements::fulfilment;
use crate::reservations::entity::reservation;
use crate::reservations::moves::NOT_ACTIVE;
use crate::{TRADE_CONFIRM, events};

impl<I: Infra> TradeService<I> {
    /// Confirms reservation `id` into a trade at `input.price` (default the
    /// availability's) with the terms given (default the availability's,
    /// else the requirement's). Capability: TRADE_CONFIRM, the seller's
    /// users or staff (the buyer's users: 403 `out_of_scope`; others 404).
    /// 409 `reservation_not_active` (released, expired, confirmed, also by
    /// a racing change), `requirement_not_active`,
    /// `requirement_quantity_exceeded`, `credit_limit_exceeded`; 422 naming
    /// `price` (missing where the availability has none, or unlike a FIXED
    /// price), `payment_term_id` or `delivery_term_id`; the parties must
    /// still be able to trade (403 `partner_suspended`, ...). Emits
    /// TradeConfirmed, AvailabilitySold and, with a requirement,
    /// RequirementFulfilmentRecorded (and RequirementFulfilled).
    pub async fn confirm(
        &self,
        actor: &Actor,
        id: Uuid,
        input: Confirm,
    ) -> Result<Written<Trade>, RiskError> {
        require(actor, TRADE_CONFIRM)?;
        let units = Units::load(&self.infra).await?;
        let (zone, fail) = (self.time_zone, self.fail_after_trade_row);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let row = confirm_in(tx, &units, zone, id, input, fail).await?;
                Ok(Trade::of(row))
            })
        })
        .await
    }
}

/// The reservation `id`, locked, ACTIVE and unexpired, that the caller may confirm.
async fn confirmable(tx: &WriteTx, id: Uuid) -> Result<reservation::Model, ServiceError> {
    let row = infra::rows::for_update(tx, reservation::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("reservation"))?;
    if let Some(own) = tx.actor().partner_id
        && row.seller_partner_id != own
    {
        if row.buyer_partner_id == own {
            return Err(ServiceError::OutOfScope(
                "the seller confirms a reservation, not the buyer",
            ));
        }
        return Err(ServiceError::NotFound("reservation"));
    }
    if row.status != "ACTIVE" {
        let message = format!(
            "the reservation is {}: only an ACTIVE one is confirmed",
            row.status
        );
        return Err(ServiceError::conflict(NOT_ACTIVE, message));
    }
    if row.expires_at <= tx.now() {
        let message = format!("the reservation expired at {}; reserve again", row.expires_at);
        return Err(ServiceError::conflict(NOT_ACTIVE, message));
    }
    Ok(row)
}

/// The agreed price: `given`, else the availability's (422 naming `price`
/// when neither, or when a FIXED availability is confirmed at another).
fn agreed_price(offer: &availability::Model, given: Option<Money>) -> Result<Money, ServiceError> {
    let listed = offer.price.map(Money::from_scaled);
    match (given, listed) {
        (Some(p), _) if p.value().is_sign_negative() && !p.value().is_zero() => {
            Err(ServiceError::field("price", "must not be negative"))
        }
        (Some(p), Some(l)) if offer.price_type == "FIXED" && p != l => Err(ServiceError::field(
            "price",
            &format!("the availability's price is FIXED at {l}; confirm at it or leave price out"),
        )),
        (Some(p), _) => Ok(p),
        (None, Some(l)) => Ok(l),
        (None, None) => Err(ServiceError::field(
            "price",
            &format!(
                "is required: the {} availability names no price",
                offer.price_type
            ),
        )),
    }
}

/// Term `id` (or `fallback`) when it is an active `kind` master (422 naming `field`).
async fn term(
    tx: &WriteTx,
    field: &str,
    kind: &str,
    id: Option<Uuid>,
    fallback: Option<Uuid>,
) -> Result<Option<Uuid>, ServiceError> {
    let Some(id) = id else { return Ok(fallback) };
    let found = trade_term::Entity::find_by_id(id).one(tx.db()).await?;
    if found.is_some_and(|t| t.kind == kind && t.is_active) {
        return Ok(Some(id));
    }
    let what = kind.to_lowercase().replace('_', " ");
    Err(ServiceError::field(
        field,
        &format!("is not an active {what} master"),
    ))
}

/// `quantity` (scaled, in `from`) in `to`, half-up to 4 places.
fn converted(units: &Units, quantity: i64, from: &str, to: &str) -> Result<i64, ServiceError> {
    let factor = |code: &str| units.find(code).map(|u| u.factor);
    let (Some(f), Some(t)) = (factor(from), factor(to)) else {
        return Err(InfraError::Invariant("a requirement's unit shares its commodity's base").into());
    };
    let value = (infra::money::from_scaled(quantity) * f / t)
        .round_dp_with_strategy(infra::money::SCALE, RoundingStrategy::MidpointAwayFromZero);
    crate::requirements::scaled(value)
}

/// The whole confirmation inside `tx`; answers the trade row.
async fn confirm_in(
    tx: &WriteTx,
    units: &Units,
    zone: chrono_tz::Tz,
    id: Uuid,
    input: Confirm,
    fail_after_trade_row: bool,
) -> Result<trade::Model, RiskError> {
    let held = confirmable(tx, id).await?;
    let offer = infra::rows::for_update(tx, availability::Entity::find_by_id(held.availability_id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("availability"))?;
    let good = commodity::Entity::find_by_id(offer.commodity_id)
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("commodity"))?;
    let seller = able_seller(tx.db(), held.seller_partner_id, "seller_partner_id").await?;
    let buyer = able_buyer(tx.db(), held.buyer_partner_id, "buyer_partner_id").await?;
    let price = agreed_price(&offer, input.price)?;
    let price_unit = offer.price_unit.clone().unwrap_or_else(|| offer.unit.clone());
    let wanted = match held.requirement_id {
        Some(r) => requirement::Entity::find_by_id(r).one(tx.db()).await?,
        None => None,
    };
    let payment = term(
        tx,
        "payment_term_id",
        "PAYMENT_TERM",
        input.payment_term_id,
        offer
            .payment_term_id
            .or(wanted.as_ref().and_then(|r| r.payment_term_id)),
    )
    .await?;
    let delivery = term(
        tx,
        "delivery_term_id",
        "DELIVERY_TERM",
        input.delivery_term_id,
        offer
            .delivery_term_id
            .or(wanted.as_ref().and_then(|r| r.delivery_term_id)),
    )
    .await?;
    let structures: Vec<CommissionStructure> = commission::Entity::find()
        .filter(commission::Column::CommodityId.eq(good.id))
        .order_by_asc(commission::Column::Id)
        .all(tx.db())
        .await?
        .into_iter()
        .map(CommissionStructure::from)
        .collect();
    let quantity = held.held_quantity - held.released_quantity;
    let money = price_trade(
        units,
        &PriceInput {
            base_unit: &good.base_unit,
            quantity: Quantity::from_scaled(quantity),
            unit: &held.held_unit,
            price,
            price_unit: &price_unit,
            gst_rate: super::pricing::gst_percent(&good),
            seller_gstin: seller.gstin.as_deref(),
            buyer_gstin: buyer.gstin.as_deref(),
            commissions: &structures,
        },
    )?;
    let requirement_quantity = match &wanted {
        Some(r) => Some(converted(units, quantity, &held.held_unit, &r.unit)?),
        None => None,
    };
    mark_confirmed(tx, &held).await?;
    let now = tx.now();
    let business_date = now.with_timezone(&zone).date_naive();
    let year = business_date.year();
    let n = infra::numbering::next(tx, &format!("trade:{year}")).await?;
    let scaled =
        |d: Decimal| infra::money::to_scaled(d).map_err(|e| ServiceError::field("price", &e.to_string()));
    let commission: Decimal = money.commissions.iter().map(|l| l.amount).sum();
    let row = trade::Model {
        id: infra::ids::new_id(),
        number: format!("TRD-{year}-{n:06}"),
        status: "CONFIRMED".into(),
        reservation_id: held.id,
        availability_id: offer.id,
        requirement_id: held.requirement_id,
        seller_partner_id: seller.id,
        buyer_partner_id: buyer.id,
        commodity_id: good.id,
        variety_id: offer.variety_id,
        quantity,
        unit: held.held_unit.clone(),
        price: price.scaled(),
        price_unit,
        amount: scaled(money.amount)?,
        gst_rate: good.gst_rate,
        supply: match money.supply {
            Supply::IntraState => "INTRA_STATE".into(),
            Supply::InterState => "INTER_STATE".into(),
        },
        cgst: scaled(money.cgst)?,
        sgst: scaled(money.sgst)?,
        igst: scaled(money.igst)?,
        total: scaled(money.total)?,
        commissions: serde_json::to_value(&money.commissions)?,
        commission: scaled(commission)?,
        buyer_exposure: scaled(money.total)?,
        seller_exposure: scaled(money.amount)?,
        requirement_quantity,
        quality: offer.quality.clone(),
        payment_term_id: payment,
        delivery_term_id: delivery,
        business_date,
        confirmed_at: now,
        confirmed_by: tx.actor().user_id,
        settled_at: None,
        settled_by: None,
        cancelled_at: None,
        cancelled_by: None,
        cancel_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let row = row.into_active_model().reset_all().insert(tx.db()).await?;
    if fail_after_trade_row {
        return Err(InfraError::Invariant("a failure injected after the trade row").into());
    }
    stock::sell(tx, &row).await?;
    move_exposure(tx, &held, &row, money.total, money.amount).await?;
    if let (Some(r), Some(q)) = (held.requirement_id, requirement_quantity) {
        fulfilment::record(tx, r, q, row.amount, row.id).await?;
    }
    risk::performance::record_trade(tx, seller.id, now).await?;
    risk::performance::record_trade(tx, buyer.id, now).await?;
    let extra = json!({ "money": money });
    record(tx, events::TRADE_CONFIRMED, "trade.confirm", &row, extra).await?;
    Ok(row)
}

/// The reservation's own conditional change to CONFIRMED (ACTIVE and
/// unchanged since read; else 409 `reservation_not_active`).
async fn mark_confirmed(tx: &WriteTx, held: &reservation::Model) -> Result<(), ServiceError> {
    use reservation::Column as R;
    let done = reservation::Entity::update_many()
        .col_expr(R::Status, Expr::value("CONFIRMED"))
        .col_expr(R::Version, Expr::col(R::Version).add(1))
        .col_expr(R::UpdatedAt, Expr::value(tx.now()))
        .filter(R::Id.eq(held.id))
        .filter(R::Status.eq("ACTIVE"))
        .filter(R::ReleasedQuantity.eq(held.released_quantity))
        .exec(tx.db())
        .await?;
    if done.rows_affected != 1 {
        let message = "the reservation was released, expired or confirmed meanwhile; read it again";
        return Err(ServiceError::conflict(NOT_ACTIVE, message));
    }
    Ok(())
}

/// The buyer's exposure from the reservation's value still held to the
/// trade's `total` (one net check against the limit), and the seller's
/// delivery obligation of `amount`.
async fn move_exposure(
    tx: &WriteTx,
    held: &reservation::Model,
    row: &trade::Model,
    total: Decimal,
    amount: Decimal,
) -> Result<(), RiskError> {
    let left = held.value - held.released_value;
    let moves = [
        (
            held.buyer_partner_id,
            risk::Side::Buyer,
            -infra::money::from_scaled(left),
            Some(held.id),
        ),
        (held.buyer_partner_id, risk::Side::Buyer, total, Some(row.id)),
        (held.seller_partner_id, risk::Side::Seller, amount, Some(row.id)),
    ];
    for (partner_id, side, amount, reference_id) in moves {
        if amount.is_zero() {
            continue;
        }
        let note = Some(format!("trade {}", row.number));
        apply(
            tx,
            ExposureMove {
                partner_id,
                side,
                amount,
                reason: Reason::Trade,
                reference_id,
                note,
            },
        )
        .await?;
    }
    Ok(())
}
