//! Login, refresh, logout and token checks.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use infra::write::write;
use infra::{Actor, Infra};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use settings::users::{UserKind, normalize_email};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::claims_cache::ClaimsCache;
use crate::config::AuthConfig;
use crate::dto::RefreshOutcome;
pub use crate::dto::{Authenticated, ClientInfo, LoginRequest, LoginStep, OtpLogin, SessionView, TokenPair};
use crate::error::AuthError;
use crate::keys::{Jwks, KeyRing};
use crate::sessions::entity::{refresh_token, session};
use crate::tokens::{self, Subject};
use crate::{lockout, password, sessions};

/// Authentication over any [`Infra`].
#[derive(Clone)]
pub struct AuthService<I: Infra> {
    pub(crate) infra: I,
    otp_sender: Arc<dyn crate::otp::OtpSender>,
    pub(crate) config: Arc<AuthConfig>,
    pub(crate) keys: Arc<RwLock<KeyRing>>,
    /// When an unknown `kid` last caused a reload (Unix seconds), so forged
    /// tokens cannot make every request read the key table.
    pub(crate) last_reload: Arc<AtomicI64>,
    /// Verified claims by token hash, so a signature is checked once per token.
    pub(crate) claims: Arc<ClaimsCache>,
    /// Finds the application of a returning applicant.
    pub(crate) onboarding: Option<Arc<dyn crate::onboarding::OnboardingLookup>>,
    /// Where principals read their partner's facts (tier, suspension).
    pub(crate) partner_lookup: Option<Arc<dyn crate::partner_facts::PartnerLookup>>,
    /// Called inside the transaction that opens each session.
    pub(crate) login_hook: Option<Arc<dyn crate::login_hook::LoginHook>>,
}

/// Least time between two reloads caused by unknown key ids.
pub(crate) const RELOAD_INTERVAL_SECS: i64 = 10;

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
            claims: Arc::default(),
            onboarding: None,
            partner_lookup: None,
            login_hook: None,
        })
    }

    /// The same service delivering one-time codes through `sender`.
    pub fn with_otp_sender(mut self, sender: Arc<dyn crate::otp::OtpSender>) -> Self {
        self.otp_sender = sender;
        self
    }

    /// The same service loading partner users' facts (tier, suspension) into
    /// their principals through `lookup`.
    pub fn with_partner_lookup(mut self, lookup: Arc<dyn crate::partner_facts::PartnerLookup>) -> Self {
        self.partner_lookup = Some(lookup);
        self
    }

    /// The same service calling `hook` inside the transaction that opens each session.
    pub fn with_login_hook(mut self, hook: Arc<dyn crate::login_hook::LoginHook>) -> Self {
        self.login_hook = Some(hook);
        self
    }

    /// Forgets the cached principals of `partner_id`'s users' sessions on every
    /// instance, after a change of its tier or suspension.
    pub async fn forget_partner(&self, partner_id: Uuid) -> Result<(), AuthError> {
        crate::partner_facts::forget_partner(&self.infra, partner_id, self.infra.clock().now()).await
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
    /// gets a short-lived onboarding token (`continue_onboarding` with the
    /// application when one is in progress). A right code ends the number's
    /// resend cool-down, so the next login need not wait.
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
        crate::otp::end_cooldown(self.infra.kv(), &mobile).await;
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
                let application_id = self.open_application(&mobile).await?;
                Ok(OtpLogin::Onboarding {
                    onboarding_token: token,
                    token_type: "Bearer",
                    expires_in: tokens::ONBOARDING_TTL.num_seconds(),
                    next_step: if application_id.is_some() {
                        "continue_onboarding"
                    } else {
                        "start_onboarding"
                    },
                    application_id,
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
        self.claims.clear();
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
        let hook = self.login_hook.clone();
        let written = write(&self.infra, &actor, move |tx| {
            Box::pin(async move {
                if let Some(hook) = &hook {
                    hook.session_opened(tx, &user).await?;
                }
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
