//! The delivery places of requirements (their settings locations with
//! state and coordinates), read for any number of requirements in one
//! query: matching reads the states and points, the requirement search the
//! points.

use std::collections::HashMap;

use infra::ServiceError;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use settings::locations::entity::location;
use uuid::Uuid;

use super::entity::delivery_location;
use crate::search::geo::Point;

/// A delivery location of a requirement.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// The settings location.
    pub id: Uuid,
    /// Its state code.
    pub state_code: Option<String>,
    /// Its coordinates.
    pub point: Option<Point>,
}

/// The delivery places of requirements `ids`, one query.
pub async fn places<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Place>>, ServiceError> {
    let mut out: HashMap<Uuid, Vec<Place>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let select = Query::select()
        .column((
            delivery_location::Entity,
            delivery_location::Column::RequirementId,
        ))
        .columns([
            (location::Entity, location::Column::Id),
            (location::Entity, location::Column::StateCode),
            (location::Entity, location::Column::Latitude),
            (location::Entity, location::Column::Longitude),
        ])
        .from(delivery_location::Entity)
        .inner_join(
            location::Entity,
            Expr::col((location::Entity, location::Column::Id))
                .equals((delivery_location::Entity, delivery_location::Column::LocationId)),
        )
        .and_where(
            Expr::col((
                delivery_location::Entity,
                delivery_location::Column::RequirementId,
            ))
            .is_in(ids.iter().copied()),
        )
        .to_owned();
    for row in db.query_all_raw(db.get_database_backend().build(&select)).await? {
        let requirement: Uuid = row.try_get("", "requirement_id")?;
        let lat: Option<f64> = row.try_get("", "latitude")?;
        let lng: Option<f64> = row.try_get("", "longitude")?;
        out.entry(requirement).or_default().push(Place {
            id: row.try_get("", "id")?,
            state_code: row.try_get("", "state_code")?,
            point: lat.zip(lng).map(|(lat, lng)| Point { lat, lng }),
        });
    }
    Ok(out)
}
