//! The near cache: values kept in this process in front of Redis, so a hot
//! read costs no round trip.
//!
//! It is trusted only while this instance hears the deployment's pub/sub
//! channel (`{prefix}near`): every invalidation is published there, and every
//! instance drops what it names. Each instance also publishes a heartbeat on
//! the channel four times a second; when nothing has been heard for
//! [`DEAF_AFTER`], or the subscription ends, the near cache empties itself
//! and answers nothing until a new subscription is up (it empties again
//! then, since messages may have been missed in between). A value loaded
//! before an invalidation arrives is refused by the epoch ticket taken before
//! the load. The in-process store needs no near cache: it never goes live there.
//!
//! Invalidations are numbered (`{prefix}near:seq`, bumped in the same script
//! that deletes the value and publishes the message), so an instance can tell
//! that it is behind: every authenticated request reads the number in its one
//! round trip ([`crate::Kv::request_check`]) and the near cache answers
//! nothing until the messages up to that number have arrived. A write that
//! returned on one instance is therefore never read stale on another.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::RedisKv;

/// Bumps a cache generation (creating it with a TTL), deletes the value,
/// numbers the invalidation and tells every instance: KEYS[1] value, KEYS[2]
/// generation, KEYS[3] channel, KEYS[4] sequence; ARGV[1] generation TTL (ms),
/// ARGV[2] the keys of the message.
pub(super) const INVALIDATE: &str = r"
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
local seq = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', KEYS[3], 'k\n' .. seq .. '\n' .. ARGV[2])
return seq";

/// How often an instance says it is there.
const HEARTBEAT: Duration = Duration::from_millis(250);
/// How long a silent channel is trusted.
pub const DEAF_AFTER: Duration = Duration::from_millis(1000);
/// How many values one instance keeps at most.
const CAPACITY: usize = 50_000;

/// The channel of a deployment's near caches, as a key under its prefix.
pub(super) const CHANNEL: &str = "near";
/// The number of the deployment's last invalidation, as a key under its prefix.
pub(super) const SEQUENCE: &str = "near:seq";

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    expires: Instant,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Bumped by every invalidation: a ticket from before it is refused.
    epoch: u64,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    live: AtomicBool,
    /// The number of the last invalidation applied here.
    applied: AtomicU64,
    /// The highest number a request has seen in the store.
    required: AtomicU64,
}

/// Values of this process in front of the shared store; cheap to clone.
#[derive(Clone, Default)]
pub struct NearCache {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for NearCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NearCache")
            .field("live", &self.is_live())
            .finish()
    }
}

/// Permission to keep a value loaded after it was taken, unless an
/// invalidation came in between.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(Option<u64>);

impl NearCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether values are kept (the channel is heard).
    pub fn is_live(&self) -> bool {
        self.inner.live.load(Ordering::Acquire)
    }

    /// Whether values are served: live, and no invalidation seen in the store
    /// is still on its way here.
    pub fn is_current(&self) -> bool {
        self.is_live()
            && self.inner.applied.load(Ordering::Acquire) >= self.inner.required.load(Ordering::Acquire)
    }

    /// Notes that the store has numbered invalidations up to `seq`: until
    /// their messages arrive, nothing is served.
    pub fn observe(&self, seq: u64) {
        self.inner.required.fetch_max(seq, Ordering::AcqRel);
    }

    /// The value at `key`, if live, present, unexpired and of type `T`.
    pub fn get<T: Clone + 'static>(&self, key: &str) -> Option<T> {
        if !self.is_current() {
            return None;
        }
        let state = self.state();
        let entry = state.entries.get(key)?;
        if entry.expires <= Instant::now() {
            return None;
        }
        entry.value.downcast_ref::<T>().cloned()
    }

    /// Take before reading the shared store; hand to [`NearCache::put`].
    pub fn ticket(&self) -> Ticket {
        if !self.is_live() {
            return Ticket(None);
        }
        Ticket(Some(self.state().epoch))
    }

    /// Keeps `value` at `key` for `ttl`, unless an invalidation (or a lost
    /// channel) came since `ticket` was taken.
    pub fn put<T: Send + Sync + 'static>(&self, key: &str, value: T, ttl: Duration, ticket: Ticket) {
        let Ticket(Some(epoch)) = ticket else {
            return;
        };
        let mut state = self.state();
        if !self.is_live() || state.epoch != epoch {
            return;
        }
        let now = Instant::now();
        if state.entries.len() >= CAPACITY {
            state.entries.retain(|_, e| e.expires > now);
            if state.entries.len() >= CAPACITY {
                state.entries.clear();
            }
        }
        state.entries.insert(
            key.to_owned(),
            Entry {
                value: Arc::new(value),
                expires: now + ttl,
            },
        );
    }

    /// Drops `keys` here (every instance's copy goes through the channel).
    pub fn forget<'a>(&self, keys: impl IntoIterator<Item = &'a str>) {
        let mut state = self.state();
        state.epoch += 1;
        for key in keys {
            state.entries.remove(key);
        }
    }

    /// Drops everything.
    pub fn clear(&self) {
        let mut state = self.state();
        state.epoch += 1;
        state.entries.clear();
    }

    /// Goes live (empty, up to date with invalidation `seq`) or deaf (empty).
    fn set_live(&self, live: bool, seq: u64) {
        let mut state = self.state();
        state.epoch += 1;
        state.entries.clear();
        self.inner.applied.store(seq, Ordering::Release);
        self.inner.required.store(seq, Ordering::Release);
        self.inner.live.store(live, Ordering::Release);
    }

    /// Applies one message of the channel: `*` (everything goes and the
    /// numbering restarts), or `k`, the invalidation's number and its keys.
    fn apply(&self, message: &str) {
        if message == "*" {
            self.set_live(self.is_live(), 0);
            return;
        }
        let Some(rest) = message.strip_prefix("k\n") else {
            return;
        };
        let (seq, keys) = rest.split_once('\n').unwrap_or((rest, ""));
        self.forget(keys.split('\n'));
        if let Ok(seq) = seq.parse::<u64>() {
            self.inner.applied.fetch_max(seq, Ordering::AcqRel);
        }
    }

    /// Listens to `channel` through `store` for as long as this cache exists.
    pub(super) fn listen(&self, store: RedisKv, channel: String, sequence: String) {
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(listen(weak, store, channel, sequence));
    }
}

