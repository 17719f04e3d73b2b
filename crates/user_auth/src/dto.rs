//! What the authentication service takes and answers: login requests, client
//! details, login steps, token pairs, the verified caller and session views.

use infra::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sessions::entity::session;
use crate::tokens::Claims;

/// E-mail and password.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// Where a request comes from, for the session's device record.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The User-Agent header.
    pub user_agent: Option<String>,
    /// The client address.
    pub ip: Option<String>,
    /// The request id, for audit rows.
    pub request_id: Option<String>,
}

/// What a password login answers.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum LoginStep {
    /// Logged in.
    Done(TokenPair),
    /// The account has a second factor: send its code with this token to `/auth/login/totp`.
    SecondFactor {
        /// Always true.
        second_factor_required: bool,
        /// Good for 5 minutes, only at `/auth/login/totp`.
        second_factor_token: String,
        /// Seconds until it expires.
        expires_in: i64,
    },
}

/// What a verified one-time code opens.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum OtpLogin {
    /// A known EXTERNAL user: a session, as from a password login.
    Session {
        /// The token pair.
        #[serde(flatten)]
        tokens: TokenPair,
        /// `dashboard`, or `complete_profile`.
        next_step: &'static str,
        /// Whether the profile is complete.
        profile_complete: bool,
    },
    /// An unknown number: a token good only for onboarding.
    Onboarding {
        /// Short-lived JWT for the onboarding routes.
        onboarding_token: String,
        /// `Bearer`.
        token_type: &'static str,
        /// Seconds until it expires.
        expires_in: i64,
        /// `start_onboarding`, or `continue_onboarding` with an application in progress.
        next_step: &'static str,
        /// The application in progress, with `continue_onboarding`.
        #[serde(skip_serializing_if = "Option::is_none")]
        application_id: Option<Uuid>,
        /// Always false.
        profile_complete: bool,
    },
}

/// A new access and refresh token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque; exchange at `/auth/refresh` before it expires. Single use.
    pub refresh_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A verified caller.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The caller, with capabilities in force now.
    pub actor: Actor,
    /// The token's claims.
    pub claims: Claims,
    /// The rate-limit tier of the user's partner, when known.
    pub partner_tier: Option<String>,
    /// Whether the user's partner is suspended (writes are refused).
    pub partner_suspended: bool,
}

/// One of a user's sessions, as the user sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Session id.
    pub id: Uuid,
    /// The device: name, type, operating system, user agent.
    pub device: serde_json::Value,
    /// Client address at login.
    pub address: Option<String>,
    /// Login time.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last login or refresh.
    pub last_active_at: chrono::DateTime<chrono::Utc>,
    /// Whether this is the session of the asking token.
    pub current: bool,
}

impl SessionView {
    pub(crate) fn from_row(s: session::Model, current: Uuid) -> Self {
        Self {
            id: s.id,
            device: serde_json::json!({"name": s.device_name, "type": s.device_type, "os": s.device_os, "user_agent": s.user_agent}),
            address: s.ip,
            created_at: s.created_at,
            last_active_at: s.last_active_at,
            current: s.id == current,
        }
    }
}

/// What a refresh did, stored by the write helper.
#[derive(Serialize, Deserialize)]
pub(crate) enum RefreshOutcome {
    Issued(TokenPair),
    Reused(Uuid),
}
