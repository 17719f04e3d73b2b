//! A partner's places (`partner_locations`): add, list, read, update and
//! deactivate. Each place is a registered settings location or an address of
//! its own (state code, latitude, longitude); a branch in another state than
//! the principal needs a GSTIN carrying the partner's PAN and that state's GST
//! code; `ship_to` places are for buyers and traders only; at most one active
//! principal (a second is 409 `principal_exists`).
//!
//! Staff need PARTNER_READ to read and PARTNER_MANAGE to change; a partner's
//! own users (PARTNER_ADMIN holds PARTNER_MANAGE) reach their own partner only,
//! any other is answered as not found. Places are deactivated, never deleted;
//! a deactivation is refused (409 `partner_location_in_use`) while a
//! registered [`Reference`] holds the place. Nothing refers to partner places
//! yet: later modules add their tables with [`PlaceService::with_reference`].
//!
//! Events on [`crate::TOPIC`], aggregate `partner` (the partner's id and
//! version), the place in the payload (`partner_id`, `child_id`,
//! `child_version`): PartnerLocationAdded, PartnerLocationUpdated (a
//! deactivation is an update).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::input::Address;
//! use partners::places::{NewLocation, PlaceService};
//!
//! # async fn demo(partner_id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let places = PlaceService::new(infra);
//! let address = Address { line1: "Plot 4, GIDC".into(), city: "Rajkot".into(), state_code: Some("GJ".into()),
//!     pincode: "360003".into(), latitude: Some(22.3), longitude: Some(70.8), ..Default::default() };
//! let input = NewLocation { name: "Rajkot godown".into(), location_type: "warehouse".into(),
//!     address: Some(address), ..Default::default() };
//! let added = places.add_location(&Actor::system(), partner_id, input).await?;
//! places.deactivate_location(&Actor::system(), partner_id, added.value.id, Some(added.value.version)).await?;
//! # Ok(()) }
//! ```

mod input;
mod locations;
pub mod vehicles;

use crate::scope::{for_change as locked, reach};
use infra::change::Change;
use infra::references::{Reference, References};
use infra::{Actor, Infra, ServiceError};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

pub use input::{LOCATION_TYPES, LocationChanges, NewLocation, SHIP_TO_PARTNER_TYPES};
pub use vehicles::{NewVehicle, PartnerVehicle, VehicleChanges};

use crate::entity::partner;
use crate::{PARTNER_MANAGE, PARTNER_READ, TOPIC};

/// A partner's places over any [`Infra`].
#[derive(Clone)]
pub struct PlaceService<I: Infra> {
    infra: I,
    references: References,
}

impl<I: Infra> PlaceService<I> {
    /// A service over `infra`; nothing refers to partner places until callers add references.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            references: References::default(),
        }
    }

    /// The same service, also refusing deactivations while `reference` holds the place.
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.references = self.references.with(reference);
        self
    }
}

/// Refuses a caller that may not read: staff need PARTNER_READ; a partner's
/// users read their own partner's places without it.
fn require_read(actor: &Actor) -> Result<(), ServiceError> {
    if actor.partner_id.is_some() {
        return Ok(());
    }
    infra::service_error::require(actor, PARTNER_READ)
}

/// Refuses a caller that may not change places (PARTNER_MANAGE).
fn require_manage(actor: &Actor) -> Result<(), ServiceError> {
    infra::service_error::require(actor, PARTNER_MANAGE)
}

/// The partner `id` if `actor` reaches it, as read now (a write locks it with [`locked`]).
async fn partner_of<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> Result<partner::Model, ServiceError> {
    reach(actor, id)?;
    partner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("partner"))
}

/// The change of child `resource` `child` of `partner`: the partner's
/// aggregate and version, the audit row on the child.
fn change<'a>(
    event: &'a str,
    action: &'a str,
    resource: &'a str,
    partner: &partner::Model,
    child: Uuid,
) -> Change<'a> {
    Change::new(TOPIC, event, action, "partner", partner.id, partner.version).on(resource, child)
}

/// The payload of a change to child `child_id` at `child_version` of `partner_id`, and `rest`.
fn payload(
    partner_id: Uuid,
    child_id: Uuid,
    child_version: i64,
    rest: serde_json::Value,
) -> serde_json::Value {
    let mut payload = serde_json::json!({
        "partner_id": partner_id, "child_id": child_id, "child_version": child_version,
    });
    if let (Some(map), serde_json::Value::Object(rest)) = (payload.as_object_mut(), rest) {
        map.extend(rest);
    }
    payload
}
