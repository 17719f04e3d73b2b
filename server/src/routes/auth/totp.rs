//! The authenticator second factor: set up, confirm, disable.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::secret;
use crate::http::auth::Caller;
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// A TOTP code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCodeBody {
    /// The authenticator's current 6-digit code.
    pub code: String,
}

/// Starts setting up the authenticator second factor: answers `secret` and `provisioning_uri`.
#[utoipa::path(post, path = "/api/v1/auth/totp/setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "`{secret, provisioning_uri}`")))]
pub async fn totp_setup(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let setup = state.auth.totp_setup(&caller.0).await?;
    Ok(secret(&setup))
}

/// Enables the second factor with a first code.
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "auth", security(("bearer" = [])), request_body = TotpCodeBody,
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
#[utoipa::path(post, path = "/api/v1/auth/totp/disable", tag = "auth", security(("bearer" = [])), request_body = TotpCodeBody,
    responses((status = 204)))]
pub async fn totp_disable(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<TotpCodeBody>,
) -> Result<HttpResponse, ApiError> {
    state.auth.totp_disable(&caller.0, &body.0.code).await?;
    Ok(HttpResponse::NoContent().finish())
}
