//! The auth module (`user_auth`): login, tokens, sessions, second factor and
//! sub-users under `/api/v1/auth`, and the public keys at the root.

pub mod login;
pub mod sessions;
pub mod sub_users;

use actix_web::{HttpResponse, web};
use utoipa::OpenApi;

use crate::modules::Module;
use crate::realtime::{Area, Scope};

use login::{
    login, login_totp, logout, me, otp_send, otp_verify, profile, refresh, totp_confirm, totp_disable,
    totp_setup,
};
use sessions::{revoke_others, revoke_session, sessions};
use sub_users::{sub_user_create, sub_user_delete, sub_user_disable, sub_user_enable, sub_user_list};

/// The entry of the auth module.
pub const MODULE: Module = Module {
    root,
    api: configure,
    openapi: <Doc as OpenApi>::openapi,
    areas: AREAS,
    ..Module::new("auth")
};

/// Session events reach whoever manages users, and each user's own channel.
const AREAS: &[Area] = &[Area::new(
    user_auth::TOPIC,
    &["session"],
    settings::capabilities::USER_MANAGE,
    Scope::Organization,
)];

/// A 200 answer holding secrets (tokens, a TOTP secret): never stored by a cache.
fn secret<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}

/// Registers the public keys at the root.
fn root(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/.well-known/jwks.json").route(web::get().to(login::jwks)));
}

/// Registers the auth routes under `/api/v1/auth`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/auth")
            .route("/login", web::post().to(login))
            .route("/login/totp", web::post().to(login_totp))
            .route("/profile", web::post().to(profile))
            .route("/totp/setup", web::post().to(totp_setup))
            .route("/totp/confirm", web::post().to(totp_confirm))
            .route("/totp/disable", web::post().to(totp_disable))
            .route("/refresh", web::post().to(refresh))
            .route("/otp/send", web::post().to(otp_send))
            .route("/otp/verify", web::post().to(otp_verify))
            .route("/logout", web::post().to(logout))
            .route("/me", web::get().to(me))
            .route("/sub-users", web::post().to(sub_user_create))
            .route("/sub-users", web::get().to(sub_user_list))
            .route("/sub-users/{user_id}", web::delete().to(sub_user_delete))
            .route("/sub-users/{user_id}/disable", web::post().to(sub_user_disable))
            .route("/sub-users/{user_id}/enable", web::post().to(sub_user_enable))
            .route("/sessions", web::get().to(sessions))
            .route("/sessions", web::delete().to(revoke_others))
            .route("/sessions/{session_id}", web::delete().to(revoke_session)),
    );
}

/// The auth paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        login::login, login::refresh, login::otp_send, login::otp_verify, login::login_totp,
        login::profile, login::logout, login::me, login::jwks,
        login::totp_setup, login::totp_confirm, login::totp_disable,
        sessions::sessions, sessions::revoke_session, sessions::revoke_others,
        sub_users::sub_user_create, sub_users::sub_user_list, sub_users::sub_user_disable,
        sub_users::sub_user_enable, sub_users::sub_user_delete,
    ),
    tags((name = "auth", description = "Login, tokens and sessions")),
)]
struct Doc;
