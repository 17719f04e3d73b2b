//! Locations: places trades happen at, created once per external place id,
//! with the region derived from the state code ([`regions`]).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use settings::locations::{CreateLocation, LocationService};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let locations = LocationService::new(infra);
//! let input = CreateLocation {
//!     name: "Rajkot APMC".into(),
//!     place_id: "ChIJ-rajkot-apmc".into(),
//!     state_code: Some("GJ".into()),
//!     ..Default::default()
//! };
//! let answer = locations.create(&Actor::system(), input).await?.value;
//! assert_eq!(answer.location.region, "WEST");
//! # Ok(()) }
//! ```

pub mod entity;
mod input;
mod model;
pub mod regions;
mod service;

pub use input::{CreateLocation, LocationFilter, UpdateLocation};
pub use model::{Location, Upserted};
pub use service::LocationService;

/// The outbox topic of location changes.
pub const TOPIC: &str = "location-events";
/// Create locations.
pub const LOCATION_CREATE: &str = "LOCATION_CREATE";
/// Read locations.
pub const LOCATION_READ: &str = "LOCATION_READ";
/// Change and delete locations.
pub const LOCATION_UPDATE: &str = "LOCATION_UPDATE";
