//! The optional TOTP second factor of INTERNAL and SUPER_ADMIN users: set up
//! (answers the provisioning URI), confirm with a first code, disable with a
//! code; while enabled, a password login answers a short-lived second-factor
//! token to finish at `/api/v1/auth/login/totp`. A code is accepted once: the
//! last accepted time step is kept and only later steps pass. Also the
//! caller's own profile completion.

use infra::ServiceError;
use infra::change::{Change, record_unchanged};
use infra::rows::save_if_changed;
use infra::write::write;
use infra::{Actor, Infra};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use settings::users::entity::user;
use uuid::Uuid;

use crate::error::AuthError;
use crate::service::{AuthService, ClientInfo, TokenPair};
use crate::{lockout, tokens, totp};

/// What a TOTP set-up answers.
#[derive(Clone, Debug, Serialize)]
pub struct TotpSetup {
    /// The base32 secret, for typing in.
    pub secret: String,
    /// The `otpauth://` URI, for a QR code.
    pub provisioning_uri: String,
}

impl<I: Infra> AuthService<I> {
    /// Starts TOTP set-up for the caller (INTERNAL or SUPER_ADMIN); confirm with a code to enable.
    pub async fn totp_setup(&self, actor: &Actor) -> Result<TotpSetup, AuthError> {
        let me = self.own_row(actor).await?;
        if me.kind == "EXTERNAL" {
            return Err(ServiceError::OutOfScope(
                "the authenticator second factor is for INTERNAL and SUPER_ADMIN users",
            )
            .into());
        }
        if me.totp_enabled {
            return Err(ServiceError::conflict(
                "totp_already_enabled",
                "the authenticator is already enabled; disable it first",
            )
            .into());
        }
        let secret = totp::generate_secret();
        let account = me.email.clone().unwrap_or_else(|| me.id.to_string());
        let uri = totp::provisioning_uri(&self.config().issuer, &account, &secret);
        let stored = secret.clone();
        write(self.infra(), actor, move |tx| {
            Box::pin(async move {
                user::Entity::update_many()
                    .col_expr(user::Column::TotpSecret, Expr::value(stored))
                    .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
                    .filter(user::Column::Id.eq(me.id))
                    .exec(tx.db())
                    .await?;
                tx.audit("user.totp_setup", "user", &me.id.to_string(), None)
                    .await?;
                Ok::<_, AuthError>(())
            })
        })
        .await?;
        Ok(TotpSetup {
            secret,
            provisioning_uri: uri,
        })
    }

    /// Enables the second factor with a first code from the authenticator.
    pub async fn totp_confirm(&self, actor: &Actor, code: &str) -> Result<(), AuthError> {
        self.totp_switch(actor, code, true).await
    }

    /// Disables the second factor; needs a current code.
    pub async fn totp_disable(&self, actor: &Actor, code: &str) -> Result<(), AuthError> {
        self.totp_switch(actor, code, false).await
    }

    async fn totp_switch(&self, actor: &Actor, code: &str, enable: bool) -> Result<(), AuthError> {
        check_code_format(code)?;
        let me = self.own_row(actor).await?;
        if me.totp_enabled == enable || me.totp_secret.is_none() {
            let message = if enable {
                "start with /api/v1/auth/totp/setup"
            } else {
                "the authenticator is not enabled"
            };
            return Err(ServiceError::conflict("totp_state", message).into());
        }
        self.spend_code(me.id, me.totp_secret.as_deref().unwrap_or_default(), code)
            .await?;
        write(self.infra(), actor, move |tx| {
            Box::pin(async move {
                let mut update =
                    user::Entity::update_many().col_expr(user::Column::TotpEnabled, Expr::value(enable));
                if !enable {
                    update = update.col_expr(user::Column::TotpSecret, Expr::value(Option::<String>::None));
                }
                update.filter(user::Column::Id.eq(me.id)).exec(tx.db()).await?;
                let action = if enable {
                    "user.totp_enable"
                } else {
                    "user.totp_disable"
                };
                tx.audit(action, "user", &me.id.to_string(), None).await?;
                Ok::<_, AuthError>(())
            })
        })
        .await?;
        Ok(())
    }

    /// A token to finish a password login of `user_id` with its authenticator code.
    pub(crate) async fn second_factor_token(&self, user_id: Uuid) -> Result<String, AuthError> {
        let keys = self.keys().await;
        tokens::issue_purpose(
            &keys,
            self.config(),
            &user_id.to_string(),
            "second_factor",
            tokens::SECOND_FACTOR_TTL,
            self.infra().clock().now(),
        )
    }

