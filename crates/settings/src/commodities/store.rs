//! The write-side steps shared by single changes and bulk import: the name
//! check, inserting a commodity with its category's parameters, applying
//! changed fields, each with its event and audit row.

use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::TOPIC;
use super::entity::commodity;
use super::input::CommodityFields;
use super::model::Commodity;
use crate::error::SettingsError;
use infra::change::{Change, diff, record};
use infra::rows::save;

/// The event and audit row of a change to commodity `c`.
pub(crate) fn change<'a>(event: &'a str, action: &'a str, c: &Commodity) -> Change<'a> {
    Change::new(TOPIC, event, action, "commodity", c.id, c.version)
}

/// The live commodity `id`, its row locked on PostgreSQL when `lock`.
pub(crate) async fn live<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    lock: bool,
) -> Result<commodity::Model, SettingsError> {
    let mut query = commodity::Entity::find_by_id(id);
    if lock {
        query = infra::rows::for_update_on(db, query);
    }
    query
        .one(db)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or(SettingsError::NotFound("commodity"))
}

/// The live commodity named `name` (case-insensitive), if any.
pub(crate) async fn by_name<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<Option<commodity::Model>, SettingsError> {
    Ok(commodity::Entity::find()
        .filter(commodity::Column::NameKey.eq(name.to_lowercase()))
        .filter(commodity::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// The live commodities named `names`, by lower-cased name, in one query.
pub(crate) async fn by_names<'a, C: ConnectionTrait>(
    db: &C,
    names: impl Iterator<Item = &'a str>,
) -> Result<std::collections::HashMap<String, commodity::Model>, SettingsError> {
    let keys: Vec<String> = names.map(str::to_lowercase).collect();
    let mut found = std::collections::HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(500) {
        let rows = commodity::Entity::find()
            .filter(commodity::Column::NameKey.is_in(chunk.iter().cloned()))
            .filter(commodity::Column::DeletedAt.is_null())
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|row| (row.name_key.clone(), row)));
    }
    Ok(found)
}

/// Refuses a name another live commodity holds.
pub(crate) async fn ensure_name_free<C: ConnectionTrait>(
    db: &C,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), SettingsError> {
    match by_name(db, name).await? {
        Some(other) if Some(other.id) != except => Err(SettingsError::Taken {
            field: "name",
            value: name.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn scaled(value: rust_decimal::Decimal) -> i64 {
    // Validation has checked the value fits.
    infra::money::to_scaled(value).unwrap_or_default()
}

/// Inserts a commodity with the quality parameters of its category's template.
pub(crate) async fn insert(tx: &WriteTx, fields: CommodityFields) -> Result<Commodity, SettingsError> {
    let now = tx.now();
    let row = commodity::ActiveModel {
        id: Set(infra::ids::new_id()),
        name_key: Set(fields.name.to_lowercase()),
        name: Set(fields.name),
        category: Set(fields.category),
        hsn_code: Set(fields.hsn_code),
        gst_rate: Set(scaled(fields.gst_rate)),
        base_unit: Set(fields.base_unit),
        trade_unit: Set(fields.trade_unit),
        rate_unit: Set(fields.rate_unit),
        is_active: Set(fields.is_active),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(tx.db())
    .await?;
    let commodity = Commodity::from(row);
    let parameters = super::parameters::from_template(tx, &commodity).await?;
    record(
        tx,
        change("CommodityCreated", "commodity.create", &commodity),
        json!({ "commodity": &commodity, "parameters": parameters }),
    )
    .await?;
    Ok(commodity)
}

/// Applies `fields` to `before`; `None` when nothing changed (no event then).
pub(crate) async fn apply(
    tx: &WriteTx,
    before: commodity::Model,
    fields: CommodityFields,
) -> Result<Option<Commodity>, SettingsError> {
    let old = Commodity::from(before.clone());
    if CommodityFields::of(&old) == fields {
        return Ok(None);
    }
    let mut next = before;
    next.name_key = fields.name.to_lowercase();
    next.name = fields.name;
    next.category = fields.category;
    next.hsn_code = fields.hsn_code;
    next.gst_rate = scaled(fields.gst_rate);
    next.base_unit = fields.base_unit;
    next.trade_unit = fields.trade_unit;
    next.rate_unit = fields.rate_unit;
    next.is_active = fields.is_active;
    let after = Commodity::from(save(tx, next).await?);
    let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&after)?);
    record(
        tx,
        change("CommodityUpdated", "commodity.update", &after),
        json!({ "id": after.id, "changes": changes }),
    )
    .await?;
    Ok(Some(after))
}
