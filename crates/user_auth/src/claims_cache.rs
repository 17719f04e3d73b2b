//! Verified access-token claims, kept per token (by the SHA-256 of the token)
//! so that an Ed25519 signature is checked once per token per instance, not on
//! every request. Bounded; an entry is never served past the token's `exp`
//! (nor before its `iat`, should the clock move back); a session's entries are
//! dropped when it is revoked here, and every entry when the keys are reloaded.
//! Revocation itself is still checked on every request (kv marks and the
//! session row), so a cached entry never lets a revoked token through.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::tokens::Claims;

/// How many tokens an instance remembers by default.
pub const DEFAULT_CAPACITY: usize = 20_000;

/// Verified claims by token hash.
#[derive(Debug)]
pub struct ClaimsCache {
    entries: Mutex<HashMap<[u8; 32], Claims>>,
    capacity: usize,
}

impl Default for ClaimsCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn usable(claims: &Claims, now: DateTime<Utc>, leeway_secs: i64) -> bool {
    now.timestamp() <= claims.exp && claims.iat <= now.timestamp() + leeway_secs
}

impl ClaimsCache {
    /// A cache of at most `capacity` tokens.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Claims>> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The claims of `token` verified before, if still usable at `now`.
    pub fn get(&self, token: &str, now: DateTime<Utc>, leeway_secs: i64) -> Option<Claims> {
        let key = key(token);
        let mut entries = self.entries();
        match entries.get(&key) {
            Some(claims) if usable(claims, now, leeway_secs) => Some(claims.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers the verified `claims` of `token`; when full, expired entries
    /// go first, and everything if that is not enough.
    pub fn insert(&self, token: &str, claims: Claims, now: DateTime<Utc>) {
        let mut entries = self.entries();
        if entries.len() >= self.capacity {
            entries.retain(|_, c| c.exp >= now.timestamp());
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key(token), claims);
    }

    /// Forgets every token of session `sid`.
    pub fn forget_session(&self, sid: Uuid) {
        self.entries().retain(|_, c| c.sid != sid);
    }

    /// Forgets everything (the verifying keys changed).
    pub fn clear(&self) {
        self.entries().clear();
    }

    /// How many tokens are remembered.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use uuid::Uuid;

    use super::ClaimsCache;
    use crate::tokens::Claims;

    fn claims(sid: Uuid, iat: i64, exp: i64) -> Claims {
        Claims {
            sub: Uuid::now_v7(),
            kind: "INTERNAL".into(),
            org: None,
            partner: None,
            sid,
            jti: Uuid::now_v7(),
            iat,
            exp,
            iss: "commodity-trade".into(),
        }
    }

    #[test]
    fn an_entry_is_never_served_past_exp() {
        let cache = ClaimsCache::new(10);
        let now = Utc::now();
        let sid = Uuid::now_v7();
        cache.insert("t1", claims(sid, now.timestamp(), now.timestamp() + 60), now);
        assert!(cache.get("t1", now, 30).is_some());
        assert!(cache.get("t1", now + Duration::seconds(61), 30).is_none());
        assert!(cache.is_empty(), "an expired entry is dropped when asked for");
        cache.insert(
            "t2",
            claims(sid, now.timestamp() + 100, now.timestamp() + 900),
            now,
        );
        assert!(
            cache.get("t2", now, 30).is_none(),
            "not before iat, should the clock move back"
        );
    }

    #[test]
    fn the_cache_is_bounded_and_forgets_revoked_sessions() {
        let cache = ClaimsCache::new(3);
        let now = Utc::now();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        cache.insert("old", claims(a, now.timestamp() - 100, now.timestamp() - 10), now);
        cache.insert("a", claims(a, now.timestamp(), now.timestamp() + 60), now);
        cache.insert("b", claims(b, now.timestamp(), now.timestamp() + 60), now);
        cache.insert("c", claims(b, now.timestamp(), now.timestamp() + 60), now);
        assert_eq!(cache.len(), 3, "the expired entry made room");
        cache.insert("d", claims(b, now.timestamp(), now.timestamp() + 60), now);
        assert!(cache.len() <= 3);
        cache.insert("e", claims(a, now.timestamp(), now.timestamp() + 60), now);
        cache.forget_session(a);
        assert!(cache.get("e", now, 30).is_none());
        cache.clear();
        assert!(cache.is_empty());
    }
}
