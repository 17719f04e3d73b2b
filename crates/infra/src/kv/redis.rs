//! The Redis store: a few multiplexed connections with timeouts, and Lua
//! scripts for the operations that need more than one command.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, RedisError, ScriptInvocation};

use super::gcra::{GcraDecision, Quota};
use super::scripts::Scripts;
use super::{KvError, KvResult};

/// Redis through a few multiplexed connections (each carries any number of
/// requests at once, so nothing is checked out and nothing is checked per
/// request), with the store's scripts loaded lazily. A connection that fails
/// with an I/O error, a timeout or a drop is discarded and replaced on its next
/// use; while Redis refuses connections, new attempts wait out a short back-off
/// so that requests fail fast instead of each paying a connect.
#[derive(Clone)]
pub struct RedisKv {
    slots: Arc<[Slot]>,
    next: Arc<AtomicUsize>,
    config: AsyncConnectionConfig,
    /// For connections of their own: blocking stream reads, pub/sub.
    pub(super) client: Arc<redis::Client>,
    pub(super) scripts: Arc<Scripts>,
}

/// One multiplexed connection, opened on first use and after a failure.
#[derive(Default)]
struct Slot {
    conn: Mutex<Option<MultiplexedConnection>>,
    /// Held while connecting, so that one caller connects and the others wait.
    connecting: tokio::sync::Mutex<()>,
    /// No new attempt before this instant after a failed one.
    retry_at: Mutex<Option<Instant>>,
}

