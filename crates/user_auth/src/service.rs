//! Login, refresh, logout and token checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use infra::write::write;
use infra::{Actor, Infra};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use settings::users::{UserKind, normalize_email};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::keys::{Jwks, KeyRing};
use crate::sessions::entity::{refresh_token, session};
use crate::tokens::{self, Claims, Subject};
use crate::{lockout, password, sessions};

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
        /// `start_onboarding`.
        next_step: &'static str,
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
    fn from_row(s: session::Model, current: Uuid) -> Self {
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
enum RefreshOutcome {
    Issued(TokenPair),
    Reused(Uuid),
}

/// Authentication over any [`Infra`].
#[derive(Clone)]
pub struct AuthService<I: Infra> {
    infra: I,
    otp_sender: Arc<dyn crate::otp::OtpSender>,
    config: Arc<AuthConfig>,
    keys: Arc<RwLock<KeyRing>>,
    /// When an unknown `kid` last caused a reload (Unix seconds), so forged
    /// tokens cannot make every request read the key table.
    last_reload: Arc<AtomicI64>,
}

/// Least time between two reloads caused by unknown key ids.
const RELOAD_INTERVAL_SECS: i64 = 10;

impl<I: Infra> AuthService<I> {
    /// Loads the signing keys (creating the development key when needed).
    pub async fn start(infra: I, config: AuthConfig) -> Result<Self, AuthError> {
        let keys = KeyRing::load(infra.db(), &config, infra.clock().now()).await?;
        // Codes in the log are for development only: with a configured
        // (production) key, nothing is sent until a gateway is plugged in.
        let otp_sender: Arc<dyn crate::otp::OtpSender> = match config.signing {
            crate::config::SigningKeySource::Database => Arc::new(crate::otp::LogSender),
            crate::config::SigningKeySource::Configured { .. } => Arc::new(crate::otp::NoGateway),
        };
        Ok(Self {
            infra,
            otp_sender,
            config: Arc::new(config),
            keys: Arc::new(RwLock::new(keys)),
            last_reload: Arc::default(),
        })
    }

    /// The same service delivering one-time codes through `sender`.
    pub fn with_otp_sender(mut self, sender: Arc<dyn crate::otp::OtpSender>) -> Self {
        self.otp_sender = sender;
        self
    }

    /// Sends a one-time code to `mobile` (validated, +91 when 10 digits).
    pub async fn send_otp(&self, mobile: &str, client: &ClientInfo) -> Result<(), AuthError> {
        let mobile = settings::users::normalize_mobile(mobile)
            .map_err(|m| infra::ValidationError::field("mobile", m))?;
        let secret = *self.keys.read().await.derived_secret();
        let address = client.ip.clone().unwrap_or_default();
        crate::otp::send(
            self.infra.kv(),
            self.infra.clock(),
            &secret,
            self.otp_sender.as_ref(),
            &mobile,
            &address,
        )
        .await
    }

    /// Verifies a code: a known EXTERNAL user gets a session; an unknown number
    /// gets a short-lived onboarding token.
    pub async fn verify_otp(
        &self,
        mobile: &str,
        code: &str,
        client: &ClientInfo,
    ) -> Result<OtpLogin, AuthError> {
        let mobile = settings::users::normalize_mobile(mobile)
            .map_err(|m| infra::ValidationError::field("mobile", m))?;
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(infra::ValidationError::field("otp", "must be the 6 digits sent by SMS").into());
        }
        let secret = *self.keys.read().await.derived_secret();
        crate::otp::verify(self.infra.kv(), self.infra.clock(), &secret, &mobile, code).await?;
        let user = settings::users::entity::user::Entity::find()
            .filter(settings::users::entity::user::Column::Mobile.eq(mobile.as_str()))
            .one(self.infra.db())
            .await?;
        match user {
            Some(user) if user.kind == UserKind::External.as_str() && user.is_active => {
                let tokens = self.open_session(&user, client).await?;
                Ok(OtpLogin::Session {
                    tokens,
                    next_step: "dashboard",
                    profile_complete: true,
                })
            }
            Some(_) => Err(AuthError::InvalidOtp),
            None => {
                let keys = self.keys.read().await.clone();
                let token = tokens::issue_onboarding(&keys, &self.config, &mobile, self.infra.clock().now())?;
                Ok(OtpLogin::Onboarding {
                    onboarding_token: token,
                    token_type: "Bearer",
                    expires_in: tokens::ONBOARDING_TTL.num_seconds(),
                    next_step: "start_onboarding",
                    profile_complete: false,
                })
            }
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// The infrastructure.
    pub(crate) fn infra(&self) -> &I {
        &self.infra
    }

    /// The keys in force now.
    pub(crate) async fn keys(&self) -> KeyRing {
        self.keys.read().await.clone()
    }

    /// The public keys for `/.well-known/jwks.json`.
    pub async fn jwks(&self) -> Jwks {
        self.keys.read().await.jwks().clone()
    }

    /// Re-reads the keys, after a rotation by any instance.
    pub async fn reload_keys(&self) -> Result<(), AuthError> {
        let fresh = KeyRing::load(self.infra.db(), &self.config, self.infra.clock().now()).await?;
        *self.keys.write().await = fresh;
        Ok(())
    }

    /// Password login for INTERNAL and SUPER_ADMIN users without a second factor;
    /// with one enabled it fails with [`AuthError::SecondFactorRequired`] (use
    /// [`AuthService::begin_login`]).
    pub async fn login(&self, request: LoginRequest, client: &ClientInfo) -> Result<TokenPair, AuthError> {
        match self.begin_login(request, client).await? {
            LoginStep::Done(pair) => Ok(pair),
            LoginStep::SecondFactor { .. } => Err(AuthError::SecondFactorRequired),
        }
    }

    /// Password login. Five failures in the window lock the account; the answer
    /// never says whether it exists. With the TOTP second factor enabled it
    /// answers a second-factor token instead of a session.
    pub async fn begin_login(
        &self,
        request: LoginRequest,
        client: &ClientInfo,
    ) -> Result<LoginStep, AuthError> {
        let email = normalize_email(&request.email).map_err(|m| infra::ValidationError::field("email", m))?;
        if request.password.is_empty() {
            return Err(infra::ValidationError::field("password", "must not be empty").into());
        }
        let (kv, clock) = (self.infra.kv(), self.infra.clock());
        lockout::check(kv, clock, &email).await?;
        let user = settings::users::find_by_email(self.infra.db(), &email).await?;
        let candidate = user.filter(|u| u.is_active && u.kind != UserKind::External.as_str());
        let hash = candidate.as_ref().and_then(|u| u.password_hash.clone());
        let ok = password::verify(request.password, hash).await;
        let Some(user) = candidate.filter(|_| ok) else {
            lockout::record_failure(kv, clock, &self.config, &email).await?;
            return Err(AuthError::InvalidCredentials);
        };
        if user.totp_enabled {
            // Failures are forgotten only when a session opens: a right password
            // must not reset the count a second factor is being guessed under.
            let token = self.second_factor_token(user.id).await?;
            return Ok(LoginStep::SecondFactor {
                second_factor_required: true,
                second_factor_token: token,
                expires_in: tokens::SECOND_FACTOR_TTL.num_seconds(),
            });
        }
        lockout::clear(kv, &email).await?;
        Ok(LoginStep::Done(self.open_session(&user, client).await?))
    }

    /// Opens a session for a user already identified (password or OTP) and answers its tokens.
    pub async fn open_session(
        &self,
        user: &settings::users::entity::user::Model,
        client: &ClientInfo,
    ) -> Result<TokenPair, AuthError> {
        let kind = UserKind::parse(&user.kind).unwrap_or(UserKind::Internal);
        let actor = client_actor(Actor::user(kind.actor_kind(), user.id, []), client);
        let config = self.config.clone();
        let keys = self.keys.read().await.clone();
        let user = user.clone();
        let client = client.clone();
        let written = write(&self.infra, &actor, move |tx| {
            Box::pin(async move {
                let (session, refresh) = sessions::open(tx, user.id, &client, &config).await?;
                let access = tokens::issue(&keys, &config, &subject(&user, session.id), tx.now())?;
                Ok::<_, AuthError>(pair(access, refresh, &config))
            })
        })
        .await?;
        Ok(written.value)
    }

    /// Exchanges a refresh token for a new pair. A token already exchanged more
    /// than the grace window ago ends the whole session (reuse detection).
    pub async fn refresh(&self, refresh_token: &str, client: &ClientInfo) -> Result<TokenPair, AuthError> {
        let hash = sessions::hash_token(refresh_token);
        let actor = client_actor(Actor::system(), client);
        let config = self.config.clone();
        let keys = self.keys.read().await.clone();
        let outcome = write(&self.infra, &actor, move |tx| {
            Box::pin(async move {
                let db = tx.db();
                let token = refresh_token::Entity::find()
                    .filter(refresh_token::Column::TokenHash.eq(hash))
                    .one(db)
                    .await?
                    .ok_or(AuthError::InvalidRefreshToken)?;
                let session = session::Entity::find_by_id(token.session_id)
                    .one(db)
                    .await?
                    .ok_or(AuthError::InvalidRefreshToken)?;
                if !sessions::is_live(&session, tx.now()) || token.expires_at <= tx.now() {
                    return Err(AuthError::InvalidRefreshToken);
                }
                let user = settings::users::find(db, session.user_id)
                    .await?
                    .filter(|u| u.is_active)
                    .ok_or(AuthError::Revoked)?;
                if !sessions::mark_used(tx, token.id).await? {
                    // Lost a race or replayed: reread the committed use time.
                    let used = refresh_token::Entity::find_by_id(token.id)
                        .one(db)
                        .await?
                        .and_then(|t| t.used_at);
                    let within_grace = used.is_some_and(|at| tx.now() - at <= config.refresh_grace);
                    if !within_grace {
                        sessions::revoke(tx, session.id, "refresh_token_reused").await?;
                        return Ok(RefreshOutcome::Reused(session.id));
                    }
                }
                sessions::touch(tx, session.id, &config).await?;
                let refresh = sessions::issue_refresh(tx, session.id, &config).await?;
                let access = tokens::issue(&keys, &config, &subject(&user, session.id), tx.now())?;
                tx.audit("session.refresh", "session", &session.id.to_string(), None)
                    .await?;
                Ok(RefreshOutcome::Issued(pair(access, refresh, &config)))
            })
        })
        .await?;
        match outcome.value {
            RefreshOutcome::Issued(pair) => Ok(pair),
            RefreshOutcome::Reused(session_id) => {
                tracing::warn!(%session_id, "refresh token reused; session ended");
                sessions::publish_revoked(self.infra.kv(), &[session_id], &[], &self.config).await;
                Err(AuthError::RefreshTokenReused)
            }
        }
    }

    /// Ends the caller's session and denies the token it used.
    pub async fn logout(&self, who: &Authenticated) -> Result<(), AuthError> {
        let sid = who.claims.sid;
        let written = write(&self.infra, &who.actor, move |tx| {
            Box::pin(async move { sessions::revoke(tx, sid, "logout").await })
        })
        .await?;
        let mut ended = written.value;
        ended.push(sid);
        sessions::publish_revoked(self.infra.kv(), &ended, &[who.claims.jti], &self.config).await;
        Ok(())
    }

    /// The caller's sessions that are still open, newest first, the current one marked.
    pub async fn sessions(&self, who: &Authenticated) -> Result<Vec<SessionView>, AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let now = self.infra.clock().now();
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::CreatedAt)
            .all(self.infra.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionView::from_row(s, who.claims.sid))
            .collect())
    }

    /// Ends one of the caller's own sessions (another user's is answered as not found).
    pub async fn revoke_session(&self, who: &Authenticated, session_id: Uuid) -> Result<(), AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let owned = session::Entity::find_by_id(session_id)
            .one(self.infra.db())
            .await?
            .filter(|s| s.user_id == user_id);
        if owned.is_none() {
            return Err(AuthError::Settings(settings::SettingsError::NotFound("session")));
        }
        self.end_sessions(who, move |tx| {
            Box::pin(async move { sessions::revoke(tx, session_id, "revoked").await })
        })
        .await
    }

    /// Ends every session of the caller except the current one.
    pub async fn revoke_other_sessions(&self, who: &Authenticated) -> Result<(), AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let current = who.claims.sid;
        self.end_sessions(who, move |tx| {
            Box::pin(async move { sessions::revoke_others(tx, user_id, current, "revoked").await })
        })
        .await
    }

    async fn end_sessions<F>(&self, who: &Authenticated, revoke: F) -> Result<(), AuthError>
    where
        F: for<'c> FnOnce(&'c infra::WriteTx) -> futures::future::BoxFuture<'c, Result<Vec<Uuid>, AuthError>>
            + Send,
    {
        let ended = write(&self.infra, &who.actor, revoke).await?.value;
        sessions::publish_revoked(self.infra.kv(), &ended, &[], &self.config).await;
        Ok(())
    }

    /// Whether session `sid` of `user_id` may still be used: not revoked, not
    /// expired, its user active. Long-lived connections (WebSockets) ask this
    /// periodically, after their token was checked once at the start.
    pub async fn check_session(&self, sid: Uuid, user_id: Uuid) -> Result<(), AuthError> {
        match sessions::is_marked_revoked(self.infra.kv(), sid, None).await {
            Ok(true) => return Err(AuthError::Revoked),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "revocation marks unreadable; relying on the session row"),
        }
        sessions::principal(&self.infra, sid, user_id, self.infra.clock().now())
            .await
            .map(|_| ())
    }

    /// Verifies an access token and answers the caller with the capabilities in
    /// force now. Refuses revoked tokens and sessions (kv marks, then the session
    /// row, which stays authoritative when the kv store lost or missed a mark) and
    /// disabled users.
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated, AuthError> {
        let now = self.infra.clock().now();
        let claims = {
            let kid = tokens::key_id(token)?;
            if self.keys.read().await.verifying(&kid).is_none() {
                // Perhaps a key made by another instance's rotation: read the keys
                // again, at most once per interval.
                let last = self.last_reload.load(Ordering::Relaxed);
                if now.timestamp() - last >= RELOAD_INTERVAL_SECS
                    && self
                        .last_reload
                        .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    self.reload_keys().await?;
                }
            }
            tokens::verify(&*self.keys.read().await, &self.config, token, now)?
        };
        match sessions::is_marked_revoked(self.infra.kv(), claims.sid, Some(claims.jti)).await {
            Ok(true) => return Err(AuthError::Revoked),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "revocation marks unreadable; relying on the session row"),
        }
        let principal = sessions::principal(&self.infra, claims.sid, claims.sub, now).await?;
        let kind = UserKind::parse(&principal.kind).ok_or(AuthError::InvalidToken)?;
        let capabilities = settings::capabilities::for_user(&self.infra, principal.user_id).await?;
        let mut actor = Actor::user(kind.actor_kind(), principal.user_id, capabilities);
        actor.organization_id = principal.organization_id;
        actor.partner_id = principal.partner_id;
        actor.session_id = Some(claims.sid);
        Ok(Authenticated { actor, claims })
    }
}

fn client_actor(mut actor: Actor, client: &ClientInfo) -> Actor {
    actor.request_id = client.request_id.clone();
    actor.client_addr = client.ip.clone();
    actor
}

fn subject(user: &settings::users::entity::user::Model, session_id: Uuid) -> Subject {
    Subject {
        user_id: user.id,
        kind: user.kind.clone(),
        organization_id: user.organization_id,
        partner_id: user.partner_id,
        session_id,
    }
}

fn pair(access_token: String, refresh_token: String, config: &AuthConfig) -> TokenPair {
    TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: config.access_ttl.num_seconds(),
    }
}
