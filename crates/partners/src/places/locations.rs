//! The operations on a partner's places: add, list, read, update, deactivate.

use infra::change::{diff_of, record, record_update};
use infra::rows::{VersionRule, check_version, save_if_changed};
use infra::write::{WriteTx, write};
use infra::{Actor, Infra, Page, PageRequest, ServiceError, Validator, Written};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use settings::locations::entity::location as registered;
use settings::tax_ids::state_code_of_gst;
use uuid::Uuid;

use super::input::{GstFacts, check_address, check_gstin, check_name, check_type};
use super::{
    LocationChanges, NewLocation, PlaceService, change, locked, partner_of, payload, require_manage,
    require_read,
};
use crate::entity::partner;
use crate::events;
use crate::input::Address;
use crate::locations::{PartnerLocation, entity};

infra::versioned!(entity::Model);

/// The audit resource of a place.
const RESOURCE: &str = "partner_location";

/// Where a place is: a registered settings location or an address of its own.
struct Place {
    location_id: Option<Uuid>,
    address: Address,
}

/// The place of `location_id` or `address` (exactly one), checked.
async fn resolve<C: ConnectionTrait>(
    db: &C,
    v: &mut Validator,
    location_id: Option<Uuid>,
    address: Option<Address>,
    india: bool,
) -> Result<Option<Place>, ServiceError> {
    match (location_id, address) {
        (Some(_), Some(_)) => {
            v.check(false, "location_id", "send a location_id or an address, not both");
            Ok(None)
        }
        (None, None) => {
            v.check(false, "address", "is required unless a location_id is sent");
            Ok(None)
        }
        (None, Some(address)) => Ok(Some(Place {
            location_id: None,
            address: check_address(v, address, india),
        })),
        (Some(id), None) => {
            let row = registered::Entity::find_by_id(id)
                .filter(registered::Column::DeletedAt.is_null())
                .filter(registered::Column::IsActive.eq(true))
                .one(db)
                .await?;
            let Some(row) = row else {
                v.check(false, "location_id", "is not an active registered location");
                return Ok(None);
            };
            let address = Address {
                line1: row.address.clone().unwrap_or_else(|| row.name.clone()),
                line2: None,
                city: row.city.unwrap_or_default(),
                district: row.district,
                state: row.state,
                state_code: row.state_code,
                pincode: row.pincode.unwrap_or_default(),
                latitude: row.latitude,
                longitude: row.longitude,
            };
            Ok(Some(Place {
                location_id: Some(id),
                address,
            }))
        }
    }
}

/// The active principal of `partner_id` other than `except`.
async fn principal<C: ConnectionTrait>(
    db: &C,
    partner_id: Uuid,
    except: Option<Uuid>,
) -> Result<Option<entity::Model>, ServiceError> {
    let mut query = entity::Entity::find()
        .filter(entity::Column::PartnerId.eq(partner_id))
        .filter(entity::Column::LocationType.eq("principal"))
        .filter(entity::Column::IsActive.eq(true));
    if let Some(id) = except {
        query = query.filter(entity::Column::Id.ne(id));
    }
    Ok(query.one(db).await?)
}

/// The state of the partner's principal: its active principal place's, else its GSTIN's.
async fn principal_state<C: ConnectionTrait>(
    db: &C,
    partner: &partner::Model,
    except: Option<Uuid>,
) -> Result<Option<String>, ServiceError> {
    if let Some(row) = principal(db, partner.id, except).await? {
        return Ok(row.state_code);
    }
    let from_gstin = partner
        .gstin
        .as_deref()
        .and_then(|g| g.get(..2))
        .and_then(state_code_of_gst);
    Ok(from_gstin.map(str::to_owned))
}

/// The GSTIN of `row` as it would be with `raw`, checked against `partner`.
async fn gstin_of(
    tx: &WriteTx,
    v: &mut Validator,
    partner: &partner::Model,
    row: &entity::Model,
    raw: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let principal = principal_state(tx.db(), partner, Some(row.id)).await?;
    let facts = GstFacts {
        location_type: &row.location_type,
        state_code: row.state_code.as_deref(),
        principal_state: principal.as_deref(),
        pan: partner.pan.as_deref(),
        india: partner.country == "IN",
    };
    Ok(check_gstin(v, raw, &facts))
}

/// The place `id` of `partner_id`.
async fn find<C: ConnectionTrait>(db: &C, partner_id: Uuid, id: Uuid) -> Result<entity::Model, ServiceError> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::PartnerId.eq(partner_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound(RESOURCE))
}

/// Sets where `row` is to `place`.
fn place_at(row: &mut entity::Model, place: Place) -> Result<(), ServiceError> {
    row.location_id = place.location_id;
    row.state_code = place.address.state_code.clone();
    row.latitude = place.address.latitude;
    row.longitude = place.address.longitude;
    row.address = serde_json::to_value(&place.address)?;
    Ok(())
}

/// Saves `next` over `before` and records PartnerLocationUpdated (audit only when nothing changed).
async fn save_change(
    tx: &WriteTx,
    partner: &partner::Model,
    before: entity::Model,
    next: entity::Model,
    action: &'static str,
) -> Result<PartnerLocation, ServiceError> {
    let (after, _) = save_if_changed(tx, &before, next).await?;
    let old = PartnerLocation::from(before);
    let place = PartnerLocation::from(after);
    let changes = diff_of(&old, &place)?;
    let body = payload(
        partner.id,
        place.id,
        place.version,
        json!({ "id": place.id, "changes": &changes }),
    );
    let event = change(
        events::PARTNER_LOCATION_UPDATED,
        action,
        RESOURCE,
        partner,
        place.id,
    );
    record_update(tx, event, &changes, body).await?;
    Ok(place)
}

