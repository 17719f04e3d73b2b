//! Users of the three kinds (SUPER_ADMIN, INTERNAL with an organization,
//! EXTERNAL with a partner), their roles and direct capability grants.

pub mod entity;
mod grants;
mod input;
mod limit;
mod model;
mod service;
mod store;

pub use input::{
    CreateUser, GrantCapability, UpdateUser, UserFilter, UserKind, normalize_email, normalize_mobile,
};
pub use model::{Grant, User};
pub use service::{UserService, create_unchecked};
pub use store::{find, find_by_email, set_active, set_active_unchecked, views};

/// The outbox topic of user changes.
pub const TOPIC: &str = "user-events";
