//! Errors of the settings services: every one of them is one of the shared
//! kinds of [`infra::ServiceError`], so settings uses it as it is.

/// What can go wrong in a settings operation (the shared kinds).
pub type SettingsError = infra::ServiceError;

pub use infra::service_error::require;