/// How long a refused connection keeps new attempts away.
const CONNECT_BACKOFF: Duration = Duration::from_millis(250);

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisKv")
            .field("connections", &self.slots.len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl RedisKv {
    /// A store on `connections` multiplexed connections to `url` (at least
    /// one); connecting and every answer give up after `timeout`. Nothing
    /// connects until the first command.
    pub fn connect(url: &str, connections: usize, timeout: Duration) -> KvResult<Self> {
        let client = redis::Client::open(url)
            .map_err(|e| KvError::Unavailable(format!("cannot read the configured Redis URL: {e}")))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout));
        let slots: Vec<Slot> = (0..connections.max(1)).map(|_| Slot::default()).collect();
        Ok(Self {
            slots: slots.into(),
            next: Arc::new(AtomicUsize::new(0)),
            config,
            client: Arc::new(client),
            scripts: Arc::new(Scripts::load()),
        })
    }

    /// Connections open, and connections configured, for metrics.
    pub fn pool_status(&self) -> (usize, usize) {
        let open = self.slots.iter().filter(|s| lock(&s.conn).is_some()).count();
        (open, self.slots.len())
    }

    /// A multiplexed connection (shared: clone it freely, never hold it for a
    /// blocking command).
    pub async fn connection(&self) -> KvResult<MultiplexedConnection> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let slot = &self.slots[i];
        if let Some(conn) = lock(&slot.conn).clone() {
            return Ok(conn);
        }
        let _connecting = slot.connecting.lock().await;
        if let Some(conn) = lock(&slot.conn).clone() {
            return Ok(conn);
        }
        if lock(&slot.retry_at).is_some_and(|at| Instant::now() < at) {
            return Err(KvError::Unavailable(
                "Redis refused the last connection attempt moments ago".into(),
            ));
        }
        match self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await
        {
            Ok(conn) => {
                *lock(&slot.retry_at) = None;
                *lock(&slot.conn) = Some(conn.clone());
                Ok(conn)
            }
            Err(e) => {
                *lock(&slot.retry_at) = Some(Instant::now() + CONNECT_BACKOFF);
                Err(map_err(e))
            }
        }
    }

    /// Forgets every connection after an error that says it is broken; the
    /// next command connects again.
    fn discard_if_broken(&self, e: &RedisError) {
        if broken(e) {
            for slot in self.slots.iter() {
                lock(&slot.conn).take();
            }
        }
    }

    /// Sends one command and reads its answer.
    pub(super) async fn query<T: FromRedisValue>(&self, cmd: &redis::Cmd) -> KvResult<T> {
        let mut c = self.connection().await?;
        cmd.query_async(&mut c).await.map_err(|e| self.failed(e))
    }

    /// Sends a pipeline and reads its answers.
    pub(super) async fn pipeline<T: FromRedisValue>(&self, pipe: &redis::Pipeline) -> KvResult<T> {
        let mut c = self.connection().await?;
        pipe.query_async(&mut c).await.map_err(|e| self.failed(e))
    }

    /// Runs a prepared script invocation.
    pub(super) async fn invoke<T: FromRedisValue>(&self, invocation: &ScriptInvocation<'_>) -> KvResult<T> {
        let mut c = self.connection().await?;
        invocation.invoke_async(&mut c).await.map_err(|e| self.failed(e))
    }

    /// Maps a failure, discarding the connections when it says they are broken.
    pub(super) fn failed(&self, e: RedisError) -> KvError {
        self.discard_if_broken(&e);
        map_err(e)
    }

    pub(super) async fn ping(&self) -> KvResult<()> {
        self.query::<String>(&redis::cmd("PING")).await.map(|_| ())
    }

    pub(super) async fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    pub(super) async fn get_many(&self, keys: &[String]) -> KvResult<Vec<Option<Vec<u8>>>> {
        self.query(redis::cmd("MGET").arg(keys)).await
    }

    pub(super) async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<()> {
        self.query(redis::cmd("SET").arg(key).arg(value).arg("PX").arg(millis(ttl)))
            .await
    }

    pub(super) async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<bool> {
        let set: Option<String> = self
            .query(
                redis::cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl)),
            )
            .await?;
        Ok(set.is_some())
    }

    pub(super) async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> KvResult<bool> {
        let n: i64 = self
            .invoke(self.scripts.compare_and_delete.key(key).arg(expected))
            .await?;
        Ok(n > 0)
    }

    pub(super) async fn increment(&self, key: &str, by: i64, ttl: Duration) -> KvResult<i64> {
        self.invoke(self.scripts.increment.key(key).arg(by).arg(millis(ttl)))
            .await
    }

    pub(super) async fn set_if_generation(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        generation_key: &str,
        expected: i64,
    ) -> KvResult<bool> {
        let n: i64 = self
            .invoke(
                self.scripts
                    .set_if_generation
                    .key(key)
                    .key(generation_key)
                    .arg(value)
                    .arg(millis(ttl))
                    .arg(expected),
            )
            .await?;
        Ok(n == 1)
    }

    pub(super) async fn delete(&self, key: &str) -> KvResult<bool> {
        let n: i64 = self.query(redis::cmd("DEL").arg(key)).await?;
        Ok(n > 0)
    }

    /// Runs the invalidation script over `keys` (value, generation, channel,
    /// sequence); answers the invalidation's number.
    pub(super) async fn invalidate(
        &self,
        keys: &[String; 4],
        generation_ttl: Duration,
        message: &str,
    ) -> KvResult<u64> {
        let mut invocation = self.scripts.invalidate.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        invocation.arg(millis(generation_ttl)).arg(message);
        self.invoke(&invocation).await
    }

    /// Runs the request script: answers the invalidation number and the check.
    pub(super) async fn request_check(
        &self,
        sequence: &str,
        marks: &[String],
        bucket: Option<&(String, Quota)>,
        cost: u32,
    ) -> KvResult<(u64, super::RequestCheck)> {
        let mut invocation = self.scripts.request.prepare_invoke();
        invocation.key(sequence);
        match bucket {
            Some((key, quota)) => invocation
                .key(key)
                .arg(1)
                .arg(quota.emission_micros())
                .arg(quota.burst.max(1))
                .arg(cost),
            None => invocation.key(sequence).arg(0).arg(0).arg(0).arg(0),
        };
        for mark in marks {
            invocation.key(mark);
        }
        let (seq, marked, allowed, remaining, retry_after, reset_after): (i64, i64, i64, i64, i64, i64) =
            self.invoke(&invocation).await?;
        let decision = bucket.map(|_| GcraDecision {
            allowed: allowed == 1,
            remaining: u32::try_from(remaining).unwrap_or(0),
            retry_after: Duration::from_micros(u64::try_from(retry_after).unwrap_or(0)),
            reset_after: Duration::from_micros(u64::try_from(reset_after).unwrap_or(0)),
        });
        Ok((
            u64::try_from(seq).unwrap_or(0),
            super::RequestCheck {
                marked: marked == 1,
                decision,
            },
        ))
    }

    pub(super) async fn delete_matching(&self, prefix: &str) -> KvResult<u64> {
        let pattern = format!("{}*", escape_glob(prefix));
        let mut cursor: u64 = 0;
        let mut deleted = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = self
                .query(
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1000),
                )
                .await?;
            if !keys.is_empty() {
                let n: u64 = self.query(redis::cmd("UNLINK").arg(&keys)).await?;
                deleted += n;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }
}

pub(super) fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn escape_glob(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Maps a Redis error to unreachable (retry may help) or a command failure.
pub(crate) fn map_err(e: RedisError) -> KvError {
    KvError::from(e)
}

/// Whether the error means the connection cannot be used again.
fn broken(e: &RedisError) -> bool {
    e.is_io_error() || e.is_timeout() || e.is_connection_refusal() || e.is_connection_dropped()
}

impl From<RedisError> for KvError {
    fn from(e: RedisError) -> Self {
        if broken(&e) {
            KvError::Unavailable(e.to_string())
        } else {
            KvError::Command(e.to_string())
        }
    }
}
