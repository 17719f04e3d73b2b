//! The rules an availability's fields keep together (issue 16, DOMAIN.md
//! "Trade desk"): an active commodity and its variety, a quantity above 0 in
//! a unit of the commodity's base (the base quantity derived half-up to 4
//! places), a minimum order within it, a price type with the price it needs
//! (FIXED and MATRIX a price, MATRIX its steps), the stated quality by
//! parameter code, terms of the right kind, a delivery window in order, a
//! visibility with its listed buyers, an expiry within 180 days and the
//! seller's own test report. Every broken rule is named at once (422).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use infra::{ServiceError, Validator};
use partners::entity::{document, partner};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value};
use settings::commodities::entity::{commodity, parameter, trade_term, variety};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::input::PriceStep;
use crate::quality::{Spec, check_values};
use crate::requirements::rules::to_base;

/// Visibilities an availability may take.
pub const VISIBILITIES: [&str; 4] = ["PUBLIC", "PRIVATE", "RESTRICTED", "INTERNAL"];
/// Price types.
pub const PRICE_TYPES: [&str; 4] = ["FIXED", "MATRIX", "NEGOTIABLE", "SPOT"];
/// Most listed buyers on one availability.
pub const MAX_BUYERS: usize = 50;
/// Most steps of a MATRIX price.
pub const MAX_STEPS: usize = 20;
/// The longest life, in days from now.
pub const MAX_EXPIRY_DAYS: i64 = 180;

/// The fields of an availability the rules read, before their checks.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The seller.
    pub seller: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// The variety.
    pub variety_id: Option<Uuid>,
    /// The quantities' unit (upper case).
    pub unit: String,
    /// Total quantity.
    pub quantity: Decimal,
    /// Least order.
    pub min_order_quantity: Option<Decimal>,
    /// Whether part of it may be bought.
    pub allow_partial: bool,
    /// FIXED, MATRIX, NEGOTIABLE or SPOT.
    pub price_type: String,
    /// Price.
    pub price: Option<Decimal>,
    /// The price's unit (upper case).
    pub price_unit: Option<String>,
    /// A MATRIX's steps.
    pub price_matrix: Option<Vec<PriceStep>>,
    /// Stated quality as sent.
    pub quality: Map<String, Value>,
    /// Delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// Payment term.
    pub payment_term_id: Option<Uuid>,
    /// Delivery window.
    pub delivery_from: Option<NaiveDate>,
    /// Delivery window.
    pub delivery_to: Option<NaiveDate>,
    /// Visibility.
    pub visibility: String,
    /// Listed buyers.
    pub allowed_buyer_ids: Vec<Uuid>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Test report.
    pub test_report_document_id: Option<Uuid>,
}

/// What the checks derive.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The total in the base unit.
    pub base_quantity: Decimal,
    /// The factor of the price unit (base units per price unit).
    pub price_factor: Option<Decimal>,
    /// The stated quality as stored.
    pub quality: Value,
    /// The commodity's category.
    pub category: String,
}

fn one_of(v: &mut Validator, field: &str, value: &str, choices: &[&str]) -> bool {
    let fits = choices.contains(&value);
    v.check(fits, field, &format!("must be one of {}", choices.join(", ")));
    fits
}

/// The factor of `unit` if it measures `base` (422 naming `field` otherwise).
pub fn factor(v: &mut Validator, units: &Units, field: &str, unit: &str, base: &str) -> Option<Decimal> {
    match units.find(unit) {
        Some(u) if u.base_unit == base => Some(u.factor),
        Some(u) => {
            let message = format!(
                "{unit} measures {}; the commodity is traded in units of {base}",
                u.base_unit
            );
            v.check(false, field, &message);
            None
        }
        None => {
            let message = format!("{unit} is not a known unit; see GET /api/v1/settings/commodities/units");
            v.check(false, field, &message);
            None
        }
    }
}

