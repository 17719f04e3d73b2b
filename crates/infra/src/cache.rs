//! Cache-aside for read-mostly data, over the kv store.
//!
//! - `get_or_load` answers from the store, else loads once per key per process
//!   (concurrent misses wait for the first loader) and writes the value back with
//!   a jittered TTL;
//! - `invalidate` (call it after the commit) bumps the key's generation and
//!   deletes the value; a loader that read the data before the invalidation
//!   cannot write it back, because the write-back is conditional on the
//!   generation it saw;
//! - when the store is unreachable the loader answers directly: the cache
//!   changes only the speed of an answer, never the answer;
//! - on Redis, a value read or loaded is also kept in the store's near cache
//!   (in process), which an invalidation empties on every instance through
//!   pub/sub before the next read can see it ([`crate::kv::NearCache`]).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::kv::Kv;

/// How long generation counters are kept: longer than any load takes.
const GENERATION_TTL: Duration = Duration::from_secs(24 * 3600);

/// Counters of one cache namespace.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Answers from the store.
    pub hits: AtomicU64,
    /// Loads from the source.
    pub misses: AtomicU64,
    /// Store failures answered from the source.
    pub errors: AtomicU64,
    /// Write-backs refused because an invalidation came first.
    pub stale_refused: AtomicU64,
}

fn registry() -> &'static Mutex<BTreeMap<&'static str, Arc<CacheStats>>> {
    static STATS: OnceLock<Mutex<BTreeMap<&'static str, Arc<CacheStats>>>> = OnceLock::new();
    STATS.get_or_init(Default::default)
}

/// The counters of every namespace used in this process, for metrics.
pub fn stats() -> Vec<(&'static str, Arc<CacheStats>)> {
    let map = registry().lock().unwrap_or_else(|p| p.into_inner());
    map.iter().map(|(name, stats)| (*name, stats.clone())).collect()
}

fn stats_for(namespace: &'static str) -> Arc<CacheStats> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(namespace)
        .or_default()
        .clone()
}

/// One lock per key being loaded in this process.
fn flight(key: &str) -> Arc<tokio::sync::Mutex<()>> {
    static FLIGHTS: OnceLock<Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut map = FLIGHTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(lock) = map.get(key).and_then(Weak::upgrade) {
        return lock;
    }
    if map.len() > 4096 {
        map.retain(|_, weak| weak.strong_count() > 0);
    }
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    map.insert(key.to_owned(), Arc::downgrade(&lock));
    lock
}

/// A cache namespace over a kv store.
#[derive(Clone, Debug)]
pub struct Cache {
    kv: Kv,
    namespace: &'static str,
    ttl: Duration,
    stats: Arc<CacheStats>,
}

impl Cache {
    /// A namespace (such as `org`) whose values live about `ttl` (±10 %).
    pub fn new(kv: &Kv, namespace: &'static str, ttl: Duration) -> Self {
        Self {
            kv: kv.clone(),
            namespace,
            ttl,
            stats: stats_for(namespace),
        }
    }

    fn value_key(&self, key: &str) -> String {
        format!("cache:{}:{key}", self.namespace)
    }

    fn keys(&self, key: &str) -> (String, String) {
        (self.value_key(key), format!("cache-gen:{}:{key}", self.namespace))
    }

    fn jittered(&self) -> Duration {
        let spread = self.ttl.as_millis() as u64 / 10;
        let offset = if spread == 0 {
            0
        } else {
            rand::random_range(0..=2 * spread)
        };
        Duration::from_millis((self.ttl.as_millis() as u64).saturating_sub(spread) + offset)
    }

    async fn read<T: DeserializeOwned>(
        &self,
        key: &str,
        fresh: &impl Fn(&T) -> bool,
    ) -> Result<Option<T>, ()> {
        match self.kv.get(key).await {
            Ok(Some(bytes)) => Ok(serde_json::from_slice::<T>(&bytes).ok().filter(|v| fresh(v))),
            Ok(None) => Ok(None),
            Err(e) => {
                tracing::warn!(error = %e, cache = self.namespace, "cache unreachable; reading the source");
                Err(())
            }
        }
    }

    /// The value at `key`, or `load()`'s, written back unless an invalidation
    /// came first. A cached value for which `fresh` is false counts as a miss.
    pub async fn get_or_load<T, E, F, Fut>(
        &self,
        key: &str,
        fresh: impl Fn(&T) -> bool,
        load: F,
    ) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if !self.kv.caching() {
            return load().await;
        }
        let (value_key, generation_key) = self.keys(key);
        let near = self.kv.near();
        if let Some(value) = near.get::<T>(&value_key).filter(|v| fresh(v)) {
            self.stats.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        let ticket = near.ticket();
        match self.read(&value_key, &fresh).await {
            Ok(Some(value)) => {
                self.stats.hits.fetch_add(1, Ordering::Relaxed);
                near.put(&value_key, value.clone(), self.jittered(), ticket);
                return Ok(value);
            }
            Ok(None) => {}
            Err(()) => {
                self.stats.errors.fetch_add(1, Ordering::Relaxed);
                return load().await;
            }
        }
        let lock = flight(&self.kv.full(&value_key));
        let _guard = lock.lock().await;
        if let Ok(Some(value)) = self.read(&value_key, &fresh).await {
            self.stats.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        self.stats.misses.fetch_add(1, Ordering::Relaxed);
        let generation = match self.kv.get(&generation_key).await {
            Ok(raw) => raw
                .and_then(|b| std::str::from_utf8(&b).ok().and_then(|s| s.parse::<i64>().ok()))
                .unwrap_or(0),
            Err(_) => return load().await,
        };
        let value = load().await?;
        if let Ok(bytes) = serde_json::to_vec(&value) {
            match self
                .kv
                .set_if_generation(&value_key, &bytes, self.jittered(), &generation_key, generation)
                .await
            {
                Ok(true) => near.put(&value_key, value.clone(), self.jittered(), ticket),
                Ok(false) => {
                    self.stats.stale_refused.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => tracing::warn!(error = %e, cache = self.namespace, "value not cached"),
            }
        }
        Ok(value)
    }

    /// The value at `key` from this process's near cache alone, when it is
    /// there, current and `fresh`; no round trip.
    pub fn near_value<T: Clone + 'static>(&self, key: &str, fresh: impl Fn(&T) -> bool) -> Option<T> {
        if !self.kv.caching() || !self.kv.near().is_current() {
            return None;
        }
        let value = self
            .kv
            .near()
            .get::<T>(&self.value_key(key))
            .filter(|v| fresh(v))?;
        self.stats.hits.fetch_add(1, Ordering::Relaxed);
        Some(value)
    }

    /// Forgets `key` (call after the commit that changed it) on every
    /// instance, in one round trip. A failure is logged: the TTL bounds how
    /// long a value may outlive a lost invalidation (near caches empty
    /// themselves when the store goes quiet).
    pub async fn invalidate(&self, key: &str) {
        let (value_key, generation_key) = self.keys(key);
        if let Err(e) = self
            .kv
            .invalidate_cached(&value_key, &generation_key, GENERATION_TTL)
            .await
        {
            tracing::warn!(error = %e, cache = self.namespace, "cached value not invalidated; it expires with its TTL");
        }
    }
}
