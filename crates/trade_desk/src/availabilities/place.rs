//! Where the goods of an availability lie: exactly one of a settings
//! location (`location_id`), an active place of the seller
//! (`partner_location_id`) or an ad hoc `address` with lat/lng and state
//! code. Each is reduced to a non-null location key for the duplicate rule:
//! `L:{id}` for a settings location (also for a seller's place that is one),
//! `P:{id}` for another place of the seller, `A:{lat},{lng}` (5 places,
//! about a metre) for an address.

use infra::{ServiceError, Validator};
use partners::locations::entity as partner_location;
use sea_orm::{ConnectionTrait, EntityTrait};
use settings::locations::entity::location;
use uuid::Uuid;

use super::input::AdHocAddress;

/// A resolved place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    /// The settings location.
    pub location_id: Option<Uuid>,
    /// The seller's place.
    pub partner_location_id: Option<Uuid>,
    /// The ad hoc address.
    pub address: Option<AdHocAddress>,
    /// The duplicate rule's key.
    pub key: String,
    /// State code.
    pub state_code: Option<String>,
    /// Degrees.
    pub latitude: Option<f64>,
    /// Degrees.
    pub longitude: Option<f64>,
}

/// The key of settings location `id`.
fn settings_key(id: Uuid) -> String {
    format!("L:{id}")
}

fn address_key(a: &AdHocAddress) -> String {
    format!("A:{:.5},{:.5}", a.latitude, a.longitude)
}

/// Resolves the place named for seller `seller`, every broken rule pushed on `v`.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    v: &mut Validator,
    seller: Uuid,
    location_id: Option<Uuid>,
    partner_location_id: Option<Uuid>,
    address: Option<AdHocAddress>,
) -> Result<Place, ServiceError> {
    let named = [
        location_id.is_some(),
        partner_location_id.is_some(),
        address.is_some(),
    ];
    if named.iter().filter(|n| **n).count() != 1 {
        v.check(
            false,
            "location_id",
            "name exactly one of location_id, partner_location_id or address",
        );
        return Ok(Place::default());
    }
    if let Some(id) = location_id {
        let found = location::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|l| l.is_active && l.deleted_at.is_none());
        v.check(
            found.is_some(),
            "location_id",
            "is not an active settings location",
        );
        return Ok(found.map_or_else(Place::default, |l| Place {
            location_id: Some(l.id),
            key: settings_key(l.id),
            state_code: l.state_code,
            latitude: l.latitude,
            longitude: l.longitude,
            ..Place::default()
        }));
    }
    if let Some(id) = partner_location_id {
        let found = partner_location::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|l| l.is_active && l.partner_id == seller);
        v.check(
            found.is_some(),
            "partner_location_id",
            "is not an active place of the seller",
        );
        return Ok(found.map_or_else(Place::default, |l| Place {
            partner_location_id: Some(l.id),
            key: l.location_id.map_or_else(|| format!("P:{}", l.id), settings_key),
            state_code: l.state_code,
            latitude: l.latitude,
            longitude: l.longitude,
            ..Place::default()
        }));
    }
    let Some(mut a) = address else {
        return Ok(Place::default());
    };
    a.text = a.text.trim().to_owned();
    a.state_code = a.state_code.trim().to_ascii_uppercase();
    v.check(
        (3..=300).contains(&a.text.chars().count()),
        "address.text",
        "must hold 3 to 300 characters",
    );
    v.check(
        a.latitude.is_finite() && (-90.0..=90.0).contains(&a.latitude),
        "address.latitude",
        "must lie within -90..90",
    );
    v.check(
        a.longitude.is_finite() && (-180.0..=180.0).contains(&a.longitude),
        "address.longitude",
        "must lie within -180..180",
    );
    v.check(
        a.state_code.len() == 2 && a.state_code.chars().all(|c| c.is_ascii_uppercase()),
        "address.state_code",
        "must be a two-letter state code such as GJ",
    );
    Ok(Place {
        key: address_key(&a),
        state_code: Some(a.state_code.clone()),
        latitude: Some(a.latitude),
        longitude: Some(a.longitude),
        address: Some(a),
        ..Place::default()
    })
}