/// Checks `draft` against the catalogue and the partners, at `now`; the
/// place's errors are already on `v`.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    draft: &Draft,
    now: DateTime<Utc>,
    mut v: Validator,
) -> Result<Checked, ServiceError> {
    let commodity = commodity::Entity::find_by_id(draft.commodity_id)
        .one(db)
        .await?
        .filter(|c| c.is_active && c.deleted_at.is_none());
    v.check(commodity.is_some(), "commodity_id", "is not an active commodity");
    if let Some(variety) = draft.variety_id {
        let found = variety::Entity::find_by_id(variety).one(db).await?;
        let fits = found.is_some_and(|f| f.commodity_id == draft.commodity_id);
        v.check(fits, "variety_id", "is not a variety of the commodity");
    }
    v.check(draft.quantity > Decimal::ZERO, "quantity", "must be above 0");
    if let Some(min) = draft.min_order_quantity {
        v.check(
            min > Decimal::ZERO && min <= draft.quantity,
            "min_order_quantity",
            "must be above 0 and at most the quantity",
        );
    }
    let priced = one_of(&mut v, "price_type", &draft.price_type, &PRICE_TYPES);
    if priced && matches!(draft.price_type.as_str(), "FIXED" | "MATRIX") {
        v.check(
            draft.price.is_some(),
            "price",
            "is required for a FIXED or MATRIX price",
        );
    }
    if let Some(p) = draft.price {
        v.check(!p.is_sign_negative(), "price", "must not be negative");
    }
    let mut specs = Vec::new();
    let mut checked = Checked {
        base_quantity: Decimal::ZERO,
        price_factor: None,
        quality: Value::Object(Map::new()),
        category: String::new(),
    };
    if let Some(c) = &commodity {
        if let Some(f) = factor(&mut v, units, "unit", &draft.unit, &c.base_unit) {
            checked.base_quantity = to_base(draft.quantity, f);
        }
        if let Some(price_unit) = &draft.price_unit {
            checked.price_factor = factor(&mut v, units, "price_unit", price_unit, &c.base_unit);
        }
        let params = parameter::Entity::find()
            .filter(parameter::Column::CommodityId.eq(c.id))
            .all(db)
            .await?;
        specs = params.iter().map(Spec::from).collect();
        checked.quality = check_values(&specs, &draft.quality, &mut v);
        checked.category = c.category.clone();
    }
    check_matrix(&mut v, draft, &specs, commodity.is_some());
    for (field, id, kind) in [
        ("payment_term_id", draft.payment_term_id, "PAYMENT_TERM"),
        ("delivery_term_id", draft.delivery_term_id, "DELIVERY_TERM"),
    ] {
        if let Some(id) = id {
            let term = trade_term::Entity::find_by_id(id).one(db).await?;
            let fits = term.is_some_and(|t| t.kind == kind && t.is_active);
            let what = kind.to_lowercase().replace('_', " ");
            v.check(fits, field, &format!("is not an active {what} master"));
        }
    }
    if let (Some(from), Some(to)) = (draft.delivery_from, draft.delivery_to) {
        v.check(from <= to, "delivery_to", "must not be before delivery_from");
    }
    one_of(&mut v, "visibility", &draft.visibility, &VISIBILITIES);
    check_buyers(db, &mut v, draft).await?;
    v.check(draft.expires_at > now, "expires_at", "must be in the future");
    v.check(
        draft.expires_at <= now + Duration::days(MAX_EXPIRY_DAYS),
        "expires_at",
        "must be at most 180 days ahead",
    );
    if let Some(id) = draft.test_report_document_id {
        let found = document::Entity::find_by_id(id).one(db).await?;
        let own = found.is_some_and(|d| d.partner_id == Some(draft.seller));
        v.check(own, "test_report_document_id", "is not a document of the seller");
    }
    v.finish()?;
    Ok(checked)
}

fn check_matrix(v: &mut Validator, draft: &Draft, specs: &[Spec], known: bool) {
    let field = "price_matrix";
    let Some(steps) = &draft.price_matrix else {
        let missing = draft.price_type == "MATRIX";
        v.check(!missing, field, "is required for a MATRIX price: 1 to 20 steps");
        return;
    };
    if draft.price_type != "MATRIX" {
        v.check(false, field, "is only for a MATRIX price");
        return;
    }
    v.check(
        !steps.is_empty() && steps.len() <= MAX_STEPS,
        field,
        "must hold 1 to 20 steps",
    );
    for (i, step) in steps.iter().enumerate() {
        let numeric = specs
            .iter()
            .any(|s| s.code == step.code && s.param_type != "TEXT");
        v.check(
            numeric || !known,
            &format!("{field}[{i}].code"),
            "is not a numeric quality parameter of the commodity",
        );
        v.check(
            step.from <= step.to,
            &format!("{field}[{i}].to"),
            "must not be below from",
        );
    }
}

async fn check_buyers<C: ConnectionTrait>(
    db: &C,
    v: &mut Validator,
    draft: &Draft,
) -> Result<(), ServiceError> {
    let field = "allowed_buyer_ids";
    let ids = &draft.allowed_buyer_ids;
    if draft.visibility != "RESTRICTED" {
        v.check(ids.is_empty(), field, "is only for a RESTRICTED availability");
        return Ok(());
    }
    let distinct: BTreeSet<Uuid> = ids.iter().copied().collect();
    v.check(
        !ids.is_empty() && ids.len() <= MAX_BUYERS && distinct.len() == ids.len(),
        field,
        "must name 1 to 50 distinct buyers for a RESTRICTED availability",
    );
    let found = partner::Entity::find()
        .filter(partner::Column::Id.is_in(distinct.iter().copied()))
        .filter(partner::Column::Status.eq("approved"))
        .all(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        let field = format!("{field}[{i}]");
        v.check(
            found.iter().any(|p| p.id == *id),
            &field,
            "is not an approved partner",
        );
        v.check(*id != draft.seller, &field, "is the seller itself");
    }
    Ok(())
}
