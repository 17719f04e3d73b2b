//! Error vocabulary shared by every module. Nothing here knows about HTTP: the
//! server maps an [`ErrorKind`] to a status code in one place.

use sea_orm::DbErr;
use serde::Serialize;

use crate::kv::KvError;

/// What kind of failure an error is, independent of transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Well-formed input that breaks a rule; carries field errors.
    InvalidInput,
    /// The resource does not exist or is not visible to the caller.
    NotFound,
    /// The change conflicts with the current state.
    Conflict,
    /// A version precondition (`If-Match`) did not hold.
    PreconditionFailed,
    /// The caller is not authenticated.
    Unauthenticated,
    /// The caller lacks the capability or the scope for this action.
    Forbidden,
    /// An idempotency key was reused for a different request.
    IdempotencyKeyReused,
    /// The caller sent too many requests.
    RateLimited,
    /// A dependency (database, kv) is exhausted or unreachable; retry later.
    Unavailable,
    /// A fault of the system itself.
    Internal,
}

/// One invalid input field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the caller spelled it (`address.pincode`, `items[2].qty`).
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl FieldError {
    /// A field error for `field` with `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every error a domain crate returns implements this, so the server renders
/// it without knowing the crate.
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    /// The kind, which decides the transport status.
    fn kind(&self) -> ErrorKind;
    /// A stable machine-readable code in snake case, such as `organization_not_found`.
    fn code(&self) -> &'static str;
    /// The invalid fields, for [`ErrorKind::InvalidInput`].
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
    /// Seconds the caller should wait before retrying, when that is known.
    fn retry_after_secs(&self) -> Option<u64> {
        None
    }
    /// Extra members of the problem answer that name facts of this failure,
    /// such as the `remaining` credit of a refused exposure move.
    fn members(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }
}

/// Input that failed validation, with every offending field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", summary(.errors))]
pub struct ValidationError {
    /// Each invalid field.
    pub errors: Vec<FieldError>,
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ValidationError {
    /// A validation error about a single field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError::new(field, message)],
        }
    }
}

impl DomainError for ValidationError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
    fn code(&self) -> &'static str {
        "validation_failed"
    }
    fn field_errors(&self) -> Vec<FieldError> {
        self.errors.clone()
    }
}

/// Collects field errors so that one answer names every bad field at once.
///
/// ```
/// let mut v = infra::Validator::new();
/// v.check(false, "name", "must not be empty");
/// v.check(true, "legal_name", "must not be empty");
/// let err = v.finish().unwrap_err();
/// assert_eq!(err.errors[0].field, "name");
/// ```
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.errors.push(FieldError::new(field, message));
        }
        self
    }

    /// Records an error unconditionally.
    pub fn push(&mut self, error: FieldError) -> &mut Self {
        self.errors.push(error);
        self
    }

    /// Keeps the value of a parse result, recording its error under `field`.
    pub fn take<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    /// `Ok` when nothing was recorded, else every recorded error.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { errors: self.errors })
        }
    }
}

/// Failures of the infrastructure itself: database, kv, idempotency bookkeeping.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    /// The database answered with an error or could not be reached.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The key-value store answered with an error or could not be reached.
    #[error("key-value store: {0}")]
    Kv(#[from] KvError),
    /// The idempotency key was already used by this caller for a different request.
    #[error(
        "idempotency key `{key}` was already used for a different request; send a new key for a new request"
    )]
    IdempotencyKeyReused {
        /// The reused key.
        key: String,
    },
    /// A value could not be turned into or read back from JSON.
    #[error("serialization: {0}")]
    Serialization(#[from] serde_json::Error),
    /// The configuration is not usable.
    #[error("configuration: {0}")]
    Config(String),
    /// A file store (documents) failed or could not be reached; a retry may succeed.
    #[error("file store: {0}")]
    Files(String),
    /// A rule of the infrastructure was broken by the calling code.
    #[error("{0}")]
    Invariant(&'static str),
}

impl InfraError {
    /// Whether the failure is a dependency being exhausted or down, so a retry may succeed.
    pub fn is_unavailable(&self) -> bool {
        match self {
            InfraError::Database(e) => db_unavailable(e),
            InfraError::Kv(e) => e.is_unavailable(),
            InfraError::Files(_) => true,
            _ => false,
        }
    }
}

/// Whether a database error means the pool is exhausted or the server unreachable.
pub fn db_unavailable(e: &DbErr) -> bool {
    matches!(e, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}

impl DomainError for InfraError {
    fn kind(&self) -> ErrorKind {
        match self {
            InfraError::IdempotencyKeyReused { .. } => ErrorKind::IdempotencyKeyReused,
            e if e.is_unavailable() => ErrorKind::Unavailable,
            _ => ErrorKind::Internal,
        }
    }
    fn code(&self) -> &'static str {
        match self.kind() {
            ErrorKind::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorKind::Unavailable => "dependency_unavailable",
            _ => "internal_error",
        }
    }
}
