//! The partners module's answer to `user_auth`'s onboarding lookup: an OTP
//! verify of a number with an application in progress continues it.

use async_trait::async_trait;
use infra::AppInfra;
use partners::ApplicationService;
use user_auth::{AuthError, OnboardingLookup};
use uuid::Uuid;

/// Finds the open application of a mobile through the partners services.
pub struct OpenApplications(pub ApplicationService<AppInfra>);

#[async_trait]
impl OnboardingLookup for OpenApplications {
    async fn open_application(&self, mobile: &str) -> Result<Option<Uuid>, AuthError> {
        Ok(self.0.open_application_of(mobile).await?)
    }
}
