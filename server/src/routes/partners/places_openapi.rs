//! The OpenAPI paths of a partner's places, merged into the partners module's document.

use utoipa::OpenApi;

use super::places;

/// The place paths.
#[derive(OpenApi)]
#[openapi(
    paths(places::add, places::list, places::get, places::update, places::deactivate),
    components(schemas(
        partners::places::NewLocation,
        partners::places::LocationChanges,
        partners::locations::PartnerLocation,
        partners::input::Address,
    ))
)]
pub struct PlacesDoc;
