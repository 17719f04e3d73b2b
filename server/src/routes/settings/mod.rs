//! The settings module: users, roles, organizations and master data under
//! `/api/v1/settings`, and their real-time areas.

pub mod commodities;
pub mod commodity_parts;
pub mod locations;
pub mod openapi;
pub mod organizations;
pub mod roles;
pub mod users;

use actix_web::web;
use settings::capabilities::USER_READ;
use settings::commodities::Commodity;
use settings::commodities::terms::TradeTerm;
use settings::locations::Location;
use settings::organizations::Organization;

use utoipa::OpenApi;

use self::openapi::{ChildBodies, CommodityParts, OrganizationChildren, TermBodies};
use crate::http::etag::Tagged;
use crate::modules::Module;
use crate::realtime::{Area, Scope};

/// The entry of the settings module.
pub const MODULE: Module = Module {
    api: configure,
    openapi: <Doc as OpenApi>::openapi,
    areas: AREAS,
    ..Module::new("settings")
};

/// Organizations and users belong to their organization; locations and the
/// commodity catalogue are public master data.
const AREAS: &[Area] = &[
    Area::new(
        settings::organizations::TOPIC,
        &["organization"],
        settings::organizations::ORG_READ,
        Scope::Organization,
    ),
    Area::new(
        settings::locations::TOPIC,
        &["location"],
        settings::locations::LOCATION_READ,
        Scope::Public,
    ),
    Area::new(
        settings::commodities::TOPIC,
        &["commodity", "trade_term"],
        settings::commodities::COMMODITY_READ,
        Scope::Public,
    ),
    Area::new(settings::users::TOPIC, &["user"], USER_READ, Scope::Organization),
];

/// The settings paths; the generic child routes are described by modifiers.
#[derive(OpenApi)]
#[openapi(
    paths(
        roles::list,
        users::create, users::list, users::get, users::update, users::disable,
        users::enable, users::assign_roles, users::grant, users::revoke,
        organizations::create, organizations::list, organizations::get, organizations::update,
        organizations::delete, organizations::next_number,
        locations::create, locations::list, locations::get, locations::update, locations::delete,
        commodities::create, commodities::list, commodities::search, commodities::units,
        commodities::get, commodities::update, commodities::delete, commodities::calculate_conversion,
        commodities::upload, commodities::download,
    ),
    // The generic routes' paths first, then their request schemas.
    modifiers(&OrganizationChildren, &CommodityParts, &ChildBodies, &TermBodies),
    tags((name = "settings", description = "Users, roles, organizations and master data")),
)]
struct Doc;

/// Registers the settings routes under `/api/v1/settings`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/settings")
            .configure(users::configure)
            .configure(roles::configure)
            .configure(organizations::configure)
            .configure(locations::configure)
            .configure(commodities::configure),
    );
}

/// Implements [`Tagged`] for views with a `version` field.
macro_rules! tagged {
    ($($view:ty),+) => {$(
        impl Tagged for $view {
            fn version(&self) -> i64 {
                self.version
            }
        }
    )+};
}

tagged!(Commodity, Location, Organization, TradeTerm);
