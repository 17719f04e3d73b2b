//! Rows of a requirement: the insert, its join rows, and the view read back.

use chrono::NaiveDate;
use infra::ServiceError;
use infra::write::WriteTx;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::entity::{delivery_location, invited_seller, requirement};
use super::model::{Negotiation, Requirement};
use super::rules::{Checked, Draft};
use super::scaled;

fn scaled_opt(value: Option<rust_decimal::Decimal>) -> Result<Option<i64>, ServiceError> {
    value.map(scaled).transpose()
}

/// The derived values stored besides the draft's: the buyer precheck and
/// its value, the highest price per base unit.
pub(super) struct Derived {
    /// The buyer precheck.
    pub outcome: risk::precheck::Outcome,
    /// The trade value it checked.
    pub value: rust_decimal::Decimal,
    /// `max_price` (else `preferred_price`) per base unit.
    pub base_max_price: Option<rust_decimal::Decimal>,
}

/// Inserts requirement `number` of `buyer` from `draft` as DRAFT, with its join rows.
pub(super) async fn insert(
    tx: &WriteTx,
    buyer: Uuid,
    number: String,
    business_date: NaiveDate,
    draft: &Draft,
    checked: Checked,
    derived: Derived,
) -> Result<requirement::Model, ServiceError> {
    let now = tx.now();
    let mut row = requirement::Model {
        id: infra::ids::new_id(),
        number,
        buyer_partner_id: buyer,
        commodity_id: draft.commodity_id,
        variety_id: draft.variety_id,
        unit: draft.unit.clone(),
        min_quantity: scaled(draft.min_quantity)?,
        preferred_quantity: scaled(draft.preferred_quantity)?,
        max_quantity: scaled(draft.max_quantity)?,
        base_min_quantity: scaled(checked.base_min_quantity)?,
        base_max_quantity: scaled(checked.base_max_quantity)?,
        quality: checked.quality,
        price_unit: draft.price_unit.clone(),
        max_price: scaled_opt(draft.max_price)?,
        preferred_price: scaled_opt(draft.preferred_price)?,
        total_budget: scaled_opt(draft.total_budget)?,
        allow_cross_state: draft.allow_cross_state,
        delivery_from: draft.delivery_from,
        delivery_to: draft.delivery_to,
        payment_term_id: draft.payment_term_id,
        delivery_term_id: draft.delivery_term_id,
        visibility: draft.visibility.clone(),
        urgency: draft.urgency.clone(),
        intent: draft.intent.clone(),
        negotiation: json!(Negotiation::of(&draft.urgency)),
        valid_from: draft.valid_from,
        valid_until: draft.valid_until,
        status: "DRAFT".into(),
        purchased_quantity: 0,
        spent_amount: 0,
        precheck_score: None,
        precheck_status: None,
        precheck_factors: None,
        precheck_value: None,
        base_max_price: scaled_opt(derived.base_max_price)?,
        cancel_reason: None,
        business_date,
        created_by: tx.actor().user_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    super::precheck::store(&mut row, &derived.outcome, derived.value)?;
    let row = row.into_active_model().reset_all().insert(tx.db()).await?;
    replace_joins(
        tx,
        row.id,
        &draft.delivery_location_ids,
        &draft.invited_seller_ids,
    )
    .await?;
    Ok(row)
}

/// Replaces the delivery locations and invited sellers of requirement `id`.
pub(super) async fn replace_joins(
    tx: &WriteTx,
    id: Uuid,
    locations: &[Uuid],
    sellers: &[Uuid],
) -> Result<(), ServiceError> {
    delivery_location::Entity::delete_many()
        .filter(delivery_location::Column::RequirementId.eq(id))
        .exec(tx.db())
        .await?;
    invited_seller::Entity::delete_many()
        .filter(invited_seller::Column::RequirementId.eq(id))
        .exec(tx.db())
        .await?;
    if !locations.is_empty() {
        let rows = locations.iter().map(|l| delivery_location::ActiveModel {
            requirement_id: sea_orm::Set(id),
            location_id: sea_orm::Set(*l),
        });
        delivery_location::Entity::insert_many(rows)
            .exec_without_returning(tx.db())
            .await?;
    }
    if !sellers.is_empty() {
        let rows = sellers.iter().map(|p| invited_seller::ActiveModel {
            requirement_id: sea_orm::Set(id),
            partner_id: sea_orm::Set(*p),
        });
        invited_seller::Entity::insert_many(rows)
            .exec_without_returning(tx.db())
            .await?;
    }
    Ok(())
}

/// The delivery locations and invited sellers of requirement `id`, in id order.
pub(super) async fn joins<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<(Vec<Uuid>, Vec<Uuid>), ServiceError> {
    let locations = delivery_location::Entity::find()
        .filter(delivery_location::Column::RequirementId.eq(id))
        .order_by_asc(delivery_location::Column::LocationId)
        .all(db)
        .await?;
    let sellers = invited_seller::Entity::find()
        .filter(invited_seller::Column::RequirementId.eq(id))
        .order_by_asc(invited_seller::Column::PartnerId)
        .all(db)
        .await?;
    Ok((
        locations.into_iter().map(|l| l.location_id).collect(),
        sellers.into_iter().map(|s| s.partner_id).collect(),
    ))
}

/// The view of `row`, its join rows read from `db`.
pub(super) async fn view<C: ConnectionTrait>(
    db: &C,
    row: requirement::Model,
) -> Result<Requirement, ServiceError> {
    let (locations, sellers) = joins(db, row.id).await?;
    Ok(Requirement::of(row, locations, sellers))
}

/// The views of `rows`, their join rows read in two queries.
pub(super) async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<requirement::Model>,
) -> Result<Vec<Requirement>, ServiceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let locations = delivery_location::Entity::find()
        .filter(delivery_location::Column::RequirementId.is_in(ids.clone()))
        .order_by_asc(delivery_location::Column::LocationId)
        .all(db)
        .await?;
    let sellers = invited_seller::Entity::find()
        .filter(invited_seller::Column::RequirementId.is_in(ids))
        .order_by_asc(invited_seller::Column::PartnerId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let of_row = locations
                .iter()
                .filter(|l| l.requirement_id == id)
                .map(|l| l.location_id);
            let invited = sellers
                .iter()
                .filter(|s| s.requirement_id == id)
                .map(|s| s.partner_id);
            Requirement::of(row, of_row.collect(), invited.collect())
        })
        .collect())
}

/// The derived values of `draft` (checked as `checked`) of `buyer`, the
/// precheck read on `db`.
pub(super) async fn derive<C: ConnectionTrait>(
    db: &C,
    buyer: Uuid,
    units: &settings::commodities::units::Units,
    draft: &Draft,
    checked: &Checked,
) -> Result<Derived, ServiceError> {
    let value = super::precheck::value(units, draft, checked.base_max_quantity);
    let outcome = super::precheck::assess(db, buyer, value).await?;
    Ok(Derived {
        outcome,
        value,
        base_max_price: super::precheck::base_max_price(units, draft),
    })
}
