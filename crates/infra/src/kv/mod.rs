//! The key-value store: named atomic operations over Redis or an in-process map.
//!
//! Every key is stored under the configured prefix. Each operation is atomic on
//! both backends (a Lua script or a single command on Redis, one lock in
//! process), and one conformance suite runs against both.

mod gcra;
mod memory;
mod pubsub;
mod redis;
mod streams;

use std::time::Duration;

pub use gcra::{GcraDecision, Quota};
pub use memory::MemoryKv;
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
}

impl Kv {
    /// A store on Redis, every key under `prefix`.
    pub fn redis(store: RedisKv, prefix: impl Into<String>) -> Self {
        Self {
            backend: Backend::Redis(store),
            prefix: prefix.into(),
            caching: true,
        }
    }

    /// An in-process store, every key under `prefix`.
    pub fn memory(store: MemoryKv, prefix: impl Into<String>) -> Self {
        Self {
            backend: Backend::Memory(store),
            prefix: prefix.into(),
            caching: true,
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
            Backend::Redis(r) => r.gcra_take(&key, quota, cost).await,
            Backend::Memory(m) => Ok(m.gcra_take(&key, quota, cost)),
        }
    }

    /// Deletes every key under this handle's prefix and returns how many went.
    /// For tests and operators; other handles' prefixes are untouched.
    pub async fn clear_prefix(&self) -> KvResult<u64> {
        match &self.backend {
            Backend::Redis(r) => r.delete_matching(&self.prefix).await,
            Backend::Memory(m) => Ok(m.delete_matching(&self.prefix)),
        }
    }
}
