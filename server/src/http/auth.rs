//! Authentication of every `/api/v1` route: a middleware that verifies the
//! bearer token (default deny: only [`PUBLIC_ROUTES`] pass without one; the
//! application routes also take an onboarding token, see
//! [`super::applicant`]) and extractors that hand handlers the caller.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, USER_AGENT, WWW_AUTHENTICATE};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, ResponseError, web};
use infra::Actor;
use user_auth::{Authenticated, ClientInfo};

use super::context::RequestId;
use super::problem::ApiError;
use crate::state::AppState;

/// Routes under `/api/v1` that take no access token: the token routes. Their
/// answers hold secrets, so idempotency never stores them, and they are rate
/// limited per address and closed when the store is down.
pub const PUBLIC_ROUTES: &[&str] = &[
    "/api/v1/auth/login",
    "/api/v1/auth/login/totp",
    "/api/v1/auth/refresh",
    "/api/v1/auth/otp/send",
    "/api/v1/auth/otp/verify",
];

/// The route that also takes its token as the `access_token` query parameter
/// (browsers cannot set headers on a WebSocket).
pub const WEBSOCKET_ROUTE: &str = "/api/v1/ws";

fn bearer(req: &ServiceRequest) -> Option<String> {
    if req.path() == WEBSOCKET_ROUTE && req.headers().get(AUTHORIZATION).is_none() {
        return serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v)
            .filter(|t| !t.is_empty());
    }
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn challenge(error: ApiError) -> actix_web::HttpResponse {
    let mut response = error.error_response();
    if response.status() == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Whether a suspended partner's user is refused `req`: every write but the
/// user's own sign-in and sessions under `/api/v1/auth/` (logging out,
/// revoking sessions, the second factor); sub-users are the partner's and refused.
fn refused_while_suspended(req: &ServiceRequest) -> bool {
    use actix_web::http::Method;
    let path = req.path();
    let own_access = path.starts_with("/api/v1/auth/") && !path.starts_with("/api/v1/auth/sub-users");
    !matches!(*req.method(), Method::GET | Method::HEAD) && !own_access
}

/// Verifies the access token of every non-public `/api/v1` request and keeps
/// the [`Authenticated`] caller in the request extensions.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let unrouted = !req.request().resource_map().has_resource(req.path());
    if unrouted || PUBLIC_ROUTES.contains(&req.path()) || req.method() == actix_web::http::Method::OPTIONS {
        // Unknown paths go on to their 404; preflights carry no token.
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.into_response(
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "state missing",
            )
            .error_response(),
        ));
    };
    let Some(token) = bearer(&req) else {
        let error = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send an access token as Authorization: Bearer <token>; get one at /api/v1/auth/login",
        );
        return Ok(req.into_response(challenge(error)));
    };
    let mut policy = None;
    let authenticated = state
        .auth
        .authenticate_charging(&token, |who| {
            let (p, subject) = super::rate_limit::user_policy(&state, who)?;
            let key = super::rate_limit::bucket_key(&p, &subject);
            let quota = p.quota;
            policy = Some(p);
            Some((key, quota))
        })
        .await;
    match authenticated {
        Ok((who, decision)) => {
            if who.partner_suspended && refused_while_suspended(&req) {
                let error = ApiError::new(
                    StatusCode::FORBIDDEN,
                    "partner_suspended",
                    "your business partner is suspended: you may read, not change anything",
                );
                return Ok(req.into_response(error.error_response()));
            }
            req.extensions_mut().insert(who);
            if let (Some(policy), Some(decision)) = (policy, decision) {
                req.extensions_mut()
                    .insert(super::rate_limit::Charged { policy, decision });
            }
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Err(e) => {
            match super::applicant::admit(&req, &state, &token).await {
                Ok(true) => return next.call(req).await.map(ServiceResponse::map_into_boxed_body),
                Err(refused) => return Ok(req.into_response(refused)),
                Ok(false) => {}
            }
            if let Some(refused) = super::rate_limit::charge_refused_token(&req, &state).await {
                return Ok(req.into_response(refused));
            }
            Ok(req.into_response(challenge(e.into())))
        }
    }
}

/// The authenticated caller as an [`Actor`], with the request id and client address.
pub struct Caller(pub Actor);

/// The authenticated caller with the claims of its token.
pub struct CallerToken(pub Authenticated);

/// The authenticated caller, its actor completed with this request's id,
/// client address and idempotency key.
fn authenticated(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let mut who = req.extensions().get::<Authenticated>().cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "this route needs an access token",
        )
    })?;
    let client = client_info(req);
    who.actor.request_id = client.request_id;
    who.actor.client_addr = client.ip;
    who.actor.idempotency = req.extensions().get::<infra::IdempotencyKey>().cloned();
    Ok(who)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated(req).map(|who| Caller(who.actor)))
    }
}

impl FromRequest for CallerToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated(req).map(CallerToken))
    }
}

/// Where the request comes from.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    ClientInfo {
        user_agent: req
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: {
            let trusted = req
                .app_data::<web::Data<AppState>>()
                .map(|s| s.limits.trusted.clone())
                .unwrap_or_default();
            super::rate_limit::client_ip(req.peer_addr(), req.headers(), &trusted).map(|ip| ip.to_string())
        },
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}

/// The client of a public route.
pub struct Client(pub ClientInfo);

impl FromRequest for Client {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Client(client_info(req))))
    }
}
