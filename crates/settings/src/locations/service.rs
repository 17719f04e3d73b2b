//! Location operations: create-or-get by place id (LOCATION_CREATE), read and
//! list (LOCATION_READ), update of name and active flag and soft delete
//! (LOCATION_UPDATE, refused while referenced).

use infra::write::write;
use infra::{Actor, Cache, Infra, Page, PageRequest, Written};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::entity::location;
use super::input::{CreateLocation, LocationFilter, UpdateLocation};
use super::model::{Location, Upserted};
use super::regions::{canonical, region_of};
use super::{LOCATION_CREATE, LOCATION_READ, LOCATION_UPDATE, TOPIC};
use crate::error::{SettingsError, require};
use crate::like::contains_pattern;
use crate::tax_ids::is_india;
use infra::change::{Change, diff_of, record, record_update};
use infra::references::{Reference, References};
use infra::rows::save_if_changed;

/// How long a location stays cached.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// Locations over any [`Infra`].
#[derive(Clone)]
pub struct LocationService<I: Infra> {
    infra: I,
    references: References,
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl<I: Infra> LocationService<I> {
    /// A service over `infra`; nothing refers to locations until callers add references.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            references: References::default(),
        }
    }

    /// The same service, also refusing deletes while `reference` holds the location.
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.references = self.references.with(reference);
        self
    }

    fn cache(&self) -> Cache {
        Cache::new(self.infra.kv(), "location", CACHE_TTL)
    }

    async fn by_place<C: ConnectionTrait>(
        db: &C,
        place_id: &str,
    ) -> Result<Option<location::Model>, SettingsError> {
        Ok(location::Entity::find()
            .filter(location::Column::PlaceId.eq(place_id))
            .filter(location::Column::DeletedAt.is_null())
            .one(db)
            .await?)
    }

    /// Creates a location, or answers the live one with the same `place_id` (`created: false`).
    pub async fn create(
        &self,
        actor: &Actor,
        input: CreateLocation,
    ) -> Result<Written<Upserted>, SettingsError> {
        require(actor, LOCATION_CREATE)?;
        input.validate()?;
        let place_id = input.place_id.trim().to_owned();
        if let Some(existing) = Self::by_place(self.infra.db(), &place_id).await? {
            return Ok(existing_answer(existing));
        }
        let place = place_id.clone();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                // A write must record a change; answering the row another caller
                // created meanwhile happens outside the transaction, below.
                if Self::by_place(tx.db(), &place).await?.is_some() {
                    return Err(place_taken());
                }
                let state_code = trimmed(input.state_code).map(|c| canonical(&c));
                let region = match &state_code {
                    Some(code) if is_india(input.country.as_deref()) => region_of(code),
                    _ => super::regions::Region::Unknown,
                };
                let now = tx.now();
                let row = location::ActiveModel {
                    id: Set(infra::ids::new_id()),
                    name: Set(input.name.trim().to_owned()),
                    place_id: Set(place),
                    address: Set(trimmed(input.address)),
                    latitude: Set(input.latitude),
                    longitude: Set(input.longitude),
                    pincode: Set(trimmed(input.pincode)),
                    city: Set(trimmed(input.city)),
                    district: Set(trimmed(input.district)),
                    state: Set(trimmed(input.state)),
                    state_code: Set(state_code),
                    country: Set(trimmed(input.country).unwrap_or_else(|| "India".to_owned())),
                    region: Set(region.as_str().to_owned()),
                    is_active: Set(true),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    deleted_at: Set(None),
                }
                .insert(tx.db())
                .await?;
                let location = Location::from(row);
                record(
                    tx,
                    change("LocationCreated", "location.create", &location),
                    json!({ "location": &location }),
                )
                .await?;
                Ok(Upserted {
                    location,
                    created: true,
                })
            })
        })
        .await;
        match written {
            // Another caller created the same place between the check and the insert
            // (seen in the transaction, or refused by the unique index).
            Err(SettingsError::Conflict {
                code: PLACE_TAKEN, ..
            }) => match Self::by_place(self.infra.db(), &place_id).await? {
                Some(existing) => Ok(existing_answer(existing)),
                None => Err(SettingsError::conflict(
                    "concurrent_change",
                    "the place changed meanwhile; retry",
                )),
            },
            other => other,
        }
    }

    /// One live location, through the cache.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Location, SettingsError> {
        require(actor, LOCATION_READ)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                &id.to_string(),
                |_| true,
                || async move { Ok(Location::from(live(db, id, false).await?)) },
            )
            .await
    }

    /// A page of live locations ordered by id, filtered. `state`, `city` and
    /// `text` compare case-insensitively through SQL `lower()`, which folds
    /// every letter on PostgreSQL but only ASCII letters on SQLite.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: LocationFilter,
        page: PageRequest,
    ) -> Result<Page<Location>, SettingsError> {
        require(actor, LOCATION_READ)?;
        filter.validate()?;
        let lower = |c: location::Column| Func::lower(Expr::col(c));
        let mut query = location::Entity::find()
            .filter(location::Column::DeletedAt.is_null())
            .order_by_asc(location::Column::Id)
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(location::Column::Id.gt(after));
        }
        if let Some(region) = filter.region {
            query = query.filter(location::Column::Region.eq(region.to_ascii_uppercase()));
        }
        if let Some(state) = trimmed(filter.state) {
            let code = canonical(&state);
            query = query.filter(
                Condition::any()
                    .add(lower(location::Column::State).eq(state.to_lowercase()))
                    .add(location::Column::StateCode.eq(code)),
            );
        }
        if let Some(city) = trimmed(filter.city) {
            query = query.filter(lower(location::Column::City).eq(city.to_lowercase()));
        }
        if let Some(active) = filter.active {
            query = query.filter(location::Column::IsActive.eq(active));
        }
        if let Some(text) = trimmed(filter.text) {
            let pattern = contains_pattern(&text);
            query = query.filter(
                Condition::any()
                    .add(lower(location::Column::Name).like(pattern.clone()))
                    .add(lower(location::Column::City).like(pattern.clone()))
                    .add(lower(location::Column::District).like(pattern.clone()))
                    .add(location::Column::Pincode.like(pattern)),
            );
        }
        let rows = query.all(self.infra.db()).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(Location::from))
    }

    /// Changes the name and the active flag; `expected_version` (If-Match) or
    /// `version` must be current when given.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: UpdateLocation,
        expected_version: Option<i64>,
    ) -> Result<Written<Location>, SettingsError> {
        require(actor, LOCATION_UPDATE)?;
        input.validate()?;
        let expected = expected_version.or(input.version);
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = live(tx.db(), id, true).await?;
                infra::rows::check_version(expected, before.version, infra::rows::VersionRule::Optional)?;
                let mut next = before.clone();
                next.name = input.name.map(|n| n.trim().to_owned()).unwrap_or(next.name);
                next.is_active = input.is_active.unwrap_or(next.is_active);
                let old = Location::from(before.clone());
                let location = Location::from(save_if_changed(tx, &before, next).await?.0);
                let changes = diff_of(&old, &location)?;
                let payload = json!({ "id": id, "changes": &changes });
                record_update(
                    tx,
                    change("LocationUpdated", "location.update", &location),
                    &changes,
                    payload,
                )
                .await?;
                Ok(location)
            })
        })
        .await;
        self.cache().invalidate(&id.to_string()).await;
        written
    }

    /// Soft-deletes a location; 409 `location_in_use` while anything refers to it.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<Written<Location>, SettingsError> {
        require(actor, LOCATION_UPDATE)?;
        let references = self.references.clone();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = live(tx.db(), id, true).await?;
                references
                    .soft_delete(tx, before, "location_in_use", "location", |l| {
                        change("LocationDeleted", "location.delete", l)
                    })
                    .await
            })
        })
        .await;
        self.cache().invalidate(&id.to_string()).await;
        written
    }
}

/// The conflict code of a place created by another caller meanwhile; the
/// same code the unique index's refusal maps to.
const PLACE_TAKEN: &str = "concurrent_change";

fn place_taken() -> SettingsError {
    SettingsError::conflict(PLACE_TAKEN, "the place was created meanwhile")
}

fn existing_answer(existing: location::Model) -> Written<Upserted> {
    Written {
        value: Upserted {
            location: existing.into(),
            created: false,
        },
        replayed: false,
    }
}

fn change<'a>(event: &'a str, action: &'a str, location: &Location) -> Change<'a> {
    Change::new(TOPIC, event, action, "location", location.id, location.version)
}

/// The live location `id`, its row locked on PostgreSQL when `lock`.
async fn live<C: ConnectionTrait>(db: &C, id: Uuid, lock: bool) -> Result<location::Model, SettingsError> {
    let mut query = location::Entity::find_by_id(id);
    if lock {
        query = infra::rows::for_update_on(db, query);
    }
    query
        .one(db)
        .await?
        .filter(|l| l.deleted_at.is_none())
        .ok_or(SettingsError::NotFound("location"))
}
