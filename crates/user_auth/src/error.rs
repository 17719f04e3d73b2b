//! Errors of authentication.

use infra::{DomainError, ErrorKind, FieldError, InfraError, ServiceError, ValidationError};

/// What can go wrong while logging in or checking a token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong e-mail or password; never says which, nor whether the account exists.
    #[error("the e-mail or password is wrong")]
    InvalidCredentials,
    /// Too many failed logins: retry after the lock ends.
    #[error("too many failed logins; try again in {retry_after_secs} seconds")]
    Locked {
        /// Seconds until the lock ends.
        retry_after_secs: u64,
    },
    /// No token, a malformed one, a bad signature, another algorithm or issuer.
    #[error("the access token is missing or invalid; log in again")]
    InvalidToken,
    /// The access token is past its expiry.
    #[error("the access token has expired; refresh it")]
    TokenExpired,
    /// The token or its session was revoked, or the user disabled.
    #[error("the session has ended; log in again")]
    Revoked,
    /// Too many codes asked for: cool-down or hourly limit.
    #[error("too many codes requested; try again in {retry_after_secs} seconds")]
    TooManyCodes {
        /// Seconds until another code may be sent.
        retry_after_secs: u64,
    },
    /// An authenticator (TOTP) code that is wrong or was already used.
    #[error("the authenticator code is wrong or was already used; wait for the next one")]
    InvalidTotp,
    /// The account has a second factor: finish at /api/v1/auth/login/totp.
    #[error("this account needs its authenticator code; finish the login at /api/v1/auth/login/totp")]
    SecondFactorRequired,
    /// A one-time code that is wrong, expired, burned or already used.
    #[error("the code is wrong or expired; request a new one")]
    InvalidOtp,
    /// The refresh token is unknown, expired, or its session ended.
    #[error("the refresh token is invalid or expired; log in again")]
    InvalidRefreshToken,
    /// A refresh token was used again after rotation: the session is ended.
    #[error("this refresh token was already used; the session has been ended for safety, log in again")]
    RefreshTokenReused,
    /// The token signing keys could not be loaded or parsed.
    #[error("token keys: {0}")]
    Keys(String),
    /// One-time codes cannot be delivered (no SMS gateway, or it failed).
    #[error("one-time codes cannot be delivered now: {0}")]
    DeliveryUnavailable(String),
    /// One of the shared kinds: invalid input, not found, out of scope, taken,
    /// a conflict (user management through this crate, second factors).
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The infrastructure failed.
    #[error(transparent)]
    Infra(#[from] InfraError),
}

impl From<sea_orm::DbErr> for AuthError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Infra(InfraError::Database(e))
    }
}

impl From<ValidationError> for AuthError {
    fn from(e: ValidationError) -> Self {
        Self::Service(ServiceError::Invalid(e))
    }
}

impl From<serde_json::Error> for AuthError {
    fn from(e: serde_json::Error) -> Self {
        Self::Infra(InfraError::Serialization(e))
    }
}

impl From<infra::KvError> for AuthError {
    fn from(e: infra::KvError) -> Self {
        Self::Infra(InfraError::Kv(e))
    }
}

impl DomainError for AuthError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidCredentials
            | Self::InvalidToken
            | Self::TokenExpired
            | Self::Revoked
            | Self::InvalidRefreshToken
            | Self::InvalidOtp
            | Self::InvalidTotp
            | Self::SecondFactorRequired
            | Self::RefreshTokenReused => ErrorKind::Unauthenticated,
            Self::Locked { .. } | Self::TooManyCodes { .. } => ErrorKind::RateLimited,
            Self::Keys(_) => ErrorKind::Internal,
            Self::DeliveryUnavailable(_) => ErrorKind::Unavailable,
            Self::Service(e) => e.kind(),
            Self::Infra(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::Locked { .. } => "account_locked",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::Revoked => "session_revoked",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::InvalidOtp => "invalid_otp",
            Self::InvalidTotp => "invalid_totp",
            Self::SecondFactorRequired => "second_factor_required",
            Self::TooManyCodes { .. } => "otp_rate_limited",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::Keys(_) => "internal_error",
            Self::DeliveryUnavailable(_) => "otp_delivery_unavailable",
            Self::Service(e) => e.code(),
            Self::Infra(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Service(e) => e.field_errors(),
            _ => Vec::new(),
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Locked { retry_after_secs } | Self::TooManyCodes { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }
}
