//! `/api/v1/settings`.

pub mod commodities;
pub mod commodity_parts;
pub mod locations;
pub mod organizations;
pub mod roles;
pub mod users;

use actix_web::web;
use settings::commodities::Commodity;
use settings::commodities::terms::TradeTerm;
use settings::locations::Location;
use settings::organizations::Organization;

use crate::http::etag::Tagged;

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