    /// Finishes a login that needed the second factor.
    pub async fn login_totp(
        &self,
        token: &str,
        code: &str,
        client: &ClientInfo,
    ) -> Result<TokenPair, AuthError> {
        check_code_format(code)?;
        let keys = self.keys().await;
        let subject = tokens::verify_purpose(
            &keys,
            self.config(),
            token,
            "second_factor",
            self.infra().clock().now(),
        )?;
        let user_id: Uuid = subject.parse().map_err(|_| AuthError::InvalidToken)?;
        let me = settings::users::find(self.infra().db(), user_id)
            .await?
            .filter(|u| u.is_active && u.totp_enabled)
            .ok_or(AuthError::InvalidToken)?;
        let email = me.email.clone().unwrap_or_default();
        lockout::check(self.infra().kv(), self.infra().clock(), &email).await?;
        if let Err(e) = self
            .spend_code(me.id, me.totp_secret.as_deref().unwrap_or_default(), code)
            .await
        {
            lockout::record_failure(self.infra().kv(), self.infra().clock(), self.config(), &email).await?;
            return Err(e);
        }
        lockout::clear(self.infra().kv(), &email).await?;
        self.open_session(&me, client).await
    }

    /// Accepts `code` once: its step must be later than the last accepted one.
    async fn spend_code(&self, user_id: Uuid, secret: &str, code: &str) -> Result<(), AuthError> {
        let step =
            totp::matching_step(secret, code, self.infra().clock().now()).ok_or(AuthError::InvalidTotp)?;
        let result = user::Entity::update_many()
            .col_expr(user::Column::TotpLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(user_id))
            .filter(
                user::Column::TotpLastStep
                    .is_null()
                    .or(user::Column::TotpLastStep.lt(step)),
            )
            .exec(self.infra().db())
            .await?;
        if result.rows_affected == 1 {
            Ok(())
        } else {
            Err(AuthError::InvalidTotp)
        }
    }

    /// Completes the caller's own profile: `full_name` (2..200) and optionally `email`.
    pub async fn complete_profile(
        &self,
        actor: &Actor,
        full_name: &str,
        email: Option<&str>,
    ) -> Result<settings::users::User, AuthError> {
        let me = self.own_row(actor).await?;
        let mut v = infra::Validator::new();
        let name = full_name.trim().to_owned();
        v.check(
            (2..=200).contains(&name.chars().count()),
            "full_name",
            "must be 2 to 200 characters",
        );
        let email = email.and_then(|e| v.take("email", settings::users::normalize_email(e)));
        v.finish()?;
        write(self.infra(), actor, move |tx| {
            Box::pin(async move {
                if let Some(email) = &email {
                    let taken = user::Entity::find()
                        .filter(user::Column::Email.eq(email.as_str()))
                        .filter(user::Column::Id.ne(me.id))
                        .one(tx.db())
                        .await?;
                    if taken.is_some() {
                        return Err(ServiceError::Taken {
                            field: "email",
                            value: email.clone(),
                        }
                        .into());
                    }
                }
                let before = user::Entity::find_by_id(me.id)
                    .one(tx.db())
                    .await?
                    .ok_or(ServiceError::NotFound("user"))?;
                let mut next = before.clone();
                next.full_name = name;
                if let Some(email) = email {
                    next.email = Some(email);
                }
                let mut changes = serde_json::Map::new();
                if next.full_name != before.full_name {
                    changes.insert(
                        "full_name".into(),
                        serde_json::json!({"old": before.full_name, "new": next.full_name}),
                    );
                }
                if next.email != before.email {
                    changes.insert(
                        "email".into(),
                        serde_json::json!({"old": before.email, "new": next.email}),
                    );
                }
                let (after, changed) = save_if_changed(tx, &before, next).await?;
                let change = Change::new(
                    settings::users::TOPIC,
                    "UserUpdated",
                    "user.complete_profile",
                    "user",
                    after.id,
                    after.version,
                );
                let payload = serde_json::json!({ "changes": changes });
                if changed {
                    tx.record(change, payload).await?;
                } else {
                    record_unchanged(tx, change, payload).await?;
                }
                Ok::<_, AuthError>(())
            })
        })
        .await?;
        Ok(settings::users::UserService::new(self.infra().clone())
            .get(&Actor::system(), me.id)
            .await?)
    }

    async fn own_row(&self, actor: &Actor) -> Result<user::Model, AuthError> {
        let id = actor.user_id.ok_or(AuthError::InvalidToken)?;
        settings::users::find(self.infra().db(), id)
            .await?
            .ok_or(AuthError::Revoked)
    }
}

/// An authenticator code is six digits; anything else is refused before any
/// lookup, naming the field.
fn check_code_format(code: &str) -> Result<(), AuthError> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(infra::ValidationError::field("code", "must be the 6 digits the authenticator shows").into())
    }
}
