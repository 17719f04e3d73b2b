//! Quality parameters of a commodity: NUMERIC (one value within min..max),
//! RANGE (a span within min..max) or TEXT (free text, no bounds); unit,
//! default within the bounds, mandatory flag and display order. New
//! commodities get their category's template (seeded by the migration).

use infra::write::WriteTx;
use infra::{Quantity, Validator};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::children::{Child, CommodityParent};
use super::entity::{commodity, parameter, template};
use super::model::Commodity;
use super::parameter_codes::{is_valid, slug};
pub use super::parameter_model::{CreateParameter, Parameter, UpdateParameter};
use crate::error::SettingsError;
use infra::rows::save;

/// The parameter types.
pub const PARAMETER_TYPES: [&str; 3] = ["NUMERIC", "TEXT", "RANGE"];

/// The fields every parameter must satisfy together.
struct Spec<'a> {
    name: &'a str,
    param_type: &'a str,
    unit: Option<&'a str>,
    min: Option<Decimal>,
    max: Option<Decimal>,
    default: Option<&'a str>,
    order: i64,
}

impl Spec<'_> {
    fn validate(&self) -> Result<(), SettingsError> {
        let mut v = Validator::new();
        v.check(
            (2..=100).contains(&self.name.trim().chars().count()),
            "name",
            "must be 2 to 100 characters",
        );
        let known = PARAMETER_TYPES.contains(&self.param_type);
        v.check(known, "param_type", "must be NUMERIC, TEXT or RANGE");
        if let Some(unit) = self.unit {
            v.check(
                unit.trim().chars().count() <= 16,
                "unit",
                "must be at most 16 characters",
            );
        }
        v.check(self.order >= 1, "display_order", "must be 1 or more");
        if self.param_type == "TEXT" {
            v.check(
                self.min.is_none(),
                "min_value",
                "is not allowed for a TEXT parameter",
            );
            v.check(
                self.max.is_none(),
                "max_value",
                "is not allowed for a TEXT parameter",
            );
            if let Some(default) = self.default {
                v.check(
                    default.chars().count() <= 100,
                    "default_value",
                    "must be at most 100 characters",
                );
            }
        } else if known {
            if let (Some(min), Some(max)) = (self.min, self.max) {
                v.check(min < max, "max_value", "must be above min_value");
            }
            if let Some(default) = self.default {
                match Decimal::from_str_exact(default.trim()) {
                    Ok(value) => {
                        let within =
                            self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m);
                        v.check(within, "default_value", "must lie within min_value..max_value");
                    }
                    Err(_) => {
                        v.check(
                            false,
                            "default_value",
                            "must be a decimal number for a NUMERIC or RANGE parameter",
                        );
                    }
                }
            }
        }
        Ok(v.finish()?)
    }
}

async fn ensure_name_free(
    tx: &WriteTx,
    commodity_id: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), SettingsError> {
    let mut query = parameter::Entity::find()
        .filter(parameter::Column::CommodityId.eq(commodity_id))
        .filter(parameter::Column::NameKey.eq(name.trim().to_lowercase()));
    if let Some(id) = except {
        query = query.filter(parameter::Column::Id.ne(id));
    }
    if query.one(tx.db()).await?.is_some() {
        return Err(SettingsError::Taken {
            field: "name",
            value: name.trim().to_owned(),
        });
    }
    Ok(())
}

async fn ensure_code_free(tx: &WriteTx, commodity_id: Uuid, code: &str) -> Result<(), SettingsError> {
    let taken = parameter::Entity::find()
        .filter(parameter::Column::CommodityId.eq(commodity_id))
        .filter(parameter::Column::Code.eq(code))
        .one(tx.db())
        .await?;
    if taken.is_some() {
        return Err(SettingsError::Taken {
            field: "code",
            value: code.to_owned(),
        });
    }
    Ok(())
}

fn scaled(value: Option<Decimal>) -> Option<i64> {
    value.and_then(|v| infra::money::to_scaled(v).ok())
}

/// Inserts the template parameters of `commodity`'s category; none for other categories.
pub(crate) async fn from_template(
    tx: &WriteTx,
    commodity: &Commodity,
) -> Result<Vec<Parameter>, SettingsError> {
    let rows = template::Entity::find()
        .filter(template::Column::Category.eq(commodity.category.clone()))
        .order_by_asc(template::Column::DisplayOrder)
        .all(tx.db())
        .await?;
    let mut added = Vec::with_capacity(rows.len());
    for row in rows {
        let inserted = parameter::ActiveModel {
            id: Set(infra::ids::new_id()),
            commodity_id: Set(commodity.id),
            name_key: Set(row.name.to_lowercase()),
            code: Set(Some(slug(&row.name))),
            name: Set(row.name),
            param_type: Set(row.param_type),
            unit: Set(row.unit),
            min_value: Set(row.min_value),
            max_value: Set(row.max_value),
            default_value: Set(row.default_value),
            is_mandatory: Set(row.is_mandatory),
            display_order: Set(row.display_order),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.db())
        .await?;
        added.push(Parameter::from(inserted));
    }
    Ok(added)
}

