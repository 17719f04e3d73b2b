//! Login (password, OTP), the authenticator second factor, refresh, logout,
//! the caller's own user and profile, the public keys.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::secret;
use crate::http::auth::{Caller, CallerToken, Client};
use crate::http::json::ApiJson;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Login body.
#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    /// The account's e-mail.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// Refresh body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    /// The refresh token of the last pair.
    pub refresh_token: String,
}

/// A token pair.
#[derive(serde::Serialize, ToSchema)]
pub struct TokenPairDoc {
    /// JWT for `Authorization: Bearer`, 15 minutes.
    pub access_token: String,
    /// Single-use refresh token, 30 days.
    pub refresh_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// Password login (INTERNAL and SUPER_ADMIN users). Five failures in 15 minutes
/// lock the account for 15 minutes (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", operation_id = "auth.login", tag = "auth", request_body = LoginBody, responses(
    (status = 200, body = TokenPairDoc),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    state: web::Data<AppState>,
    client: Client,
    body: ApiJson<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let request = user_auth::LoginRequest {
        email: body.0.email,
        password: body.0.password,
    };
    let step = state.auth.begin_login(request, &client.0).await?;
    Ok(secret(&step))
}

/// Exchanges a refresh token for a new pair. A token used twice (outside a
/// 2-second window for parallel refreshes) ends the session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", operation_id = "auth.refresh", tag = "auth", request_body = RefreshBody, responses(
    (status = 200, body = TokenPairDoc),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn refresh(
    state: web::Data<AppState>,
    client: Client,
    body: ApiJson<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state.auth.refresh(&body.0.refresh_token, &client.0).await?;
    Ok(secret(&pair))
}

/// Ends the current session; its tokens stop working on every instance.
#[utoipa::path(post, path = "/api/v1/auth/logout", operation_id = "auth.logout", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
pub async fn logout(state: web::Data<AppState>, caller: CallerToken) -> Result<HttpResponse, ApiError> {
    state.auth.logout(&caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own user.
#[utoipa::path(get, path = "/api/v1/auth/me", operation_id = "auth.me", tag = "auth", security(("bearer" = [])), responses((status = 200, description = "The user")))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.0.user_id.unwrap_or_default();
    let user = state.users.get(&caller.0, id).await?;
    Ok(crate::http::etag::versioned(
        actix_web::http::StatusCode::OK,
        &user,
        user.version,
        None,
    ))
}

/// The public keys that verify access tokens (JWKS).
#[utoipa::path(get, path = "/.well-known/jwks.json", operation_id = "auth.jwks", tag = "auth", responses((status = 200, description = "JWK set")))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.auth.jwks().await)
}

/// OTP send body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtpSendBody {
    /// Mobile number, such as +919876543210 (10 digits get +91).
    pub mobile: String,
}

/// OTP verify body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OtpVerifyBody {
    /// The number the code was sent to.
    pub mobile: String,
    /// The 6-digit code.
    pub otp: String,
}

/// Sends a 6-digit code by SMS (valid 5 minutes; resend after 60 s; 5 an hour
/// per number, 20 per address). The answer never holds the code.
#[utoipa::path(post, path = "/api/v1/auth/otp/send", operation_id = "auth.otp.send", tag = "auth", request_body = OtpSendBody, responses(
    (status = 200, description = "`{\"sent\": true, \"expires_in\": 300, \"resend_after\": 60}`"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn otp_send(
    state: web::Data<AppState>,
    client: Client,
    body: ApiJson<OtpSendBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.send_otp(&body.0.mobile, &client.0).await?;
    let answer = serde_json::json!({
        "sent": true,
        "expires_in": user_auth::otp::CODE_LIFE.as_secs(),
        "resend_after": user_auth::otp::RESEND_AFTER.as_secs(),
    });
    Ok(HttpResponse::Ok().json(answer))
}

/// Verifies a code: a known EXTERNAL user gets a session (as from login) with
/// `next_step` and `profile_complete`; an unknown number gets an
/// `onboarding_token` and `next_step: start_onboarding`. Three wrong tries burn the code.
#[utoipa::path(post, path = "/api/v1/auth/otp/verify", operation_id = "auth.otp.verify", tag = "auth", request_body = OtpVerifyBody, responses(
    (status = 200, description = "Tokens or an onboarding token, with next_step"),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn otp_verify(
    state: web::Data<AppState>,
    client: Client,
    body: ApiJson<OtpVerifyBody>,
) -> Result<HttpResponse, ApiError> {
    let login = state
        .auth
        .verify_otp(&body.0.mobile, &body.0.otp, &client.0)
        .await?;
    Ok(secret(&login))
}

/// Second-factor login body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginTotpBody {
    /// From the password login's answer.
    pub second_factor_token: String,
    /// The authenticator's current 6-digit code.
    pub code: String,
}

/// A TOTP code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCodeBody {
    /// The authenticator's current 6-digit code.
    pub code: String,
}

/// Finishes a password login with the authenticator code; a code is accepted once.
#[utoipa::path(post, path = "/api/v1/auth/login/totp", operation_id = "auth.login.totp", tag = "auth", request_body = LoginTotpBody, responses(
    (status = 200, body = TokenPairDoc), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn login_totp(
    state: web::Data<AppState>,
    client: Client,
    body: ApiJson<LoginTotpBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = state
        .auth
        .login_totp(&body.0.second_factor_token, &body.0.code, &client.0)
        .await?;
    Ok(secret(&pair))
}

/// Starts setting up the authenticator second factor: answers `secret` and `provisioning_uri`.
#[utoipa::path(post, path = "/api/v1/auth/totp/setup", operation_id = "auth.totp.setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "`{secret, provisioning_uri}`")))]
pub async fn totp_setup(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let setup = state.auth.totp_setup(&caller.0).await?;
    Ok(secret(&setup))
}

/// Enables the second factor with a first code.
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", operation_id = "auth.totp.confirm", tag = "auth", security(("bearer" = [])), request_body = TotpCodeBody,
    responses((status = 204)))]
pub async fn totp_confirm(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<TotpCodeBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.totp_confirm(&caller.0, &body.0.code).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disables the second factor; needs a current code.
#[utoipa::path(post, path = "/api/v1/auth/totp/disable", operation_id = "auth.totp.disable", tag = "auth", security(("bearer" = [])), request_body = TotpCodeBody,
    responses((status = 204)))]
pub async fn totp_disable(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<TotpCodeBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.totp_disable(&caller.0, &body.0.code).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Profile body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// 2..200 characters.
    pub full_name: String,
    /// Optional e-mail.
    pub email: Option<String>,
}

/// Completes the caller's own profile (`full_name`, optional `email`).
#[utoipa::path(post, path = "/api/v1/auth/profile", operation_id = "auth.profile", tag = "auth", security(("bearer" = [])), request_body = ProfileBody,
    responses((status = 200, description = "The user"), (status = 422, description = "Invalid fields")))]
pub async fn profile(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .auth
        .complete_profile(&caller.0, &body.0.full_name, body.0.email.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(user))
}
