//! The Redis store: a deadpool of multiplexed connections with timeouts, and
//! Lua scripts for the operations that need more than one command.

use std::time::Duration;

use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts};
use redis::{AsyncCommands, RedisError, Script};

use super::gcra::{GcraDecision, Quota};
use super::{KvError, KvResult};

const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

const INCREMENT: &str = r"
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return v";

const SET_IF_GENERATION: &str = r"
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if g == tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0";

/// GCRA with Redis time: KEYS[1] bucket; ARGV emission (us), burst, cost.
/// Returns {allowed, remaining, retry_after_us, reset_after_us}.
const GCRA: &str = r"
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + emission * cost
local allow_at = new_tat - emission * burst
if allow_at > now then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.floor((new_tat - now) / 1000) + 1)
return {1, math.floor((now - allow_at) / emission), 0, new_tat - now}";

/// A Redis connection pool with the store's scripts loaded lazily.
#[derive(Clone)]
pub struct RedisKv {
    pool: Pool,
    /// For connections of their own: blocking stream reads, pub/sub.
    pub(super) client: std::sync::Arc<redis::Client>,
    compare_and_delete: Script,
    increment: Script,
    gcra: Script,
    set_if_generation: Script,
}

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisKv")
            .field("status", &self.pool.status())
            .finish()
    }
}

impl RedisKv {
    /// A pool of at most `max_size` connections to `url`; waiting for, creating
    /// or recycling a connection gives up after `timeout`.
    pub fn connect(url: &str, max_size: usize, timeout: Duration) -> KvResult<Self> {
        let mut config = Config::from_url(url);
        let mut pool = PoolConfig::new(max_size);
        pool.timeouts = Timeouts {
            wait: Some(timeout),
            create: Some(timeout),
            recycle: Some(timeout),
        };
        config.pool = Some(pool);
        let client = redis::Client::open(url)
            .map_err(|e| KvError::Unavailable(format!("cannot read the configured Redis URL: {e}")))?;
        let pool = config.create_pool(Some(Runtime::Tokio1)).map_err(|e| {
            KvError::Unavailable(format!("cannot create a Redis pool for the configured URL: {e}"))
        })?;
        Ok(Self {
            pool,
            client: std::sync::Arc::new(client),
            compare_and_delete: Script::new(COMPARE_AND_DELETE),
            increment: Script::new(INCREMENT),
            gcra: Script::new(GCRA),
            set_if_generation: Script::new(SET_IF_GENERATION),
        })
    }

    /// Connections in use and idle, for metrics.
    pub fn pool_status(&self) -> (usize, usize) {
        let s = self.pool.status();
        (s.size - s.available.min(s.size), s.available)
    }

    /// A pooled connection.
    pub async fn connection(&self) -> KvResult<deadpool_redis::Connection> {
        self.pool
            .get()
            .await
            .map_err(|e| KvError::Unavailable(e.to_string()))
    }

    pub(super) async fn ping(&self) -> KvResult<()> {
        let mut c = self.connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut c)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    pub(super) async fn get(&self, key: &str) -> KvResult<Option<Vec<u8>>> {
        let mut c = self.connection().await?;
        c.get(key).await.map_err(map_err)
    }

    pub(super) async fn get_many(&self, keys: &[String]) -> KvResult<Vec<Option<Vec<u8>>>> {
        let mut c = self.connection().await?;
        redis::cmd("MGET")
            .arg(keys)
            .query_async(&mut c)
            .await
            .map_err(map_err)
    }

    pub(super) async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<()> {
        let mut c = self.connection().await?;
        redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut c)
            .await
            .map_err(map_err)
    }

    pub(super) async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> KvResult<bool> {
        let mut c = self.connection().await?;
        let set: Option<String> = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut c)
            .await
            .map_err(map_err)?;
        Ok(set.is_some())
    }

    pub(super) async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> KvResult<bool> {
        let mut c = self.connection().await?;
        let n: i64 = self
            .compare_and_delete
            .key(key)
            .arg(expected)
            .invoke_async(&mut c)
            .await
            .map_err(map_err)?;
        Ok(n > 0)
    }

    pub(super) async fn increment(&self, key: &str, by: i64, ttl: Duration) -> KvResult<i64> {
        let mut c = self.connection().await?;
        self.increment
            .key(key)
            .arg(by)
            .arg(millis(ttl))
            .invoke_async(&mut c)
            .await
            .map_err(map_err)
    }

    pub(super) async fn set_if_generation(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        generation_key: &str,
        expected: i64,
    ) -> KvResult<bool> {
        let mut c = self.connection().await?;
        let n: i64 = self
            .set_if_generation
            .key(key)
            .key(generation_key)
            .arg(value)
            .arg(millis(ttl))
            .arg(expected)
            .invoke_async(&mut c)
            .await
            .map_err(map_err)?;
        Ok(n == 1)
    }

    pub(super) async fn delete(&self, key: &str) -> KvResult<bool> {
        let mut c = self.connection().await?;
        let n: i64 = c.del(key).await.map_err(map_err)?;
        Ok(n > 0)
    }

    pub(super) async fn gcra_take(&self, key: &str, quota: Quota, cost: u32) -> KvResult<GcraDecision> {
        let mut c = self.connection().await?;
        let (allowed, remaining, retry_after, reset_after): (i64, i64, i64, i64) = self
            .gcra
            .key(key)
            .arg(quota.emission_micros())
            .arg(quota.burst.max(1))
            .arg(cost)
            .invoke_async(&mut c)
            .await
            .map_err(map_err)?;
        Ok(GcraDecision {
            allowed: allowed == 1,
            remaining: u32::try_from(remaining).unwrap_or(0),
            retry_after: Duration::from_micros(u64::try_from(retry_after).unwrap_or(0)),
            reset_after: Duration::from_micros(u64::try_from(reset_after).unwrap_or(0)),
        })
    }

    pub(super) async fn delete_matching(&self, prefix: &str) -> KvResult<u64> {
        let mut c = self.connection().await?;
        let pattern = format!("{}*", escape_glob(prefix));
        let mut cursor: u64 = 0;
        let mut deleted = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut c)
                .await
                .map_err(map_err)?;
            if !keys.is_empty() {
                let n: u64 = redis::cmd("UNLINK")
                    .arg(&keys)
                    .query_async(&mut c)
                    .await
                    .map_err(map_err)?;
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

impl From<RedisError> for KvError {
    fn from(e: RedisError) -> Self {
        if e.is_io_error() || e.is_timeout() || e.is_connection_refusal() || e.is_connection_dropped() {
            KvError::Unavailable(e.to_string())
        } else {
            KvError::Command(e.to_string())
        }
    }
}
