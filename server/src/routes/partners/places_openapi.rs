//! The OpenAPI paths of a partner's places and vehicles, merged into the partners module's document.

use utoipa::OpenApi;

use super::places;

/// The place paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        places::add,
        places::list,
        places::get,
        places::update,
        places::deactivate,
        places::add_vehicle,
        places::vehicles,
        places::update_vehicle,
        places::deactivate_vehicle,
    ),
    components(schemas(
        partners::places::NewLocation,
        partners::places::LocationChanges,
        partners::locations::PartnerLocation,
        partners::input::Address,
        partners::places::NewVehicle,
        partners::places::VehicleChanges,
        partners::places::PartnerVehicle,
    ))
)]
pub struct PlacesDoc;
