//! The body both listing searches take ([`ListingSearch`]), and the
//! filters they share checked once ([`check`]): the commodity, page size and
//! cursor, the point and radius, quality ranges by parameter code, prices per
//! base unit, the minimum quantity in the base unit; and the state and region ([`place`]).

use infra::{Infra, Money, Quantity, ServiceError, Validator};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Map, Value};
use settings::commodities::entity::{commodity, parameter};
use settings::commodities::units::Units;
use settings::locations::regions::{Region, canonical, region_of};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::cursor::Cursor;
use super::fit::Range;
use super::{Near, near, page_size};
use crate::requirements::precheck::per_base_unit;
use crate::requirements::search::{converted, ranges};
use crate::requirements::upper;

/// What a listing search asks (`POST /availabilities/search` and `POST
/// /requirements/search`: one body, so the filters both share are written and
/// checked once); every filter but `commodity_id` optional. `price_type`
/// filters availabilities only and `urgency` requirements only: sent to the
/// other search, each is a 422 naming it.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ListingSearch {
    /// The commodity (required).
    pub commodity_id: Uuid,
    /// Only this variety.
    pub variety_id: Option<Uuid>,
    /// `{code: {min, max, preferred}}` (numbers or decimal strings; each
    /// optional): ranks each listing's quality (an availability's stated
    /// value; a requirement's preferred, else the middle of its range, else
    /// its one bound) against each range.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub quality: Option<Map<String, Value>>,
    /// Listings priced above this per base unit are left out (unpriced
    /// availabilities stay, price fit 0); price fit 0 here.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_price: Option<Money>,
    /// Price fit 1 at or below this.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub preferred_price: Option<Money>,
    /// The unit of the prices: any unit of the commodity's base (default its rate unit).
    pub price_unit: Option<String>,
    /// Only availabilities with at least this much still available, or
    /// requirements wanting at least this much (their `max_quantity`), in `unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_quantity: Option<Quantity>,
    /// The unit of `min_quantity` (default the commodity's trade unit).
    pub unit: Option<String>,
    /// Availabilities only: FIXED, MATRIX, NEGOTIABLE or SPOT.
    pub price_type: Option<String>,
    /// Requirements only: URGENT, NORMAL or PLANNING.
    pub urgency: Option<String>,
    /// Only listings lying (availabilities) or delivering to a location (requirements) in this state (a state code such as `GJ`).
    pub state: Option<String>,
    /// Only listings lying or delivering in this region (NORTH, CENTRAL, EAST, WEST, SOUTH, NORTHEAST).
    pub region: Option<String>,
    /// Latitude of the point (with `lng` and `radius_km`).
    pub lat: Option<f64>,
    /// Longitude of the point.
    pub lng: Option<f64>,
    /// Only listings lying or delivering within this many km of the point (above 0, at most 2000).
    pub radius_km: Option<f64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

/// The shared filters of a [`ListingSearch`], checked.
pub(crate) struct Checked {
    /// The active commodity searched.
    pub commodity: commodity::Model,
    /// Its units.
    pub units: Units,
    /// Items per page.
    pub limit: usize,
    /// The page after this cursor.
    pub after: Option<Cursor>,
    /// The point and radius.
    pub circle: Option<Near>,
    /// Quality ranges by code.
    pub quality: BTreeMap<String, Range>,
    /// Price fit 1 at or below this, per base unit.
    pub preferred_price: Option<Decimal>,
    /// The price ceiling per base unit.
    pub max_price: Option<Decimal>,
    /// The minimum quantity in the base unit.
    pub min_base: Option<Decimal>,
}

/// Checks the filters `input` shares with the other search into `v` (each
/// bad one named); an unknown or inactive commodity is a 422 at once. The
/// caller adds its own checks to `v` and finishes it.
pub(crate) async fn check<I: Infra>(
    infra: &I,
    input: &ListingSearch,
    v: &mut Validator,
) -> Result<Checked, ServiceError> {
    let db = infra.db();
    let units = Units::load(infra).await?;
    let limit = page_size(input.limit);
    let after = input.cursor.as_deref().map(Cursor::decode).transpose();
    let circle = near(input.lat, input.lng, input.radius_km);
    let found = commodity::Entity::find_by_id(input.commodity_id).one(db).await?;
    let Some(commodity) = found.filter(|c| c.is_active && c.deleted_at.is_none()) else {
        return Err(ServiceError::field("commodity_id", "is not an active commodity"));
    };
    let (limit, after, circle) = (limit?, after?, circle?);
    let codes: Vec<String> = parameter::Entity::find()
        .filter(parameter::Column::CommodityId.eq(commodity.id))
        .all(db)
        .await?
        .iter()
        .map(|p| crate::quality::Spec::from(p).code)
        .collect();
    let quality = ranges(v, &codes, &input.quality.clone().unwrap_or_default());
    let price_unit = upper(input.price_unit.clone()).unwrap_or(commodity.rate_unit.clone());
    let price_unit = converted(v, &units, &commodity.base_unit, "price_unit", &price_unit);
    let per_base = |p: Option<Money>| {
        let unit = price_unit.as_ref()?;
        per_base_unit(&units, p?.value(), &unit.code)
    };
    let (preferred_price, max_price) = (per_base(input.preferred_price), per_base(input.max_price));
    if let (Some(p), Some(m)) = (preferred_price, max_price) {
        v.check(p <= m, "preferred_price", "must not be above max_price");
    }
    let unit = upper(input.unit.clone()).unwrap_or(commodity.trade_unit.clone());
    let unit = converted(v, &units, &commodity.base_unit, "unit", &unit);
    let min_base = match (input.min_quantity, &unit) {
        (Some(q), Some(u)) => Some(crate::requirements::rules::to_base(q.value(), u.factor)),
        _ => None,
    };
    Ok(Checked {
        commodity,
        units,
        limit,
        after,
        circle,
        quality,
        preferred_price,
        max_price,
        min_base,
    })
}

/// The state (canonical code) and the known region `input` names, each
/// error in `v` (checked after each search's own filters, so the errors keep
/// the body's order): a state must be an Indian state code (`GJ`, an alias or
/// a GST state code), a region one of the six.
pub(crate) fn place(v: &mut Validator, input: &ListingSearch) -> (Option<String>, Option<Region>) {
    let state = upper(input.state.clone()).and_then(|s| {
        let known = region_of(&s) != Region::Unknown;
        v.check(known, "state", "must be an Indian state code such as GJ");
        known.then(|| canonical(&s))
    });
    let region = upper(input.region.clone()).and_then(|r| {
        let parsed = Region::parse(&r).filter(|r| *r != Region::Unknown);
        v.check(
            parsed.is_some(),
            "region",
            "must be NORTH, CENTRAL, EAST, WEST, SOUTH or NORTHEAST",
        );
        parsed
    });
    (state, region)
}
