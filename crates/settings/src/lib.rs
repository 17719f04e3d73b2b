//! Settings: the master data every trade refers to, and who may do what.
//!
//! This crate holds users, roles and capabilities, organizations, locations
//! and the commodity catalogue. Services are generic over
//! [`infra::Infra`] and check the caller's capabilities themselves, so a
//! library caller gets the same rules as an HTTP caller.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use settings::users::{CreateUser, UserService};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let users = UserService::new(infra);
//! let input = CreateUser {
//!     kind: "SUPER_ADMIN".into(),
//!     email: Some("admin@example.com".into()),
//!     full_name: "Platform Admin".into(),
//!     ..CreateUser::default()
//! };
//! let hash = "$argon2id$...".to_owned(); // from user_auth::password::hash
//! let admin = users.create(&Actor::system(), input, Some(hash)).await?;
//! println!("created {}", admin.value.id);
//! # Ok(()) }
//! ```

pub mod capabilities;
pub mod commodities;
pub mod error;
mod like;
pub mod locations;
pub mod organizations;
pub mod roles;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod tax_ids;
pub mod users;

pub use error::SettingsError;
/// Deletes refused while referenced: the kit's references, which later modules extend.
pub use infra::references;
