//! The two kv steps of an idempotent request, each one round trip: begin
//! (read the stored answer, else take the in-flight lock) and end (store the
//! answer when there is one, and release the lock if still ours).

use std::time::Duration;

use super::memory::MemoryKv;
use super::redis::millis;
use super::{Backend, Kv, KvResult};

/// KEYS[1] stored answer, KEYS[2] lock; ARGV[1] holder, ARGV[2] lock TTL (ms).
/// Returns {1, answer} when stored, {2} when the lock was taken, {3} when another holds it.
const BEGIN: &str = r"
local stored = redis.call('GET', KEYS[1])
if stored then return {1, stored} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end
return {3}";

/// KEYS[1] stored answer, KEYS[2] lock; ARGV[1] holder, ARGV[2] answer ('' for
/// none), ARGV[3] answer TTL (ms).
const END: &str = r"
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1";

/// What [`Kv::begin_request`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Begun {
    /// The answer stored by an earlier request with this key.
    Stored(Vec<u8>),
    /// The lock is ours: run the request.
    Locked,
    /// Another request with this key holds the lock.
    Busy,
}

pub(super) fn scripts() -> (redis::Script, redis::Script) {
    (redis::Script::new(BEGIN), redis::Script::new(END))
}

impl MemoryKv {
    fn begin_request(&self, record: &str, lock: &str, holder: &[u8], lock_ttl: Duration) -> Begun {
        if let Some(stored) = self.get(record) {
            return Begun::Stored(stored);
        }
        if self.set_if_absent(lock, holder, lock_ttl) {
            Begun::Locked
        } else {
            Begun::Busy
        }
    }
}

impl Kv {
    /// Reads the answer stored at `record`, or else takes the lock at `lock`
    /// for `holder` (expiring after `lock_ttl`), in one round trip.
    pub async fn begin_request(
        &self,
        record: &str,
        lock: &str,
        holder: &[u8],
        lock_ttl: Duration,
    ) -> KvResult<Begun> {
        let (record, lock) = (self.full(record), self.full(lock));
        match &self.backend {
            Backend::Redis(r) => {
                let mut invocation = r.scripts.begin.prepare_invoke();
                invocation
                    .key(&record)
                    .key(&lock)
                    .arg(holder)
                    .arg(millis(lock_ttl));
                let (tag, stored): (i64, Option<Vec<u8>>) = r.invoke(&invocation).await.map(split)?;
                Ok(match (tag, stored) {
                    (1, Some(bytes)) => Begun::Stored(bytes),
                    (2, _) => Begun::Locked,
                    _ => Begun::Busy,
                })
            }
            Backend::Memory(m) => Ok(m.begin_request(&record, &lock, holder, lock_ttl)),
        }
    }

    /// Stores `answer` at `record` for `ttl` (when given) and releases the
    /// lock at `lock` if `holder` still holds it, in one round trip.
    pub async fn end_request(
        &self,
        record: &str,
        answer: Option<&[u8]>,
        ttl: Duration,
        lock: &str,
        holder: &[u8],
    ) -> KvResult<()> {
        let (record, lock) = (self.full(record), self.full(lock));
        match &self.backend {
            Backend::Redis(r) => {
                let mut invocation = r.scripts.end.prepare_invoke();
                invocation
                    .key(&record)
                    .key(&lock)
                    .arg(holder)
                    .arg(answer.unwrap_or_default())
                    .arg(millis(ttl));
                r.invoke::<i64>(&invocation).await.map(|_| ())
            }
            Backend::Memory(m) => {
                if let Some(answer) = answer {
                    m.set(&record, answer, ttl);
                }
                m.compare_and_delete(&lock, holder);
                Ok(())
            }
        }
    }
}

fn split(values: Vec<redis::Value>) -> (i64, Option<Vec<u8>>) {
    let mut values = values.into_iter();
    let tag = match values.next() {
        Some(redis::Value::Int(n)) => n,
        _ => 0,
    };
    let stored = match values.next() {
        Some(redis::Value::BulkString(bytes)) => Some(bytes),
        _ => None,
    };
    (tag, stored)
}
