//! The rules a requirement's fields keep together (DOMAIN.md, "Trade
//! desk"): 0 < min <= preferred <= max in a unit of the commodity's base,
//! preferred price <= max price, valid_from < valid_until, the asked quality
//! by parameter code, delivery locations, terms and invited sellers that
//! exist. Every broken rule is named at once (422).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use infra::{ServiceError, Validator};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value};
use settings::commodities::entity::{commodity, parameter, trade_term, variety};
use settings::commodities::units::Units;
use settings::locations::entity::location;
use uuid::Uuid;

use crate::quality::{Spec, check_ranges};

/// Visibilities a requirement may take.
pub const VISIBILITIES: [&str; 3] = ["PUBLIC", "PRIVATE", "RESTRICTED"];
/// Urgencies.
pub const URGENCIES: [&str; 3] = ["URGENT", "NORMAL", "PLANNING"];
/// Intents.
pub const INTENTS: [&str; 4] = [
    "DIRECT_BUY",
    "NEGOTIATION",
    "AUCTION_REQUEST",
    "PRICE_DISCOVERY_ONLY",
];
/// Most delivery locations on one requirement.
pub const MAX_LOCATIONS: usize = 20;
/// Most invited sellers on one requirement.
pub const MAX_INVITED: usize = 50;
/// The longest validity, in days from now.
pub const MAX_VALID_DAYS: i64 = 365;

/// Every field of a requirement as it would be stored, before its checks.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The commodity.
    pub commodity_id: Uuid,
    /// The variety.
    pub variety_id: Option<Uuid>,
    /// The quantities' unit (upper case).
    pub unit: String,
    /// Least quantity.
    pub min_quantity: Decimal,
    /// Preferred quantity.
    pub preferred_quantity: Decimal,
    /// Most quantity.
    pub max_quantity: Decimal,
    /// Asked quality as sent.
    pub quality: Map<String, Value>,
    /// Highest price.
    pub max_price: Option<Decimal>,
    /// Preferred price.
    pub preferred_price: Option<Decimal>,
    /// The prices' unit (upper case).
    pub price_unit: Option<String>,
    /// Budget.
    pub total_budget: Option<Decimal>,
    /// Delivery locations.
    pub delivery_location_ids: Vec<Uuid>,
    /// Other states too.
    pub allow_cross_state: bool,
    /// Delivery window.
    pub delivery_from: Option<NaiveDate>,
    /// Delivery window.
    pub delivery_to: Option<NaiveDate>,
    /// Payment term.
    pub payment_term_id: Option<Uuid>,
    /// Delivery term.
    pub delivery_term_id: Option<Uuid>,
    /// Visibility.
    pub visibility: String,
    /// Invited sellers.
    pub invited_seller_ids: Vec<Uuid>,
    /// Urgency.
    pub urgency: String,
    /// Intent.
    pub intent: String,
    /// Validity.
    pub valid_from: DateTime<Utc>,
    /// Validity.
    pub valid_until: DateTime<Utc>,
}

/// What the checks derive: the base quantities and the stored quality.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Least quantity in the base unit.
    pub base_min_quantity: Decimal,
    /// Most quantity in the base unit.
    pub base_max_quantity: Decimal,
    /// `{code: {min, max, preferred}}` as stored.
    pub quality: Value,
}

/// `quantity` in `unit` converted to the base unit: times the unit's factor,
/// rounded half-up to 4 places.
pub fn to_base(quantity: Decimal, factor: Decimal) -> Decimal {
    (quantity * factor).round_dp_with_strategy(infra::money::SCALE, RoundingStrategy::MidpointAwayFromZero)
}

fn one_of(v: &mut Validator, field: &str, value: &str, choices: &[&str]) {
    v.check(
        choices.contains(&value),
        field,
        &format!("must be one of {}", choices.join(", ")),
    );
}

/// The factor of `unit` if it measures the commodity's `base` (422 naming `field` otherwise).
fn factor(v: &mut Validator, units: &Units, field: &str, unit: &str, base: &str) -> Option<Decimal> {
    match units.find(unit) {
        Some(u) if u.base_unit == base => Some(u.factor),
        Some(u) => {
            v.check(
                false,
                field,
                &format!(
                    "{unit} measures {}; the commodity is traded in units of {base}",
                    u.base_unit
                ),
            );
            None
        }
        None => {
            v.check(
                false,
                field,
                &format!("{unit} is not a known unit; see GET /api/v1/settings/commodities/units"),
            );
            None
        }
    }
}

