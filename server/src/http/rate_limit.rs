//! Rate limiting with GCRA through the kv store (one Lua script with Redis
//! time, shared by every instance; in process when embedded).
//!
//! Two passes on `/api/v1`: before authentication, requests without a token
//! and the token routes count per client address (IPv6 by /64); after it,
//! authenticated requests count per user by tier (SUPER_ADMIN: ADMIN, INTERNAL:
//! INTERNAL, EXTERNAL: their partner's tier, BASIC until set). Limited answers
//! carry `RateLimit-Policy` and `RateLimit` (IETF draft syntax); a refusal is
//! 429 problem+json with `Retry-After` in whole seconds rounded up. When the
//! store is unreachable, general traffic passes (logged and counted) and the
//! token routes answer 503. Preflight requests are not counted.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use infra::kv::{GcraDecision, Quota};
use infra::{ActorKind, Infra};
use user_auth::Authenticated;

pub use super::client_ip::{TrustedNet, address_subject, client_ip};
use super::problem::ApiError;
use crate::state::AppState;

/// `RateLimit-Policy`.
pub static POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit`.
pub static RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// A named quota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Name shown in the headers and metrics, such as `anonymous` or `tier-basic`.
    pub name: String,
    /// The quota.
    pub quota: Quota,
}

fn headers(policy: &Policy, decision: &GcraDecision) -> [(HeaderName, String); 2] {
    let window = policy.quota.period.as_secs();
    let reset = decision.reset_after.as_secs_f64().ceil() as u64;
    [
        (
            POLICY.clone(),
            format!("\"{}\";q={};w={window}", policy.name, policy.quota.rate),
        ),
        (
            RATE_LIMIT.clone(),
            format!("\"{}\";r={};t={reset}", policy.name, decision.remaining),
        ),
    ]
}

enum Verdict {
    Pass(Option<[(HeaderName, String); 2]>),
    Refuse(actix_web::HttpResponse),
}

fn verdict(state: &AppState, policy: &Policy, decision: GcraDecision) -> Verdict {
    if decision.allowed {
        return Verdict::Pass(Some(headers(policy, &decision)));
    }
    state.metrics.rate_limited(&policy.name);
    let retry = decision.retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!(
            "too many requests under policy {}; retry after {retry} seconds",
            policy.name
        ),
    )
    .with_retry_after(retry);
    let mut response = error.error_response();
    for (name, value) in headers(policy, &decision) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Verdict::Refuse(response)
}

async fn check(state: &AppState, policy: &Policy, subject: &str, fail_closed: bool) -> Verdict {
    match state
        .infra
        .kv()
        .gcra_take(&bucket_key(policy, subject), policy.quota, 1)
        .await
    {
        Ok(decision) => verdict(state, policy, decision),
        Err(e) if fail_closed => {
            state.metrics.rate_limit_store_error("closed");
            tracing::warn!(error = %e, "rate limit store unreachable; refusing an authentication request");
            Verdict::Refuse(
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "dependency_unavailable",
                    "authentication is paused while the rate-limit store is unreachable; retry shortly",
                )
                .error_response(),
            )
        }
        Err(e) => {
            state.metrics.rate_limit_store_error("open");
            tracing::warn!(error = %e, "rate limit store unreachable; letting the request through");
            Verdict::Pass(None)
        }
    }
}

async fn apply(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    pick: impl FnOnce(&ServiceRequest, &AppState) -> Option<(Policy, String, bool)>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let chosen = state
        .as_ref()
        .filter(|s| s.config.rate_limit_enabled && req.method() != Method::OPTIONS)
        .and_then(|s| pick(&req, s));
    let (Some(state), Some((policy, subject, fail_closed))) = (state, chosen) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let verdict = check(&state, &policy, &subject, fail_closed).await;
    finish(req, next, verdict).await
}

async fn finish(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    verdict: Verdict,
) -> Result<ServiceResponse<BoxBody>, Error> {
    match verdict {
        Verdict::Refuse(response) => Ok(req.into_response(response)),
        Verdict::Pass(headers) => {
            let mut response = next.call(req).await?.map_into_boxed_body();
            for (name, value) in headers.into_iter().flatten() {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
            Ok(response)
        }
    }
}

/// Before authentication: per client address, for requests without a token and for the token routes.
pub async fn limit_by_address(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    apply(req, next, |req, state| {
        // Token routes: limited per address before anything else, closed when the store is down.
        let auth_route = super::auth::PUBLIC_ROUTES.contains(&req.path());
        if !auth_route && req.headers().contains_key("authorization") {
            return None;
        }
        let ip = client_ip(req.peer_addr(), req.headers(), &state.limits.trusted)?;
        let policy = if auth_route {
            state.limits.auth.clone()
        } else {
            state.limits.anonymous.clone()
        };
        Some((policy, address_subject(ip), auth_route))
    })
    .await
}

/// Charges `subject` to `policy` like a token route (refused when the store
/// is unreachable): the refusal to send, if any.
pub async fn charge(state: &AppState, policy: &Policy, subject: &str) -> Option<actix_web::HttpResponse> {
    if !state.config.rate_limit_enabled {
        return None;
    }
    match check(state, policy, subject, true).await {
        Verdict::Refuse(response) => Some(response),
        Verdict::Pass(_) => None,
    }
}

/// Charges a request whose token was refused to its address's anonymous
/// bucket, so invalid tokens cannot bypass the limit; the refusal to send when
/// the bucket is empty.
pub async fn charge_refused_token(req: &ServiceRequest, state: &AppState) -> Option<actix_web::HttpResponse> {
    if !state.config.rate_limit_enabled {
        return None;
    }
    let ip = client_ip(req.peer_addr(), req.headers(), &state.limits.trusted)?;
    match check(state, &state.limits.anonymous, &address_subject(ip), false).await {
        Verdict::Refuse(response) => Some(response),
        Verdict::Pass(_) => None,
    }
}

/// The policy and subject of an authenticated caller: per user, by tier.
pub fn user_policy(state: &AppState, who: &Authenticated) -> Option<(Policy, String)> {
    if !state.config.rate_limit_enabled {
        return None;
    }
    let tier = match who.actor.kind {
        ActorKind::SuperAdmin => "ADMIN",
        ActorKind::Internal => "INTERNAL",
        // The partner's tier; BASIC when the partner's facts are not known.
        ActorKind::External => who.partner_tier.as_deref().unwrap_or("BASIC"),
        ActorKind::System | ActorKind::Anonymous => return None,
    };
    let policy = state.limits.tier(tier)?;
    Some((policy, who.actor.user_id?.to_string()))
}

/// The bucket key of `policy` for `subject`.
pub fn bucket_key(policy: &Policy, subject: &str) -> String {
    format!("rl:{}:{subject}", policy.name)
}

/// A request already charged to a policy while it was authenticated.
#[derive(Clone, Debug)]
pub struct Charged {
    /// The policy charged.
    pub policy: Policy,
    /// Its decision.
    pub decision: GcraDecision,
}

/// After authentication: per user, by tier (already charged when the
/// authentication could do it in its own round trip).
pub async fn limit_by_user(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let charged = req.extensions_mut().remove::<Charged>();
    if let Some(charged) = charged
        && let Some(state) = req.app_data::<web::Data<AppState>>().cloned()
    {
        let verdict = verdict(&state, &charged.policy, charged.decision);
        return finish(req, next, verdict).await;
    }
    apply(req, next, |req, state| {
        let who = req.extensions().get::<Authenticated>().cloned()?;
        let (policy, subject) = user_policy(state, &who)?;
        Some((policy, subject, false))
    })
    .await
}

/// The policies in force, from configuration.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Requests without a token, per address.
    pub anonymous: Policy,
    /// Token routes, per address.
    pub auth: Policy,
    /// Per-user tiers by name.
    pub tiers: Vec<Policy>,
    /// Proxies whose `X-Forwarded-For` counts.
    pub trusted: Vec<TrustedNet>,
}

impl Limits {
    /// The policy of `tier`.
    pub fn tier(&self, tier: &str) -> Option<Policy> {
        self.tiers
            .iter()
            .find(|p| {
                p.name
                    .strip_prefix("tier-")
                    .is_some_and(|t| t.eq_ignore_ascii_case(tier))
            })
            .cloned()
    }

    /// Reads `RATE_LIMIT_TIERS` (`NAME=rate/burst,...`), `RATE_LIMIT_ANONYMOUS`,
    /// `RATE_LIMIT_AUTH` (`rate/burst` per minute) and `TRUSTED_PROXIES`.
    pub fn parse(tiers: &str, anonymous: &str, auth: &str, trusted: &str) -> Result<Self, String> {
        let quota = |s: &str, what: &str| -> Result<Quota, String> {
            let (rate, burst) = s
                .trim()
                .split_once('/')
                .ok_or_else(|| format!("{what} must look like 60/20 (per minute / burst)"))?;
            let rate: u32 = rate
                .trim()
                .parse()
                .map_err(|_| format!("{what}: {rate} is not a whole number"))?;
            let burst: u32 = burst
                .trim()
                .parse()
                .map_err(|_| format!("{what}: {burst} is not a whole number"))?;
            if rate == 0 || burst == 0 {
                return Err(format!("{what}: rate and burst must be at least 1"));
            }
            Ok(Quota {
                rate,
                period: Duration::from_secs(60),
                burst,
            })
        };
        let mut parsed = Vec::new();
        for entry in tiers.split(',').filter(|e| !e.trim().is_empty()) {
            let (name, q) = entry
                .split_once('=')
                .ok_or("RATE_LIMIT_TIERS must look like BASIC=30/5,PREMIUM=100/20")?;
            parsed.push(Policy {
                name: format!("tier-{}", name.trim().to_lowercase()),
                quota: quota(q, "RATE_LIMIT_TIERS")?,
            });
        }
        let mut nets = Vec::new();
        for net in trusted.split(',').filter(|n| !n.trim().is_empty()) {
            nets.push(
                TrustedNet::parse(net)
                    .ok_or_else(|| format!("TRUSTED_PROXIES: {net} is not an address or network"))?,
            );
        }
        Ok(Self {
            anonymous: Policy {
                name: "anonymous".into(),
                quota: quota(anonymous, "RATE_LIMIT_ANONYMOUS")?,
            },
            auth: Policy {
                name: "auth".into(),
                quota: quota(auth, "RATE_LIMIT_AUTH")?,
            },
            tiers: parsed,
            trusted: nets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_subjects() {
        let net = TrustedNet::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.1.2.3".parse().unwrap()));
        assert!(TrustedNet::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(TrustedNet::parse("10.0.0.0/40").is_none());
        assert_eq!(
            address_subject("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address_subject("2001:db8:1:2:ffff::1".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
    }

    #[test]
    fn limits_parse_and_name_bad_settings() {
        let limits = Limits::parse("BASIC=30/5,ADMIN=10000/1000", "60/20", "10/5", "10.0.0.0/8").unwrap();
        assert_eq!(limits.tier("BASIC").unwrap().quota, Quota::per_minute(30, 5));
        assert!(
            Limits::parse("BASIC", "60/20", "10/5", "")
                .unwrap_err()
                .contains("RATE_LIMIT_TIERS")
        );
        assert!(
            Limits::parse("", "60", "10/5", "")
                .unwrap_err()
                .contains("RATE_LIMIT_ANONYMOUS")
        );
        assert!(
            Limits::parse("", "60/20", "10/5", "nowhere")
                .unwrap_err()
                .contains("TRUSTED_PROXIES")
        );
    }
}
