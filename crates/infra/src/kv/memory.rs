//! The in-process store for the embedded mode: one map under one lock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::gcra::{self, GcraDecision, Quota};
use super::{KvError, KvResult};

#[derive(Debug)]
struct Entry {
    value: Vec<u8>,
    expires_at: Instant,
}

/// An in-process key-value map with expiry; clones share the map.
#[derive(Clone, Debug, Default)]
pub struct MemoryKv {
    map: Arc<Mutex<HashMap<String, Entry>>>,
    writes: Arc<AtomicU64>,
}

const SWEEP_EVERY: u64 = 4096;

impl MemoryKv {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave an entry half-written.
        let mut map = self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.writes.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let now = Instant::now();
            map.retain(|_, e| e.expires_at > now);
        }
        map
    }

    fn live<'m>(map: &'m HashMap<String, Entry>, key: &str) -> Option<&'m Entry> {
        map.get(key).filter(|e| e.expires_at > Instant::now())
    }

    fn entry(value: &[u8], ttl: Duration) -> Entry {
        Entry {
            value: value.to_vec(),
            expires_at: Instant::now() + ttl,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<Vec<u8>> {
        Self::live(&self.lock(), key).map(|e| e.value.clone())
    }

    pub(super) fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        self.lock().insert(key.to_owned(), Self::entry(value, ttl));
    }

    pub(super) fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> bool {
        let mut map = self.lock();
        if Self::live(&map, key).is_some() {
            return false;
        }
        map.insert(key.to_owned(), Self::entry(value, ttl));
        true
    }

    pub(super) fn compare_and_delete(&self, key: &str, expected: &[u8]) -> bool {
        let mut map = self.lock();
        if Self::live(&map, key).is_some_and(|e| e.value == expected) {
            map.remove(key);
            return true;
        }
        false
    }

    pub(super) fn increment(&self, key: &str, by: i64, ttl: Duration) -> KvResult<i64> {
        let mut map = self.lock();
        let (current, expires_at) = match Self::live(&map, key) {
            Some(e) => {
                let text = std::str::from_utf8(&e.value).map_err(|_| not_integer(key))?;
                (text.parse::<i64>().map_err(|_| not_integer(key))?, e.expires_at)
            }
            None => (0, Instant::now() + ttl),
        };
        let next = current
            .checked_add(by)
            .ok_or_else(|| KvError::Command(format!("increment overflows at {key}")))?;
        map.insert(
            key.to_owned(),
            Entry {
                value: next.to_string().into_bytes(),
                expires_at,
            },
        );
        Ok(next)
    }

    pub(super) fn set_if_generation(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        generation_key: &str,
        expected: i64,
    ) -> bool {
        let mut map = self.lock();
        let generation = Self::live(&map, generation_key)
            .and_then(|e| {
                std::str::from_utf8(&e.value)
                    .ok()
                    .and_then(|t| t.parse::<i64>().ok())
            })
            .unwrap_or(0);
        if generation != expected {
            return false;
        }
        map.insert(key.to_owned(), Self::entry(value, ttl));
        true
    }

    pub(super) fn delete(&self, key: &str) -> bool {
        self.lock()
            .remove(key)
            .is_some_and(|e| e.expires_at > Instant::now())
    }

    pub(super) fn gcra_take(&self, key: &str, quota: Quota, cost: u32) -> GcraDecision {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0);
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        let mut map = self.lock();
        let tat = Self::live(&map, key).and_then(|e| {
            std::str::from_utf8(&e.value)
                .ok()
                .and_then(|t| t.parse::<i64>().ok())
        });
        let (decision, new_tat) = gcra::step(tat, now, quota, cost);
        if let Some(new_tat) = new_tat {
            let ttl =
                Duration::from_micros(u64::try_from(new_tat - now).unwrap_or(0)) + Duration::from_millis(1);
            map.insert(key.to_owned(), Self::entry(new_tat.to_string().as_bytes(), ttl));
        }
        decision
    }

    pub(super) fn delete_matching(&self, prefix: &str) -> u64 {
        let mut map = self.lock();
        let before = map.len();
        map.retain(|k, _| !k.starts_with(prefix));
        (before - map.len()) as u64
    }
}

fn not_integer(key: &str) -> KvError {
    KvError::Command(format!("value at {key} is not an integer"))
}
