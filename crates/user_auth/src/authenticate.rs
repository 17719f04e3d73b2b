//! Authentication of a request's access token: the signature (once per token
//! per instance, [`crate::claims_cache`]), the revocation marks, the session's
//! principal and the capabilities in force.
//!
//! A hot request costs one round trip to the store: when the principal and the
//! capabilities are in this instance's near cache, the revocation marks, the
//! rate-limit take and the number of the last invalidation are read by one
//! script ([`infra::Kv::request_check`]). If that number shows the near cache
//! is behind, the caller is resolved again from the store before it is
//! answered, so a change made on another instance is never missed.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use infra::kv::{GcraDecision, Quota};
use infra::{Actor, Infra};
use settings::users::UserKind;

use crate::error::AuthError;
use crate::service::{AuthService, Authenticated, RELOAD_INTERVAL_SECS};
use crate::sessions::{self, Principal};
use crate::tokens::{self, Claims};

/// A rate-limit bucket to charge with the request: its key and quota.
pub type Bucket = (String, Quota);

impl<I: Infra> AuthService<I> {
    /// Verifies an access token and answers the caller with the capabilities in
    /// force now. Refuses revoked tokens and sessions (kv marks, then the session
    /// row, which stays authoritative when the kv store lost or missed a mark) and
    /// disabled users.
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated, AuthError> {
        let now = self.infra.clock().now();
        let claims = self.verified(token, now).await?;
        self.resolve(claims, now, true).await
    }

    /// [`AuthService::authenticate`], charging the bucket that `rate` picks
    /// for the caller in the same round trip when the caller is known to this
    /// instance's near cache; the decision is `None` when it was not charged
    /// (the caller then charges it on its own).
    pub async fn authenticate_charging(
        &self,
        token: &str,
        rate: impl FnOnce(&Authenticated) -> Option<Bucket>,
    ) -> Result<(Authenticated, Option<GcraDecision>), AuthError> {
        let now = self.infra.clock().now();
        let claims = self.verified(token, now).await?;
        let kv = self.infra.kv();
        if let Some(who) = self.near_caller(&claims, now) {
            let marks = sessions::mark_keys(claims.sid, claims.jti);
            let marks = [marks[0].as_str(), marks[1].as_str()];
            let bucket = rate(&who);
            match kv
                .request_check(&marks, bucket.as_ref().map(|(key, quota)| (key.as_str(), *quota)))
                .await
            {
                Ok(check) if check.marked => return Err(AuthError::Revoked),
                Ok(check) if kv.near().is_current() => return Ok((who, check.decision)),
                Ok(check) => return Ok((self.resolve(claims, now, false).await?, check.decision)),
                Err(e) => {
                    // The store is not answering: the near cache may miss what it
                    // was told, so the session row decides, as without it.
                    tracing::warn!(error = %e, "revocation marks unreadable; relying on the session row");
                    kv.near().clear();
                }
            }
        }
        Ok((self.resolve(claims, now, true).await?, None))
    }

    /// The claims of a token whose signature, issuer and lifetime hold.
    async fn verified(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, AuthError> {
        let leeway = self.config.leeway.num_seconds();
        if let Some(claims) = self.claims.get(token, now, leeway) {
            return Ok(claims);
        }
        let kid = tokens::key_id(token)?;
        if self.keys.read().await.verifying(&kid).is_none() {
            // Perhaps a key made by another instance's rotation: read the keys
            // again, at most once per interval.
            let last = self.last_reload.load(Ordering::Relaxed);
            if now.timestamp() - last >= RELOAD_INTERVAL_SECS
                && self
                    .last_reload
                    .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                self.reload_keys().await?;
            }
        }
        let claims = tokens::verify(&*self.keys.read().await, &self.config, token, now)?;
        self.claims.insert(token, claims.clone(), now);
        Ok(claims)
    }

    /// The caller from the near cache alone, revocation not yet checked.
    fn near_caller(&self, claims: &Claims, now: DateTime<Utc>) -> Option<Authenticated> {
        let principal = sessions::near_principal(self.infra.kv(), claims.sid, claims.sub, now)?;
        let capabilities = settings::capabilities::near_for_user(&self.infra, principal.user_id)?;
        caller(claims.clone(), principal, capabilities).ok()
    }

    /// The caller through the caches and the database; the marks are read
    /// first when `check_marks`.
    async fn resolve(
        &self,
        claims: Claims,
        now: DateTime<Utc>,
        check_marks: bool,
    ) -> Result<Authenticated, AuthError> {
        if check_marks {
            match sessions::is_marked_revoked(self.infra.kv(), claims.sid, Some(claims.jti)).await {
                Ok(true) => return Err(AuthError::Revoked),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "revocation marks unreadable; relying on the session row")
                }
            }
        }
        let principal = sessions::principal(
            &self.infra,
            self.partner_lookup.as_deref(),
            claims.sid,
            claims.sub,
            now,
        )
        .await?;
        let capabilities = settings::capabilities::for_user(&self.infra, principal.user_id).await?;
        caller(claims, principal, capabilities)
    }
}

fn caller(
    claims: Claims,
    principal: Principal,
    capabilities: std::collections::BTreeSet<String>,
) -> Result<Authenticated, AuthError> {
    let kind = UserKind::parse(&principal.kind).ok_or(AuthError::InvalidToken)?;
    let mut actor = Actor::user(kind.actor_kind(), principal.user_id, capabilities);
    actor.organization_id = principal.organization_id;
    actor.partner_id = principal.partner_id;
    actor.session_id = Some(claims.sid);
    Ok(Authenticated {
        actor,
        claims,
        partner_tier: principal.partner_tier,
        partner_suspended: principal.partner_suspended,
    })
}
