//! The key-value store: named atomic operations over Redis or an in-process map.
//!
//! Every key is stored under the configured prefix. Each operation is atomic on
//! both backends (a Lua script or a single command on Redis, one lock in
//! process), and one conformance suite runs against both.

mod gcra;
mod keys;
mod memory;
mod near;
mod pubsub;
mod redis;
mod scripts;
mod streams;

use std::time::Duration;

pub use gcra::{GcraDecision, Quota};
pub use keys::Begun;
pub use memory::MemoryKv;
pub use near::{DEAF_AFTER, NearCache, Ticket};
pub use pubsub::Subscription;
pub use redis::RedisKv;
pub use streams::{GroupConsumer, NewEntry, StreamConnection, StreamEntry};

/// A failure of the key-value store.
#[derive(Clone, Debug, thiserror::Error)]
pub enum KvError {
    /// The store could not be reached in time (pool exhausted, connection refused, timeout).
    #[error("unreachable: {0}; check REDIS_URL and that Redis is running")]
    Unavailable(String),
    /// The store answered with an error.
    #[error("command failed: {0}")]
    Command(String),
}

impl KvError {
    /// Whether the store was unreachable, as opposed to answering with an error.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, KvError::Unavailable(_))
    }
}

/// What [`Kv::request_check`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestCheck {
    /// Whether one of the marks asked about is set.
    pub marked: bool,
    /// The rate-limit decision, when a bucket was named.
    pub decision: Option<GcraDecision>,
}

/// Result of a kv operation.
pub type KvResult<T> = Result<T, KvError>;

#[derive(Clone, Debug)]
enum Backend {
    Redis(RedisKv),
    Memory(MemoryKv),
}

/// The key-value store handle; cheap to clone.
#[derive(Clone, Debug)]
pub struct Kv {
    backend: Backend,
    prefix: String,
    caching: bool,
    near: NearCache,
}

impl Kv {
    /// A store on Redis, every key under `prefix`.
    ///
    /// Its near cache listens to the deployment's channel when a Tokio runtime
    /// is running (it stays empty otherwise).
    pub fn redis(store: RedisKv, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        let near = NearCache::default();
        if tokio::runtime::Handle::try_current().is_ok() {
            near.listen(
                store.clone(),
                format!("{prefix}{}", near::CHANNEL),
                format!("{prefix}{}", near::SEQUENCE),
            );
        }
        Self {
            backend: Backend::Redis(store),
            prefix,
            caching: true,
            near,
        }
    }

    /// An in-process store, every key under `prefix`.
    pub fn memory(store: MemoryKv, prefix: impl Into<String>) -> Self {
        Self {
            backend: Backend::Memory(store),
            prefix: prefix.into(),
            caching: true,
            near: NearCache::default(),
        }
    }

    /// The same store with caching switched on or off ([`crate::Cache`] then
    /// always reads the source); for measuring what the cache saves.
    pub fn with_caching(mut self, on: bool) -> Self {
        self.caching = on;
        self
    }

    /// Whether caches over this store keep values.
    pub fn caching(&self) -> bool {
        self.caching
    }

    /// The values this process keeps in front of the store (live only on
    /// Redis while the invalidation channel is heard).
    pub fn near(&self) -> &NearCache {
        &self.near
    }

    /// Invalidates a cached value in one round trip: bumps the integer at
    /// `generation_key` (expiring after `generation_ttl`), deletes `key`, and
    /// drops `key` from every instance's near cache.
    pub async fn invalidate_cached(
        &self,
        key: &str,
        generation_key: &str,
        generation_ttl: Duration,
    ) -> KvResult<()> {
        self.near.forget([key]);
        match &self.backend {
            Backend::Redis(r) => {
                let keys = [
                    self.full(key),
                    self.full(generation_key),
                    self.full(near::CHANNEL),
                    self.full(near::SEQUENCE),
                ];
                let seq = r.invalidate(&keys, generation_ttl, key).await?;
                self.near.observe(seq);
                Ok(())
            }
            Backend::Memory(m) => {
                m.increment(&self.full(generation_key), 1, generation_ttl)?;
                m.delete(&self.full(key));
                Ok(())
            }
        }
    }

    /// The prefix every key is stored under.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the store is Redis (shared by every instance) rather than in process.
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// The Redis store behind this handle, if any.
    pub fn as_redis(&self) -> Option<&RedisKv> {
        match &self.backend {
            Backend::Redis(r) => Some(r),
            Backend::Memory(_) => None,
        }
    }

    /// `key` with this deployment's prefix, as it is named in Redis.
    pub fn full(&self, key: &str) -> String {
        let mut k = String::with_capacity(self.prefix.len() + key.len());
        k.push_str(&self.prefix);
        k.push_str(key);
        k
    }

    /// Answers when the store is reachable.
    pub async fn ping(&self) -> KvResult<()> {
        match &self.backend {
            Backend::Redis(r) => r.ping().await,
            Backend::Memory(_) => Ok(()),
        }
    }

