//! Onboarding of a number without a user: the token an OTP verify of an
//! unknown number opens, and the lookup that tells a returning applicant
//! where it left off.
//!
//! The applications live in a module above this crate; it plugs in through
//! [`OnboardingLookup`], so `user_auth` never depends on it.

use uuid::Uuid;

use crate::error::AuthError;
use crate::service::AuthService;
use crate::tokens;

/// Finds the open onboarding application of a verified mobile number.
#[async_trait::async_trait]
pub trait OnboardingLookup: Send + Sync {
    /// The id of the application in progress for `mobile` (normalized,
    /// `+919876543210`), if there is one.
    async fn open_application(&self, mobile: &str) -> Result<Option<Uuid>, AuthError>;
}

impl<I: infra::Infra> AuthService<I> {
    /// The verified mobile number an onboarding token names, checked like an
    /// access token (signature, issuer, expiry); any other token is
    /// [`AuthError::InvalidToken`].
    pub async fn verify_onboarding(&self, token: &str) -> Result<String, AuthError> {
        let keys = self.keys().await;
        tokens::verify_purpose(&keys, &self.config, token, "onboarding", self.infra.clock().now())
    }

    /// The same service answering `continue_onboarding` with the application
    /// that `lookup` finds for a verified number without a user.
    pub fn with_onboarding_lookup(mut self, lookup: std::sync::Arc<dyn OnboardingLookup>) -> Self {
        self.onboarding = Some(lookup);
        self
    }

    /// The application in progress for `mobile`, when a lookup is plugged in.
    pub(crate) async fn open_application(&self, mobile: &str) -> Result<Option<Uuid>, AuthError> {
        match &self.onboarding {
            Some(lookup) => lookup.open_application(mobile).await,
            None => Ok(None),
        }
    }
}
