//! The applicant: a caller without a user yet, holding an onboarding token
//! from an OTP verify of its mobile. It is accepted on [`ONBOARDING_ROUTES`]
//! only, rate limited per mobile like the OTP routes (closed when the store
//! is down), and its idempotency keys are scoped to `mobile:<number>`.

use std::future::{Ready, ready};

use actix_web::dev::{Payload, ServiceRequest};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use infra::Actor;
use user_auth::Authenticated;

use super::problem::ApiError;
use crate::state::AppState;

/// Routes (and everything below them) that also take an onboarding token.
pub const ONBOARDING_ROUTES: &[&str] = &["/api/v1/partners/applications"];

/// Whether `path` is one of [`ONBOARDING_ROUTES`] or below one.
pub fn is_onboarding_route(path: &str) -> bool {
    ONBOARDING_ROUTES.iter().any(|route| {
        path.strip_prefix(route)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The verified mobile of an applicant, kept in the request extensions.
#[derive(Clone, Debug)]
pub struct Applicant {
    /// Normalized, `+919876543210`.
    pub mobile: String,
}

/// Accepts `token` as an onboarding token on an onboarding route: charges the
/// mobile's bucket and keeps the [`Applicant`]; `Err` holds the answer to
/// send instead (the refusal of the rate limit), `Ok(false)` means the token
/// is no onboarding token.
pub async fn admit(req: &ServiceRequest, state: &AppState, token: &str) -> Result<bool, HttpResponse> {
    if !is_onboarding_route(req.path()) {
        return Ok(false);
    }
    let Ok(mobile) = state.auth.verify_onboarding(token).await else {
        return Ok(false);
    };
    let subject = format!("mobile:{mobile}");
    if let Some(refused) = super::rate_limit::charge(state, &state.limits.auth, &subject).await {
        return Err(refused);
    }
    req.extensions_mut().insert(Applicant { mobile });
    Ok(true)
}

/// Who calls an application route: staff (an access token) or the
/// applicant (an onboarding token), as the partners services take it.
pub struct PartnerCaller {
    actor: Actor,
    mobile: Option<String>,
}

impl PartnerCaller {
    /// The caller for the partners services.
    pub fn caller(&self) -> partners::Caller<'_> {
        match &self.mobile {
            Some(mobile) => partners::Caller::Applicant {
                actor: &self.actor,
                mobile: mobile.clone(),
            },
            None => partners::Caller::Staff(&self.actor),
        }
    }
}

/// The applicant's actor for `req`, if an onboarding token was admitted.
fn applicant(req: &HttpRequest) -> Option<PartnerCaller> {
    let found = req.extensions().get::<Applicant>().cloned()?;
    let client = super::auth::client_info(req);
    let mut actor = Actor::applicant(found.mobile.clone(), client.ip);
    actor.request_id = client.request_id;
    actor.idempotency = req.extensions().get::<infra::IdempotencyKey>().cloned();
    Some(PartnerCaller {
        actor,
        mobile: Some(found.mobile),
    })
}

impl FromRequest for PartnerCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.extensions().get::<Authenticated>().is_none()
            && let Some(found) = applicant(req)
        {
            return ready(Ok(found));
        }
        let staff = super::auth::Caller::from_request(req, payload).into_inner();
        ready(staff.map(|c| PartnerCaller {
            actor: c.0,
            mobile: None,
        }))
    }
}

/// The idempotency scope of an admitted applicant.
pub fn idempotency_scope(req: &ServiceRequest) -> Option<String> {
    let found = req.extensions().get::<Applicant>().cloned()?;
    Some(Actor::applicant(found.mobile, None).idempotency_scope())
}
