//! User management steps that involve credentials or sessions: creating a
//! user with a password, and disabling one (which ends its sessions at once).

use infra::write::write;
use infra::{Actor, Infra, Written};
use settings::users::{CreateUser, User, UserService};
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::{password, sessions};

/// Accounts over any [`Infra`].
#[derive(Clone)]
pub struct AccountService<I: Infra> {
    infra: I,
    users: UserService<I>,
    config: AuthConfig,
}

impl<I: Infra> AccountService<I> {
    /// A service over `infra`, revoking with the lifetimes of `config`.
    pub fn new(infra: I, config: AuthConfig) -> Self {
        Self {
            users: UserService::new(infra.clone()),
            infra,
            config,
        }
    }

    /// Creates a user, checking and hashing the password for INTERNAL and SUPER_ADMIN users.
    pub async fn create_user(
        &self,
        actor: &Actor,
        mut input: CreateUser,
    ) -> Result<Written<User>, AuthError> {
        let hash = match input.password.take() {
            Some(plain) => {
                password::check_policy(&plain)?;
                Some(password::hash(plain).await?)
            }
            None => None,
        };
        Ok(self.users.create(actor, input, hash).await?)
    }

    /// Creates a SUPER_ADMIN as the system (the `server admin create` command).
    pub async fn create_super_admin(
        &self,
        email: &str,
        password: &str,
        full_name: &str,
    ) -> Result<User, AuthError> {
        let input = CreateUser {
            kind: "SUPER_ADMIN".into(),
            email: Some(email.to_owned()),
            password: Some(password.to_owned()),
            full_name: full_name.to_owned(),
            ..CreateUser::default()
        };
        Ok(self.create_user(&Actor::system(), input).await?.value)
    }

    /// Disables or enables a user; disabling ends every session of the user at once.
    pub async fn set_active(
        &self,
        actor: &Actor,
        id: Uuid,
        active: bool,
    ) -> Result<Written<User>, AuthError> {
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let user = settings::users::set_active(tx, id, active).await?;
                let ended = if active {
                    Vec::new()
                } else {
                    sessions::revoke_all_for_user(tx, id, "user_disabled").await?
                };
                Ok::<_, AuthError>((user, ended))
            })
        })
        .await?;
        let (user, ended) = written.value;
        sessions::publish_revoked(self.infra.kv(), &ended, &[], &self.config).await;
        Ok(Written {
            value: user,
            replayed: written.replayed,
        })
    }
}
