//! Commodities: the catalogue (name, category, HSN code, GST rate, base,
//! trade and rate units), their varieties, quality parameters and commission
//! structures ([`ChildService`] under [`CommodityParent`]), the trade-term masters
//! ([`terms::TermService`]), units and exact conversion ([`conversion`]),
//! ranked search ([`search`]) and CSV bulk import and export ([`bulk`]).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig, Quantity, Money};
//! use settings::commodities::{CommodityService, CreateCommodity};
//! use settings::commodities::conversion::ConversionRequest;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let commodities = CommodityService::new(infra);
//! let input = CreateCommodity {
//!     name: "Shankar-6 Cotton".into(),
//!     category: "COTTON".into(),
//!     hsn_code: "5201".into(),
//!     gst_rate: 5.into(),
//!     base_unit: "KG".into(),
//!     trade_unit: Some("BALE".into()),
//!     rate_unit: Some("CANDY".into()),
//! };
//! let cotton = commodities.create(&Actor::system(), input).await?.value;
//! let request = ConversionRequest {
//!     trade_quantity: "600".parse::<Quantity>()?,
//!     trade_unit: "BALE".into(),
//!     rate_per_unit: "50000".parse::<Money>()?,
//!     rate_unit: "CANDY".into(),
//! };
//! let converted = commodities.calculate_conversion(&Actor::system(), cotton.id, request).await?;
//! println!("{} KG for {} INR", converted.base_quantity, converted.billing_amount);
//! # Ok(()) }
//! ```

pub mod bulk;
pub mod children;
pub mod commissions;
pub mod conversion;
pub mod entity;
mod input;
mod model;
pub mod parameter_codes;
mod parameter_model;
pub mod parameters;
pub mod search;
mod service;
mod store;
pub mod terms;
pub mod units;
pub mod varieties;

pub use children::{Child, ChildService, CommodityParent};
pub use input::{CommodityFilter, CreateCommodity, UpdateCommodity};
pub use model::Commodity;
pub use service::{COMMISSION_REFERENCE, CommodityService};

/// The outbox topic of commodity, unit and trade-term changes.
pub const TOPIC: &str = "commodity-events";
/// Create commodities.
pub const COMMODITY_CREATE: &str = "COMMODITY_CREATE";
/// Read commodities, units and terms.
pub const COMMODITY_READ: &str = "COMMODITY_READ";
/// Change and delete commodities, their children and terms.
pub const COMMODITY_UPDATE: &str = "COMMODITY_UPDATE";
