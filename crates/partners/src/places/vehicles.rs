//! A transporter's vehicles (`partner_vehicles`): add, list, read, update,
//! deactivate. Only transporters have vehicles: any other partner is refused
//! (403 `out_of_scope`). The registration number is Indian (`GJ01AB1234`:
//! state letters, district digits, series letters, four digits), stored in
//! upper case without spaces, one active vehicle per number (409 `vehicle_exists`).

use chrono::NaiveDate;
use infra::change::{diff_of, record, record_update};
use infra::rows::{VersionRule, check_version, save_if_changed};
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, Page, PageRequest, Quantity, ServiceError, Validator, Written};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{PlaceService, change, locked, partner_of, payload, require_manage, require_read};
use crate::entity::partner;
use crate::events;
use crate::validate::normalize_vehicle;

/// Table `partner_vehicles`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One vehicle of a transporter.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_vehicles")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The transporter.
        pub partner_id: Uuid,
        /// Upper case, no spaces (`GJ01AB1234`).
        pub registration_number: String,
        /// truck, trailer, container, tanker, tempo or pickup.
        pub vehicle_type: String,
        /// Capacity, scaled by 10^4.
        pub capacity: i64,
        /// MT, QUINTAL, KG, BALES or CBM.
        pub capacity_unit: String,
        /// When the registration certificate expires.
        pub rc_expires_on: Option<Date>,
        /// Deactivated vehicles stay for the records that name them.
        pub is_active: bool,
        /// Optimistic lock.
        pub version: i64,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::versioned!(entity::Model);

/// The audit resource of a vehicle.
const RESOURCE: &str = "partner_vehicle";
/// The kinds of vehicle.
pub const VEHICLE_TYPES: &[&str] = &["truck", "trailer", "container", "tanker", "tempo", "pickup"];
/// The units of a vehicle's capacity.
pub const CAPACITY_UNITS: &[&str] = &["MT", "QUINTAL", "KG", "BALES", "CBM"];

/// A transporter's vehicle as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerVehicle {
    /// Id.
    pub id: Uuid,
    /// The transporter.
    pub partner_id: Uuid,
    /// Upper case, no spaces (`GJ01AB1234`).
    pub registration_number: String,
    /// truck, trailer, container, tanker, tempo or pickup.
    pub vehicle_type: String,
    /// Capacity, in `capacity_unit`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25"))]
    pub capacity: Quantity,
    /// MT, QUINTAL, KG, BALES or CBM.
    pub capacity_unit: String,
    /// When the registration certificate expires.
    pub rc_expires_on: Option<NaiveDate>,
    /// Active or deactivated.
    pub is_active: bool,
    /// Version.
    pub version: i64,
}

impl From<entity::Model> for PartnerVehicle {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            partner_id: m.partner_id,
            registration_number: m.registration_number,
            vehicle_type: m.vehicle_type,
            capacity: Quantity::from_scaled(m.capacity),
            capacity_unit: m.capacity_unit,
            rc_expires_on: m.rc_expires_on,
            is_active: m.is_active,
            version: m.version,
        }
    }
}

/// A new vehicle (`POST /partners/{partner_id}/vehicles`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVehicle {
    /// Indian registration number, spaces and dashes allowed (`GJ 01 AB 1234`).
    #[cfg_attr(feature = "openapi", schema(example = "GJ01AB1234"))]
    pub registration_number: String,
    /// truck, trailer, container, tanker, tempo or pickup.
    pub vehicle_type: String,
    /// More than 0, at most 4 decimal places.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25"))]
    pub capacity: Quantity,
    /// MT, QUINTAL, KG, BALES or CBM.
    pub capacity_unit: String,
    /// When the registration certificate expires.
    pub rc_expires_on: Option<NaiveDate>,
}