    /// The value at `key`, if present and not expired.
    pub async fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.get(&key).await,
            Backend::Memory(m) => Ok(m.get(&key)),
        }
    }

    /// The values at `keys`, in order, in one round trip.
    pub async fn get_many(&self, keys: &[&str]) -> KvResult<Vec<Option<Vec<u8>>>> {
        let full: Vec<String> = keys.iter().map(|k| self.full(k)).collect();
        match &self.backend {
            Backend::Redis(r) => r.get_many(&full).await,
            Backend::Memory(m) => Ok(full.iter().map(|k| m.get(k)).collect()),
        }
    }

    /// Sets `key` to `value`, expiring after `ttl`.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<()> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.set(&key, value, ttl).await,
            Backend::Memory(m) => {
                m.set(&key, value, ttl);
                Ok(())
            }
        }
    }

    /// Sets `key` to `value` only when absent; `true` when this call set it.
    pub async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<bool> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.set_if_absent(&key, value, ttl).await,
            Backend::Memory(m) => Ok(m.set_if_absent(&key, value, ttl)),
        }
    }

    /// Deletes `key` only while it still holds `expected`; `true` when deleted.
    /// Releases a lock without removing one that another holder took since.
    pub async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> KvResult<bool> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.compare_and_delete(&key, expected).await,
            Backend::Memory(m) => Ok(m.compare_and_delete(&key, expected)),
        }
    }

    /// Adds `by` to the integer at `key` (0 when absent) and returns the new
    /// value; a key created by this call expires after `ttl`.
    pub async fn increment(&self, key: &str, by: i64, ttl: Duration) -> KvResult<i64> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.increment(&key, by, ttl).await,
            Backend::Memory(m) => m.increment(&key, by, ttl),
        }
    }

    /// Sets `key` only while the integer at `generation_key` (0 when absent) is
    /// still `expected`; `true` when set. Lets a cache refuse a value loaded
    /// before an invalidation.
    pub async fn set_if_generation(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        generation_key: &str,
        expected: i64,
    ) -> KvResult<bool> {
        let (key, generation_key) = (self.full(key), self.full(generation_key));
        match &self.backend {
            Backend::Redis(r) => {
                r.set_if_generation(&key, value, ttl, &generation_key, expected)
                    .await
            }
            Backend::Memory(m) => Ok(m.set_if_generation(&key, value, ttl, &generation_key, expected)),
        }
    }

    /// Deletes `key`; `true` when it existed.
    pub async fn delete(&self, key: &str) -> KvResult<bool> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => r.delete(&key).await,
            Backend::Memory(m) => Ok(m.delete(&key)),
        }
    }

    /// Takes `cost` units from the GCRA bucket at `key` under `quota`, with the
    /// store's own time (Redis `TIME`), so every instance shares one limit.
    pub async fn gcra_take(&self, key: &str, quota: Quota, cost: u32) -> KvResult<GcraDecision> {
        let key = self.full(key);
        match &self.backend {
            Backend::Redis(r) => {
                // The request script without marks; the invalidation number it reads is noted too.
                let bucket = (key, quota);
                let (seq, check) = r
                    .request_check(&self.full(near::SEQUENCE), &[], Some(&bucket), cost)
                    .await?;
                self.near.observe(seq);
                check
                    .decision
                    .ok_or_else(|| KvError::Command("the rate-limit script answered no decision".into()))
            }
            Backend::Memory(m) => Ok(m.gcra_take(&key, quota, cost)),
        }
    }

    /// The per-request lookups in one round trip: whether any of `marks` is
    /// set, and, when `rate` names a bucket, a GCRA take of one unit from it.
    /// On Redis it also reads the number of the last invalidation, so this
    /// instance's near cache stops answering while it is behind.
    pub async fn request_check(&self, marks: &[&str], rate: Option<(&str, Quota)>) -> KvResult<RequestCheck> {
        let marks: Vec<String> = marks.iter().map(|k| self.full(k)).collect();
        let bucket = rate.map(|(key, quota)| (self.full(key), quota));
        match &self.backend {
            Backend::Redis(r) => {
                let (seq, check) = r
                    .request_check(&self.full(near::SEQUENCE), &marks, bucket.as_ref(), 1)
                    .await?;
                self.near.observe(seq);
                Ok(check)
            }
            Backend::Memory(m) => Ok(RequestCheck {
                marked: marks.iter().any(|k| m.get(k).is_some()),
                decision: bucket.map(|(key, quota)| m.gcra_take(&key, quota, 1)),
            }),
        }
    }

    /// Deletes every key under this handle's prefix and returns how many went.
    /// For tests and operators; other handles' prefixes are untouched.
    /// The near caches of every instance are emptied too.
    pub async fn clear_prefix(&self) -> KvResult<u64> {
        self.near.clear();
        match &self.backend {
            Backend::Redis(r) => {
                let deleted = r.delete_matching(&self.prefix).await?;
                r.publish(&self.full(near::CHANNEL), "*").await?;
                Ok(deleted)
            }
            Backend::Memory(m) => Ok(m.delete_matching(&self.prefix)),
        }
    }
}
