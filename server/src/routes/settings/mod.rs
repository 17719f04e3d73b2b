//! `/api/v1/settings`.

pub mod commodities;
pub mod commodity_parts;
pub mod locations;
pub mod organizations;
pub mod roles;
pub mod users;

use actix_web::web;

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