async fn listen(weak: Weak<Inner>, store: RedisKv, channel: String, sequence: String) {
    let instance = crate::ids::new_id().simple().to_string();
    let mut backoff = Duration::from_millis(100);
    loop {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let near = NearCache { inner };
        let subscribed = match store.subscribe(&channel).await {
            // Subscribed first: an invalidation numbered after this reading arrives as a message.
            Ok(s) => store.get(&sequence).await.map(|seq| (s, seq)),
            Err(e) => Err(e),
        };
        let (mut subscription, seq) = match subscribed {
            Ok((s, seq)) => {
                let seq = seq
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
                (s, seq)
            }
            Err(e) => {
                near.set_live(false, 0);
                tracing::debug!(error = %e, "near cache channel unavailable; serving from the store");
                drop(near);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        near.set_live(true, seq);
        drop(near);
        let mut ticker = tokio::time::interval(HEARTBEAT);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                message = subscription.next() => match message {
                    Some(Ok(body)) => {
                        heard = Instant::now();
                        match weak.upgrade() {
                            Some(inner) => NearCache { inner }.apply(&body),
                            None => return,
                        }
                    }
                    _ => break,
                },
                _ = ticker.tick() => {
                    if heard.elapsed() > DEAF_AFTER || weak.strong_count() == 0 {
                        break;
                    }
                    let (store, channel, ping) = (store.clone(), channel.clone(), format!("ping {instance}"));
                    tokio::spawn(async move {
                        let _ = store.publish(&channel, &ping).await;
                    });
                }
            }
        }
        match weak.upgrade() {
            Some(inner) => NearCache { inner }.set_live(false, 0),
            None => return,
        }
        tracing::debug!("near cache channel lost; emptied until it is back");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_from_before_an_invalidation_keeps_nothing() {
        let near = NearCache::default();
        near.set_live(true, 7);
        let before = near.ticket();
        near.forget(["a"]);
        near.put("a", 1_u32, Duration::from_secs(5), before);
        assert_eq!(near.get::<u32>("a"), None);
        near.put("a", 2_u32, Duration::from_secs(5), near.ticket());
        assert_eq!(near.get::<u32>("a"), Some(2));
        near.apply("k\n8\nb\na");
        assert_eq!(near.get::<u32>("a"), None);
    }

    #[test]
    fn nothing_is_served_while_the_channel_is_not_heard() {
        let near = NearCache::default();
        near.put("a", 1_u32, Duration::from_secs(5), near.ticket());
        assert_eq!(near.get::<u32>("a"), None);
        near.set_live(true, 0);
        near.put("a", 1_u32, Duration::from_secs(5), near.ticket());
        near.set_live(false, 0);
        near.set_live(true, 0);
        assert_eq!(near.get::<u32>("a"), None, "going live again starts empty");
    }

    #[test]
    fn an_invalidation_seen_in_the_store_stops_answers_until_its_message_arrives() {
        let near = NearCache::default();
        near.set_live(true, 3);
        near.put("a", 1_u32, Duration::from_secs(5), near.ticket());
        assert_eq!(near.get::<u32>("a"), Some(1));
        near.observe(4);
        assert_eq!(near.get::<u32>("a"), None, "behind the store");
        near.apply("k\n4\nother");
        assert_eq!(
            near.get::<u32>("a"),
            Some(1),
            "caught up; the message named another key"
        );
    }
}