/// Changes to a vehicle (`PATCH`): the fields sent change; the number does not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VehicleChanges {
    /// truck, trailer, container, tanker, tempo or pickup.
    pub vehicle_type: Option<String>,
    /// More than 0.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "25"))]
    pub capacity: Option<Quantity>,
    /// MT, QUINTAL, KG, BALES or CBM.
    pub capacity_unit: Option<String>,
    /// When the registration certificate expires.
    pub rc_expires_on: Option<NaiveDate>,
    /// The version the change is based on (or `If-Match`).
    pub version: Option<i64>,
}

/// Whether `n` (normalized) is an Indian registration: two letters, one or
/// two digits, up to three letters, one to four digits (`GJ01AB1234`).
pub fn is_indian_registration(n: &str) -> bool {
    let b = n.as_bytes();
    let run = |from: usize, max: usize, pred: fn(&u8) -> bool| {
        b[from..].iter().take(max).take_while(|c| pred(c)).count()
    };
    if b.len() < 4 || run(0, 2, u8::is_ascii_uppercase) != 2 {
        return false;
    }
    let district = run(2, 2, u8::is_ascii_digit);
    let series = run(2 + district, 3, u8::is_ascii_uppercase);
    let number = run(2 + district + series, 4, u8::is_ascii_digit);
    district >= 1 && number >= 1 && 2 + district + series + number == b.len()
}

fn check_kind(v: &mut Validator, vehicle_type: &str, unit: &str, capacity: Quantity) {
    v.check(
        VEHICLE_TYPES.contains(&vehicle_type),
        "vehicle_type",
        "must be truck, trailer, container, tanker, tempo or pickup",
    );
    v.check(
        CAPACITY_UNITS.contains(&unit),
        "capacity_unit",
        "must be MT, QUINTAL, KG, BALES or CBM",
    );
    v.check(capacity.scaled() > 0, "capacity", "must be more than 0");
}

/// Refuses partners other than transporters (403 `out_of_scope`).
fn transporter(partner: &partner::Model) -> Result<(), ServiceError> {
    if partner.partner_type == "transporter" {
        Ok(())
    } else {
        Err(ServiceError::OutOfScope("vehicles are for transporters only"))
    }
}

async fn find(tx: &WriteTx, partner_id: Uuid, id: Uuid) -> Result<entity::Model, ServiceError> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::PartnerId.eq(partner_id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound(RESOURCE))
}

async fn save_change(
    tx: &WriteTx,
    partner: &partner::Model,
    before: entity::Model,
    next: entity::Model,
    action: &'static str,
) -> Result<PartnerVehicle, ServiceError> {
    let (after, _) = save_if_changed(tx, &before, next).await?;
    let old = PartnerVehicle::from(before);
    let vehicle = PartnerVehicle::from(after);
    let changes = diff_of(&old, &vehicle)?;
    let body = payload(
        partner.id,
        vehicle.id,
        vehicle.version,
        json!({ "id": vehicle.id, "changes": &changes }),
    );
    let event = change(
        events::PARTNER_VEHICLE_UPDATED,
        action,
        RESOURCE,
        partner,
        vehicle.id,
    );
    record_update(tx, event, &changes, body).await?;
    Ok(vehicle)
}

