//! Authentication: password login with lockout, Ed25519-signed access tokens
//! with key rotation and a JWKS, rotating refresh tokens with reuse detection,
//! sessions, and revocation that every instance sees at once. A partner's
//! users (employees and sub-users) are managed in the `partners` crate;
//! [`LoginHook`] lets it act when their sessions open.
//!
//! ```no_run
//! use infra::{AppInfra, InfraConfig};
//! use user_auth::{AuthConfig, AuthService, ClientInfo, LoginRequest};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! infra.migrate().await?;
//! let auth = AuthService::start(infra, AuthConfig::default()).await?;
//! let login = LoginRequest { email: "admin@example.com".into(), password: "a long secret".into() };
//! let pair = auth.login(login, &ClientInfo::default()).await?;
//! let who = auth.authenticate(&pair.access_token).await?;
//! println!("{:?} may {:?}", who.actor.user_id, who.actor.capabilities);
//! # Ok(()) }
//! ```

pub mod accounts;
pub mod authenticate;
pub mod claims_cache;
pub mod config;
pub mod device;
pub mod dto;
pub mod error;
pub mod keys;
pub mod lockout;
pub mod login_hook;
pub mod onboarding;
pub mod otp;
pub mod partner_facts;
pub mod password;
pub mod second_factor;
pub mod service;
mod session_views;
pub mod sessions;
pub mod tokens;
pub mod totp;

pub use accounts::AccountService;
pub use config::{AuthConfig, SigningKeySource};
pub use error::AuthError;
pub use login_hook::LoginHook;
pub use onboarding::OnboardingLookup;
pub use service::{
    AuthService, Authenticated, ClientInfo, LoginRequest, LoginStep, OtpLogin, SessionView, TokenPair,
};

/// The outbox topic of session changes.
pub const TOPIC: &str = "session-events";