/// Quality parameters as a commodity child.
pub struct Parameters;

impl Child for Parameters {
    type Parent = CommodityParent;
    const SEGMENT: &'static str = "parameters";
    const RESOURCE: &'static str = "commodity_parameter";
    const EVENT: &'static str = "CommodityParameter";
    type Entity = parameter::Entity;
    type View = Parameter;
    type Create = CreateParameter;
    type Update = UpdateParameter;

    fn based_on(update: &UpdateParameter) -> Option<i64> {
        update.version
    }

    fn id(view: &Parameter) -> Uuid {
        view.id
    }

    fn version(view: &Parameter) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &commodity::Model,
        input: CreateParameter,
    ) -> Result<Parameter, SettingsError> {
        let param_type = input.param_type.trim().to_ascii_uppercase();
        let order = match input.display_order {
            Some(order) => order,
            None => {
                let count = parameter::Entity::find()
                    .filter(parameter::Column::CommodityId.eq(parent.id))
                    .count(tx.db())
                    .await?;
                count as i64 + 1
            }
        };
        let spec = Spec {
            name: &input.name,
            param_type: &param_type,
            unit: input.unit.as_deref(),
            min: input.min_value.map(Quantity::value),
            max: input.max_value.map(Quantity::value),
            default: input.default_value.as_deref(),
            order,
        };
        spec.validate()?;
        let (min, max) = (spec.min, spec.max);
        let code = match input.code.as_deref().map(str::trim) {
            Some(code) if !is_valid(code) => {
                return Err(SettingsError::field(
                    "code",
                    "must be snake_case: 2 to 64 of a-z, 0-9 and _, starting with a letter",
                ));
            }
            Some(code) => code.to_owned(),
            None => slug(&input.name),
        };
        ensure_name_free(tx, parent.id, &input.name, None).await?;
        ensure_code_free(tx, parent.id, &code).await?;
        let name = input.name.trim().to_owned();
        let row = parameter::ActiveModel {
            id: Set(infra::ids::new_id()),
            commodity_id: Set(parent.id),
            name_key: Set(name.to_lowercase()),
            code: Set(Some(code)),
            name: Set(name),
            param_type: Set(param_type),
            unit: Set(input.unit.map(|u| u.trim().to_owned())),
            min_value: Set(scaled(min)),
            max_value: Set(scaled(max)),
            default_value: Set(input.default_value.map(|d| d.trim().to_owned())),
            is_mandatory: Set(input.is_mandatory.unwrap_or(false)),
            display_order: Set(order),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.db())
        .await?;
        Ok(row.into())
    }

    async fn update(
        tx: &WriteTx,
        parent: &commodity::Model,
        before: parameter::Model,
        input: UpdateParameter,
    ) -> Result<Parameter, SettingsError> {
        let mut next = before.clone();
        if let Some(name) = input.name {
            let name = name.trim().to_owned();
            ensure_name_free(tx, parent.id, &name, Some(before.id)).await?;
            next.name_key = name.to_lowercase();
            next.name = name;
        }
        next.unit = input.unit.map(|u| u.trim().to_owned()).or(next.unit);
        next.default_value = input
            .default_value
            .map(|d| d.trim().to_owned())
            .or(next.default_value);
        next.is_mandatory = input.is_mandatory.unwrap_or(next.is_mandatory);
        next.display_order = input.display_order.unwrap_or(next.display_order);
        let min = input
            .min_value
            .map(Quantity::value)
            .or(next.min_value.map(infra::money::from_scaled));
        let max = input
            .max_value
            .map(Quantity::value)
            .or(next.max_value.map(infra::money::from_scaled));
        Spec {
            name: &next.name,
            param_type: &next.param_type,
            unit: next.unit.as_deref(),
            min,
            max,
            default: next.default_value.as_deref(),
            order: next.display_order,
        }
        .validate()?;
        next.min_value = scaled(min);
        next.max_value = scaled(max);
        if next == before {
            return Ok(before.into());
        }
        Ok(save(tx, next).await?.into())
    }
}
