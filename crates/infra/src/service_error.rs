//! The shared error kinds of every domain service. A module whose failures are
//! all of these kinds uses [`ServiceError`] as it is; a module with failures of
//! its own keeps its own enum with a `#[from] ServiceError` variant, so the kit
//! (children, references, rows, numbering) composes with it.

use crate::actor::Actor;
use crate::error::{DomainError, ErrorKind, FieldError, InfraError, ValidationError};

/// What can go wrong in a service operation, in the kinds every module shares.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that breaks a rule; names each field.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The resource does not exist or is not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller lacks the capability.
    #[error("this action needs the {0} capability")]
    Forbidden(String),
    /// The caller may not act on this resource (another organization, a higher kind).
    #[error("{0}")]
    OutOfScope(&'static str),
    /// A rule of the resource refuses the caller (403 with its own code,
    /// such as `partner_suspended`).
    #[error("{message}")]
    Refused {
        /// Stable code.
        code: &'static str,
        /// Why, and what to do.
        message: String,
    },
    /// A unique value is already taken.
    #[error("{field} {value} is already in use")]
    Taken {
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// The version sent with an update is not the current one.
    #[error("the resource changed since version {sent}; it is now at version {current}: fetch it and retry")]
    StaleVersion {
        /// The version the caller sent.
        sent: i64,
        /// The current version.
        current: i64,
    },
    /// The version sent is not the current one, where the resource requires a version (409).
    #[error("the resource changed since version {sent}; it is now at version {current}: fetch it and retry")]
    VersionConflict {
        /// The version the caller sent.
        sent: i64,
        /// The current version.
        current: i64,
    },
    /// The change conflicts with the current state.
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// What conflicts and what to do.
        message: String,
    },
    /// The infrastructure failed.
    #[error(transparent)]
    Infra(#[from] InfraError),
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        // A unique index refusing a concurrent change is a conflict, not a fault.
        if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
            return Self::Conflict {
                code: "concurrent_change",
                message: "a concurrent change took this value first; read the current state and retry".into(),
            };
        }
        Self::Infra(InfraError::Database(e))
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(e: serde_json::Error) -> Self {
        Self::Infra(InfraError::Serialization(e))
    }
}

impl From<crate::kv::KvError> for ServiceError {
    fn from(e: crate::kv::KvError) -> Self {
        Self::Infra(InfraError::Kv(e))
    }
}

impl ServiceError {
    /// This error where only an infrastructure error can travel (an event
    /// consumer, a scheduled job): the infrastructure's own as it is, any
    /// other (a rule the change broke) as a database error naming it, so
    /// the event stays pending or the job's run fails with the reason.
    pub fn into_infra(self) -> InfraError {
        match self {
            Self::Infra(e) => e,
            other => InfraError::Database(sea_orm::DbErr::Custom(other.to_string())),
        }
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: &str) -> Self {
        Self::Invalid(ValidationError::field(field, message))
    }
}

impl DomainError for ServiceError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Invalid(_) => ErrorKind::InvalidInput,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Forbidden(_) | Self::OutOfScope(_) | Self::Refused { .. } => ErrorKind::Forbidden,
            Self::Taken { .. } => ErrorKind::Conflict,
            Self::StaleVersion { .. } => ErrorKind::PreconditionFailed,
            Self::VersionConflict { .. } | Self::Conflict { .. } => ErrorKind::Conflict,
            Self::Infra(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "validation_failed",
            Self::NotFound(_) => "not_found",
            Self::Forbidden(_) => "capability_missing",
            Self::OutOfScope(_) => "out_of_scope",
            Self::Refused { code, .. } => code,
            Self::Taken { .. } => "already_exists",
            Self::StaleVersion { .. } | Self::VersionConflict { .. } => "stale_version",
            Self::Conflict { code, .. } => code,
            Self::Infra(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Invalid(v) => v.errors.clone(),
            Self::Taken { field, .. } => vec![FieldError::new(*field, "is already in use")],
            _ => Vec::new(),
        }
    }
}

impl ServiceError {
    /// A 403 with `code` and `message`.
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            code,
            message: message.into(),
        }
    }

    /// A 409 with `code` and `message`.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}

/// Refuses unless `actor` holds `capability`.
pub fn require(actor: &Actor, capability: &str) -> Result<(), ServiceError> {
    if actor.can(capability) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(capability.to_owned()))
    }
}
