//! Access tokens: Ed25519-signed JWTs with `kid`, checked against the
//! application clock (not the system clock) so expiry is testable.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::keys::KeyRing;

/// The claims of an access token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: Uuid,
    /// SUPER_ADMIN, INTERNAL or EXTERNAL.
    pub kind: String,
    /// Organization of an INTERNAL user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    /// Partner of an EXTERNAL user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<Uuid>,
    /// The session.
    pub sid: Uuid,
    /// This token's id, for the denylist.
    pub jti: Uuid,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Issuer.
    pub iss: String,
}

/// Who a token is for.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The user.
    pub user_id: Uuid,
    /// The user's kind.
    pub kind: String,
    /// Organization.
    pub organization_id: Option<Uuid>,
    /// Partner.
    pub partner_id: Option<Uuid>,
    /// Session.
    pub session_id: Uuid,
}

/// Signs a new access token for `subject`.
pub fn issue(
    keys: &KeyRing,
    config: &AuthConfig,
    subject: &Subject,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let claims = Claims {
        sub: subject.user_id,
        kind: subject.kind.clone(),
        org: subject.organization_id,
        partner: subject.partner_id,
        sid: subject.session_id,
        jti: infra::ids::new_id(),
        iat: now.timestamp(),
        exp: (now + config.access_ttl).timestamp(),
        iss: config.issuer.clone(),
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.kid().to_owned());
    jsonwebtoken::encode(&header, &claims, keys.signing())
        .map_err(|e| AuthError::Keys(format!("signing failed: {e}")))
}

/// The key id a token names, without checking anything else.
pub fn key_id(token: &str) -> Result<String, AuthError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::InvalidToken)?;
    if header.alg != Algorithm::EdDSA {
        return Err(AuthError::InvalidToken);
    }
    header.kid.ok_or(AuthError::InvalidToken)
}

/// Checks signature, algorithm (EdDSA only, so `none` and HMAC are refused),
/// issuer, and expiry against `now`.
pub fn verify(
    keys: &KeyRing,
    config: &AuthConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Claims, AuthError> {
    let kid = key_id(token)?;
    let key = keys.verifying(&kid).ok_or(AuthError::InvalidToken)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[config.issuer.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    // Expiry is checked below against the application clock.
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map_err(|_| AuthError::InvalidToken)?
        .claims;
    let leeway = config.leeway.num_seconds();
    if now.timestamp() > claims.exp + leeway {
        return Err(AuthError::TokenExpired);
    }
    if claims.iat > now.timestamp() + leeway {
        return Err(AuthError::InvalidToken);
    }
    Ok(claims)
}

/// How long an onboarding token lives.
pub const ONBOARDING_TTL: chrono::Duration = chrono::Duration::minutes(30);
/// How long a second-factor token lives.
pub const SECOND_FACTOR_TTL: chrono::Duration = chrono::Duration::minutes(5);

/// The claims of a single-purpose token (onboarding, second factor): a subject
/// and a purpose; access-token checks refuse these tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeClaims {
    /// A verified mobile number (onboarding) or a user id (second factor).
    pub sub: String,
    /// `onboarding` or `second_factor`.
    pub purpose: String,
    /// Token id.
    pub jti: Uuid,
    /// Issued at.
    pub iat: i64,
    /// Expires at.
    pub exp: i64,
    /// Issuer.
    pub iss: String,
}

/// Signs a token good only for `purpose`, naming `subject`, for `ttl`.
pub fn issue_purpose(
    keys: &KeyRing,
    config: &AuthConfig,
    subject: &str,
    purpose: &str,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let claims = PurposeClaims {
        sub: subject.to_owned(),
        purpose: purpose.to_owned(),
        jti: infra::ids::new_id(),
        iat: now.timestamp(),
        exp: (now + ttl).timestamp(),
        iss: config.issuer.clone(),
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(keys.kid().to_owned());
    jsonwebtoken::encode(&header, &claims, keys.signing())
        .map_err(|e| AuthError::Keys(format!("signing failed: {e}")))
}

/// The subject of a token issued for `purpose`, checked like an access token.
pub fn verify_purpose(
    keys: &KeyRing,
    config: &AuthConfig,
    token: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let kid = key_id(token)?;
    let key = keys.verifying(&kid).ok_or(AuthError::InvalidToken)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[config.issuer.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<PurposeClaims>(token, key, &validation)
        .map_err(|_| AuthError::InvalidToken)?
        .claims;
    if claims.purpose != purpose {
        return Err(AuthError::InvalidToken);
    }
    if now.timestamp() > claims.exp + config.leeway.num_seconds() {
        return Err(AuthError::TokenExpired);
    }
    Ok(claims.sub)
}

/// Signs an onboarding token for a verified `mobile`.
pub fn issue_onboarding(
    keys: &KeyRing,
    config: &AuthConfig,
    mobile: &str,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    issue_purpose(keys, config, mobile, "onboarding", ONBOARDING_TTL, now)
}