impl<I: Infra> PlaceService<I> {
    /// A page of the partner's vehicles ordered by id (reads as [`PlaceService::locations`]).
    pub async fn vehicles(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<PartnerVehicle>, ServiceError> {
        require_read(actor)?;
        let db = self.infra.db();
        partner_of(db, actor, partner_id).await?;
        let mut query = entity::Entity::find()
            .filter(entity::Column::PartnerId.eq(partner_id))
            .order_by_asc(entity::Column::Id)
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(entity::Column::Id.gt(after));
        }
        let rows = query.all(db).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(PartnerVehicle::from))
    }

    /// Adds a vehicle to a transporter (PARTNER_MANAGE): 403 `out_of_scope`
    /// for other partners, 422 naming `registration_number`, `vehicle_type`,
    /// `capacity`, `capacity_unit`, 409 `vehicle_exists` for an active number.
    /// Emits PartnerVehicleAdded.
    pub async fn add_vehicle(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: NewVehicle,
    ) -> Result<Written<PartnerVehicle>, ServiceError> {
        require_manage(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                transporter(&partner)?;
                let mut v = Validator::new();
                let number =
                    normalize_vehicle(&input.registration_number).filter(|n| is_indian_registration(n));
                v.check(
                    number.is_some(),
                    "registration_number",
                    "must be an Indian registration such as GJ01AB1234",
                );
                let vehicle_type = input.vehicle_type.trim().to_ascii_lowercase();
                let unit = input.capacity_unit.trim().to_ascii_uppercase();
                check_kind(&mut v, &vehicle_type, &unit, input.capacity);
                v.finish()?;
                let number = number.unwrap_or_default();
                let taken = entity::Entity::find()
                    .filter(entity::Column::RegistrationNumber.eq(number.clone()))
                    .filter(entity::Column::IsActive.eq(true))
                    .one(tx.db())
                    .await?;
                if taken.is_some() {
                    return Err(ServiceError::conflict(
                        "vehicle_exists",
                        format!("vehicle {number} is already registered"),
                    ));
                }
                let now = tx.now();
                let row = entity::Model {
                    id: infra::ids::new_id(),
                    partner_id,
                    registration_number: number,
                    vehicle_type,
                    capacity: input.capacity.scaled(),
                    capacity_unit: unit,
                    rc_expires_on: input.rc_expires_on,
                    is_active: true,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                }
                .into_active_model()
                .reset_all()
                .insert(tx.db())
                .await?;
                let vehicle = PartnerVehicle::from(row);
                let body = payload(
                    partner_id,
                    vehicle.id,
                    vehicle.version,
                    json!({ "item": &vehicle }),
                );
                let event = change(
                    events::PARTNER_VEHICLE_ADDED,
                    "partner_vehicle.create",
                    RESOURCE,
                    &partner,
                    vehicle.id,
                );
                record(tx, event, body).await?;
                Ok(vehicle)
            })
        })
        .await
    }

    /// Changes the fields sent (PARTNER_MANAGE; If-Match or `version`, 412 when
    /// stale). Emits PartnerVehicleUpdated when something changed.
    pub async fn update_vehicle(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        id: Uuid,
        changes: VehicleChanges,
        expected_version: Option<i64>,
    ) -> Result<Written<PartnerVehicle>, ServiceError> {
        require_manage(actor)?;
        let expected = expected_version.or(changes.version);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                let before = find(tx, partner_id, id).await?;
                check_version(expected, before.version, VersionRule::Optional)?;
                let mut next = before.clone();
                if let Some(t) = changes.vehicle_type {
                    next.vehicle_type = t.trim().to_ascii_lowercase();
                }
                if let Some(u) = changes.capacity_unit {
                    next.capacity_unit = u.trim().to_ascii_uppercase();
                }
                if let Some(c) = changes.capacity {
                    next.capacity = c.scaled();
                }
                if changes.rc_expires_on.is_some() {
                    next.rc_expires_on = changes.rc_expires_on;
                }
                let mut v = Validator::new();
                check_kind(
                    &mut v,
                    &next.vehicle_type,
                    &next.capacity_unit,
                    Quantity::from_scaled(next.capacity),
                );
                v.finish()?;
                save_change(tx, &partner, before, next, "partner_vehicle.update").await
            })
        })
        .await
    }

    /// Deactivates a vehicle (PARTNER_MANAGE; If-Match as for updates). Emits
    /// PartnerVehicleUpdated (`is_active` false).
    pub async fn deactivate_vehicle(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        id: Uuid,
        expected_version: Option<i64>,
    ) -> Result<Written<PartnerVehicle>, ServiceError> {
        require_manage(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                let before = find(tx, partner_id, id).await?;
                check_version(expected_version, before.version, VersionRule::Optional)?;
                let mut next = before.clone();
                next.is_active = false;
                save_change(tx, &partner, before, next, "partner_vehicle.deactivate").await
            })
        })
        .await
    }
}