/// Checks `draft` against the catalogue and the partners, at `now`.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Checked, ServiceError> {
    let mut v = Validator::new();
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
    let (min, preferred, max) = (draft.min_quantity, draft.preferred_quantity, draft.max_quantity);
    v.check(min > Decimal::ZERO, "min_quantity", "must be above 0");
    if min <= max {
        let between = min <= preferred && preferred <= max;
        v.check(
            between,
            "preferred_quantity",
            "must lie between min_quantity and max_quantity",
        );
    } else {
        v.check(false, "max_quantity", "must not be below min_quantity");
    }
    for (field, value) in [
        ("max_price", draft.max_price),
        ("preferred_price", draft.preferred_price),
        ("total_budget", draft.total_budget),
    ] {
        v.check(
            value.is_none_or(|p| !p.is_sign_negative()),
            field,
            "must not be negative",
        );
    }
    if let (Some(max), Some(preferred)) = (draft.max_price, draft.preferred_price) {
        v.check(preferred <= max, "preferred_price", "must not be above max_price");
    }
    let mut base = (Decimal::ZERO, Decimal::ZERO);
    let mut quality = Value::Object(Map::new());
    if let Some(c) = &commodity {
        if let Some(f) = factor(&mut v, units, "unit", &draft.unit, &c.base_unit) {
            base = (to_base(min, f), to_base(max, f));
        }
        if let Some(price_unit) = &draft.price_unit {
            factor(&mut v, units, "price_unit", price_unit, &c.base_unit);
        }
        let params = parameter::Entity::find()
            .filter(parameter::Column::CommodityId.eq(c.id))
            .all(db)
            .await?;
        let specs: Vec<Spec> = params.iter().map(Spec::from).collect();
        quality = check_ranges(&specs, &draft.quality, &mut v);
    }
    check_locations(db, &mut v, &draft.delivery_location_ids).await?;
    if let (Some(from), Some(to)) = (draft.delivery_from, draft.delivery_to) {
        v.check(from <= to, "delivery_to", "must not be before delivery_from");
    }
    for (field, id, kind) in [
        ("payment_term_id", draft.payment_term_id, "PAYMENT_TERM"),
        ("delivery_term_id", draft.delivery_term_id, "DELIVERY_TERM"),
    ] {
        if let Some(id) = id {
            let term = trade_term::Entity::find_by_id(id).one(db).await?;
            let fits = term.is_some_and(|t| t.kind == kind && t.is_active);
            v.check(
                fits,
                field,
                &format!(
                    "is not an active {} master",
                    kind.to_lowercase().replace('_', " ")
                ),
            );
        }
    }
    one_of(&mut v, "visibility", &draft.visibility, &VISIBILITIES);
    one_of(&mut v, "urgency", &draft.urgency, &URGENCIES);
    one_of(&mut v, "intent", &draft.intent, &INTENTS);
    check_invited(db, &mut v, draft).await?;
    v.check(
        draft.valid_from < draft.valid_until,
        "valid_until",
        "must be after valid_from",
    );
    v.check(draft.valid_until > now, "valid_until", "must be in the future");
    let latest = now + Duration::days(MAX_VALID_DAYS);
    v.check(
        draft.valid_until <= latest,
        "valid_until",
        "must be at most 365 days ahead",
    );
    v.finish()?;
    Ok(Checked {
        base_min_quantity: base.0,
        base_max_quantity: base.1,
        quality,
    })
}

async fn check_locations<C: ConnectionTrait>(
    db: &C,
    v: &mut Validator,
    ids: &[Uuid],
) -> Result<(), ServiceError> {
    let field = "delivery_location_ids";
    let distinct: BTreeSet<Uuid> = ids.iter().copied().collect();
    v.check(
        !ids.is_empty() && ids.len() <= MAX_LOCATIONS,
        field,
        "must name 1 to 20 locations",
    );
    v.check(
        distinct.len() == ids.len(),
        field,
        "must not name a location twice",
    );
    let found = location::Entity::find()
        .filter(location::Column::Id.is_in(distinct.iter().copied()))
        .filter(location::Column::IsActive.eq(true))
        .all(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        let known = found.iter().any(|l| l.id == *id);
        v.check(
            known,
            &format!("{field}[{i}]"),
            "is not an active settings location",
        );
    }
    Ok(())
}

async fn check_invited<C: ConnectionTrait>(
    db: &C,
    v: &mut Validator,
    draft: &Draft,
) -> Result<(), ServiceError> {
    let field = "invited_seller_ids";
    let ids = &draft.invited_seller_ids;
    if draft.visibility != "RESTRICTED" {
        v.check(ids.is_empty(), field, "is only for a RESTRICTED requirement");
        return Ok(());
    }
    v.check(
        !ids.is_empty() && ids.len() <= MAX_INVITED,
        field,
        "must name 1 to 50 sellers for a RESTRICTED requirement",
    );
    use partners::entity::partner;
    let found = partner::Entity::find()
        .filter(partner::Column::Id.is_in(ids.iter().copied()))
        .filter(partner::Column::Status.eq("approved"))
        .all(db)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        v.check(
            found.iter().any(|p| p.id == *id),
            &format!("{field}[{i}]"),
            "is not an approved partner",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_quantities_round_half_up_to_four_places() {
        let candy = Decimal::from_str_exact("355.6222").unwrap();
        assert_eq!(
            to_base(Decimal::from(3), candy),
            Decimal::from_str_exact("1066.8666").unwrap()
        );
        let odd = Decimal::from_str_exact("0.00005").unwrap();
        assert_eq!(
            to_base(odd, Decimal::ONE),
            Decimal::from_str_exact("0.0001").unwrap()
        );
        let below = Decimal::from_str_exact("0.00004").unwrap();
        assert_eq!(to_base(below, Decimal::ONE), Decimal::ZERO);
    }
}
