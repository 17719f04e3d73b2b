//! A user's own sessions: logging out, listing them, ending one or all the
//! others, and checking that a session is still open.

use infra::write::write;
use infra::{Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::sessions::{self, entity::session};

use crate::dto::{Authenticated, SessionView};
use crate::error::AuthError;
use crate::service::AuthService;

impl<I: Infra> AuthService<I> {
    /// Ends the caller's session and denies the token it used.
    pub async fn logout(&self, who: &Authenticated) -> Result<(), AuthError> {
        let sid = who.claims.sid;
        let written = write(&self.infra, &who.actor, move |tx| {
            Box::pin(async move { sessions::revoke(tx, sid, "logout").await })
        })
        .await?;
        let mut ended = written.value;
        ended.push(sid);
        for sid in &ended {
            self.claims.forget_session(*sid);
        }
        sessions::publish_revoked(self.infra.kv(), &ended, &[who.claims.jti], &self.config).await;
        Ok(())
    }

    /// The caller's sessions that are still open, newest first, the current one marked.
    pub async fn sessions(&self, who: &Authenticated) -> Result<Vec<SessionView>, AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let now = self.infra.clock().now();
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::CreatedAt)
            .all(self.infra.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionView::from_row(s, who.claims.sid))
            .collect())
    }

    /// Ends one of the caller's own sessions (another user's is answered as not found).
    pub async fn revoke_session(&self, who: &Authenticated, session_id: Uuid) -> Result<(), AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let owned = session::Entity::find_by_id(session_id)
            .one(self.infra.db())
            .await?
            .filter(|s| s.user_id == user_id);
        if owned.is_none() {
            return Err(AuthError::Service(ServiceError::NotFound("session")));
        }
        self.end_sessions(who, move |tx| {
            Box::pin(async move { sessions::revoke(tx, session_id, "revoked").await })
        })
        .await
    }

    /// Ends every session of the caller except the current one.
    pub async fn revoke_other_sessions(&self, who: &Authenticated) -> Result<(), AuthError> {
        let user_id = who.actor.user_id.ok_or(AuthError::InvalidToken)?;
        let current = who.claims.sid;
        self.end_sessions(who, move |tx| {
            Box::pin(async move { sessions::revoke_others(tx, user_id, current, "revoked").await })
        })
        .await
    }

    async fn end_sessions<F>(&self, who: &Authenticated, revoke: F) -> Result<(), AuthError>
    where
        F: for<'c> FnOnce(&'c infra::WriteTx) -> futures::future::BoxFuture<'c, Result<Vec<Uuid>, AuthError>>
            + Send,
    {
        let ended = write(&self.infra, &who.actor, revoke).await?.value;
        for sid in &ended {
            self.claims.forget_session(*sid);
        }
        sessions::publish_revoked(self.infra.kv(), &ended, &[], &self.config).await;
        Ok(())
    }

    /// Whether session `sid` of `user_id` may still be used: not revoked, not
    /// expired, its user active. Long-lived connections (WebSockets) ask this
    /// periodically, after their token was checked once at the start.
    pub async fn check_session(&self, sid: Uuid, user_id: Uuid) -> Result<(), AuthError> {
        match sessions::is_marked_revoked(self.infra.kv(), sid, None).await {
            Ok(true) => return Err(AuthError::Revoked),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "revocation marks unreadable; relying on the session row"),
        }
        sessions::principal(
            &self.infra,
            self.partner_lookup.as_deref(),
            sid,
            user_id,
            self.infra.clock().now(),
        )
        .await
        .map(|_| ())
    }
}
