//! The failures of the risk services: the kit's shared kinds, and a buyer's
//! exposure move refused at its credit limit (409 `credit_limit_exceeded`,
//! its problem answer carrying the `remaining` limit as a decimal string).

use infra::{DomainError, ErrorKind, FieldError, InfraError, Money, ServiceError};
use serde_json::{Map, Value};

/// What can go wrong in a risk operation.
#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    /// A buyer-side increase would take utilised credit past the credit limit.
    #[error("the move would exceed the partner's credit limit: {remaining} INR remains")]
    CreditLimitExceeded {
        /// What is left of the credit limit before the move (never below zero).
        remaining: Money,
    },
    /// A shared kind (invalid input, not found, capability, conflict, infrastructure).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<InfraError> for RiskError {
    fn from(e: InfraError) -> Self {
        Self::Service(e.into())
    }
}

impl From<sea_orm::DbErr> for RiskError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Service(e.into())
    }
}

impl From<serde_json::Error> for RiskError {
    fn from(e: serde_json::Error) -> Self {
        Self::Service(e.into())
    }
}

impl DomainError for RiskError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::CreditLimitExceeded { .. } => ErrorKind::Conflict,
            Self::Service(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::CreditLimitExceeded { .. } => "credit_limit_exceeded",
            Self::Service(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::CreditLimitExceeded { .. } => Vec::new(),
            Self::Service(e) => e.field_errors(),
        }
    }

    fn members(&self) -> Map<String, Value> {
        let mut members = Map::new();
        if let Self::CreditLimitExceeded { remaining } = self {
            members.insert("remaining".into(), Value::String(remaining.to_string()));
        }
        members
    }
}