impl<I: Infra> PlaceService<I> {
    /// A page of the partner's places (active and deactivated) ordered by id.
    /// Staff need PARTNER_READ; a partner's users see their own partner's only.
    pub async fn locations(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<PartnerLocation>, ServiceError> {
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
        Ok(Page::from_rows(rows, page, |r| r.id).map(PartnerLocation::from))
    }

    /// One place of the partner (as [`PlaceService::locations`]).
    pub async fn location(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        id: Uuid,
    ) -> Result<PartnerLocation, ServiceError> {
        require_read(actor)?;
        let db = self.infra.db();
        partner_of(db, actor, partner_id).await?;
        Ok(PartnerLocation::from(find(db, partner_id, id).await?))
    }

    /// Adds a place (PARTNER_MANAGE). 422 naming each bad field (`location_type`,
    /// `address.state_code`, `gstin`, ...); 409 `principal_exists` for a second
    /// active principal. Emits PartnerLocationAdded.
    pub async fn add_location(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: NewLocation,
    ) -> Result<Written<PartnerLocation>, ServiceError> {
        require_manage(actor)?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                let location_type = input.location_type.trim().to_owned();
                check_type(&location_type, &partner.partner_type)?;
                let mut v = Validator::new();
                let india = partner.country == "IN";
                let name = check_name(&mut v, &input.name);
                let place = resolve(tx.db(), &mut v, input.location_id, input.address, india).await?;
                let now = tx.now();
                let mut row = entity::Model {
                    id: infra::ids::new_id(),
                    partner_id,
                    name,
                    location_type,
                    location_id: None,
                    address: json!({}),
                    state_code: None,
                    latitude: None,
                    longitude: None,
                    gstin: None,
                    is_active: true,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                if let Some(place) = place {
                    place_at(&mut row, place)?;
                }
                row.gstin = gstin_of(tx, &mut v, &partner, &row, input.gstin.as_deref()).await?;
                v.finish()?;
                if row.location_type == "principal" && principal(tx.db(), partner_id, None).await?.is_some() {
                    return Err(ServiceError::conflict(
                        "principal_exists",
                        "the partner has an active principal place; deactivate it first",
                    ));
                }
                let row = row.into_active_model().reset_all().insert(tx.db()).await?;
                let place = PartnerLocation::from(row);
                let body = payload(partner_id, place.id, place.version, json!({ "item": &place }));
                let event = change(
                    events::PARTNER_LOCATION_ADDED,
                    "partner_location.create",
                    RESOURCE,
                    &partner,
                    place.id,
                );
                record(tx, event, body).await?;
                Ok(place)
            })
        })
        .await
    }

    /// Changes the fields sent (PARTNER_MANAGE), the whole place checked again;
    /// `expected_version` (If-Match) or the body's `version` must be current
    /// when sent (412 otherwise). Emits PartnerLocationUpdated when something changed.
    pub async fn update_location(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        id: Uuid,
        changes: LocationChanges,
        expected_version: Option<i64>,
    ) -> Result<Written<PartnerLocation>, ServiceError> {
        require_manage(actor)?;
        let expected = expected_version.or(changes.version);
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                let before = find(tx.db(), partner_id, id).await?;
                check_version(expected, before.version, VersionRule::Optional)?;
                let mut v = Validator::new();
                let mut next = before.clone();
                if let Some(name) = &changes.name {
                    next.name = check_name(&mut v, name);
                }
                if changes.location_id.is_some() || changes.address.is_some() {
                    let india = partner.country == "IN";
                    if let Some(place) =
                        resolve(tx.db(), &mut v, changes.location_id, changes.address, india).await?
                    {
                        place_at(&mut next, place)?;
                    }
                }
                let raw = changes.gstin.or_else(|| next.gstin.clone());
                next.gstin = gstin_of(tx, &mut v, &partner, &next, raw.as_deref()).await?;
                v.finish()?;
                save_change(tx, &partner, before, next, "partner_location.update").await
            })
        })
        .await
    }

    /// Deactivates a place (PARTNER_MANAGE; If-Match as for updates), refused
    /// (409 `partner_location_in_use`) while a registered reference holds it.
    /// Emits PartnerLocationUpdated (`is_active` false); an inactive place stays as it is.
    pub async fn deactivate_location(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        id: Uuid,
        expected_version: Option<i64>,
    ) -> Result<Written<PartnerLocation>, ServiceError> {
        require_manage(actor)?;
        let references = self.references.clone();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let partner = locked(tx, partner_id).await?;
                let before = find(tx.db(), partner_id, id).await?;
                check_version(expected_version, before.version, VersionRule::Optional)?;
                if before.is_active {
                    references
                        .ensure_unreferenced(tx.db(), id, "partner_location_in_use", "partner location")
                        .await?;
                }
                let mut next = before.clone();
                next.is_active = false;
                save_change(tx, &partner, before, next, "partner_location.deactivate").await
            })
        })
        .await
    }
}
