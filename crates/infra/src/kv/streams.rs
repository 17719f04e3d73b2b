//! Redis Streams commands: appending in one pipeline, and a connection of its
//! own for consumer groups (blocking reads, reclaim, acknowledgement).

use std::collections::HashMap;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncConnectionConfig, Value};

use super::redis::{map_err, millis};
use super::{KvResult, RedisKv};

/// One stream entry: its id and its fields, in order.
pub type StreamEntry = (String, Vec<(String, String)>);

/// One consumer of a group, as `XINFO CONSUMERS` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupConsumer {
    /// Its name within the group.
    pub name: String,
    /// Entries delivered to it and not yet acknowledged.
    pub pending: u64,
    /// Since it last read or claimed.
    pub idle: Duration,
}

/// One entry to append: the stream's full key and the entry's fields.
pub type NewEntry = (String, Vec<(&'static str, String)>);

impl RedisKv {
    /// Appends `entries` in one pipeline, each stream trimmed (`MINID ~`) to
    /// entries at or after `min_id` (milliseconds since the epoch).
    pub async fn stream_append(&self, entries: &[NewEntry], min_id: i64) -> KvResult<()> {
        let mut pipe = ::redis::pipe();
        for (key, fields) in entries {
            let cmd = pipe
                .cmd("XADD")
                .arg(key)
                .arg("MINID")
                .arg("~")
                .arg(min_id)
                .arg("*");
            for (name, value) in fields {
                cmd.arg(*name).arg(value);
            }
            cmd.ignore();
        }
        self.pipeline::<()>(&pipe).await
    }

    /// Every entry of the stream at `key`, oldest first.
    pub async fn stream_range(&self, key: &str) -> KvResult<Vec<StreamEntry>> {
        self.query(::redis::cmd("XRANGE").arg(key).arg("-").arg("+"))
            .await
    }

    /// How many entries the stream at `key` holds (0 when it does not exist).
    pub async fn stream_len(&self, key: &str) -> KvResult<u64> {
        self.query(::redis::cmd("XLEN").arg(key)).await
    }

    /// A connection of its own for consumer groups; an answer later than
    /// `response_timeout` counts as a dead connection (blocking reads wait
    /// their block time, so give them more).
    pub async fn stream_connection(&self, response_timeout: Duration) -> KvResult<StreamConnection> {
        let config = AsyncConnectionConfig::new().set_response_timeout(Some(response_timeout));
        let conn = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(map_err)?;
        Ok(StreamConnection { conn })
    }
}

/// A Redis connection for consumer-group commands, not shared with the pool.
#[derive(Clone)]
pub struct StreamConnection {
    conn: MultiplexedConnection,
}

impl std::fmt::Debug for StreamConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamConnection").finish_non_exhaustive()
    }
}

impl StreamConnection {
    /// Creates consumer group `group` on `key` (and the stream if missing),
    /// starting at the oldest entry when `from_start`, else at new entries
    /// only; `false` when the group existed already.
    pub async fn create_group(&mut self, key: &str, group: &str, from_start: bool) -> KvResult<bool> {
        let created: Result<String, _> = ::redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(key)
            .arg(group)
            .arg(if from_start { "0" } else { "$" })
            .arg("MKSTREAM")
            .query_async(&mut self.conn)
            .await;
        match created {
            Ok(_) => Ok(true),
            Err(e) if e.to_string().contains("BUSYGROUP") => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }

    /// The consumers of `group` on `key`.
    pub async fn group_consumers(&mut self, key: &str, group: &str) -> KvResult<Vec<GroupConsumer>> {
        let consumers: Vec<HashMap<String, Value>> = ::redis::cmd("XINFO")
            .arg("CONSUMERS")
            .arg(key)
            .arg(group)
            .query_async(&mut self.conn)
            .await
            .map_err(map_err)?;
        let number = |v: Option<&Value>| match v {
            Some(Value::Int(n)) => u64::try_from(*n).unwrap_or(0),
            _ => 0,
        };
        Ok(consumers
            .into_iter()
            .filter_map(|c| {
                let name = match c.get("name") {
                    Some(Value::BulkString(name)) => String::from_utf8_lossy(name).into_owned(),
                    Some(Value::SimpleString(name)) => name.clone(),
                    _ => return None,
                };
                Some(GroupConsumer {
                    name,
                    pending: number(c.get("pending")),
                    idle: Duration::from_millis(number(c.get("idle"))),
                })
            })
            .collect())
    }

    /// Removes `consumer` from `group` on `key`.
    pub async fn delete_consumer(&mut self, key: &str, group: &str, consumer: &str) -> KvResult<()> {
        ::redis::cmd("XGROUP")
            .arg("DELCONSUMER")
            .arg(key)
            .arg(group)
            .arg(consumer)
            .query_async::<i64>(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    /// Claims for `consumer` up to `count` entries idle at least `min_idle` in
    /// other consumers' hands, from `cursor` (`0-0` at first); answers the next
    /// cursor (`0-0` when the scan is complete) and the entries claimed.
    pub async fn autoclaim(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        min_idle: Duration,
        cursor: &str,
        count: usize,
    ) -> KvResult<(String, Vec<StreamEntry>)> {
        // Redis 7 answers [cursor, entries, deleted ids], 6.2 [cursor, entries].
        let reply: Vec<Value> = ::redis::cmd("XAUTOCLAIM")
            .arg(key)
            .arg(group)
            .arg(consumer)
            .arg(millis(min_idle))
            .arg(cursor)
            .arg("COUNT")
            .arg(count)
            .query_async(&mut self.conn)
            .await
            .map_err(map_err)?;
        let mut parts = reply.into_iter();
        let next: String = parts
            .next()
            .map(::redis::from_redis_value)
            .transpose()
            .map_err(|e| map_err(e.into()))?
            .unwrap_or_else(|| "0-0".to_owned());
        let entries: Vec<StreamEntry> = parts
            .next()
            .map(::redis::from_redis_value)
            .transpose()
            .map_err(|e| map_err(e.into()))?
            .unwrap_or_default();
        Ok((next, entries))
    }

    /// Reads for `consumer` of `group` up to `count` new entries of each
    /// stream in `keys`, waiting up to `block` for the first; answers the
    /// entries by stream key (nothing when the wait ran out).
    pub async fn read_group(
        &mut self,
        group: &str,
        consumer: &str,
        keys: &[String],
        count: usize,
        block: Duration,
    ) -> KvResult<Vec<(String, Vec<StreamEntry>)>> {
        let mut read = ::redis::cmd("XREADGROUP");
        read.arg("GROUP")
            .arg(group)
            .arg(consumer)
            .arg("COUNT")
            .arg(count)
            .arg("BLOCK")
            .arg(millis(block))
            .arg("STREAMS");
        for key in keys {
            read.arg(key);
        }
        for _ in keys {
            read.arg(">");
        }
        let batches: Option<Vec<(String, Vec<StreamEntry>)>> =
            read.query_async(&mut self.conn).await.map_err(map_err)?;
        Ok(batches.unwrap_or_default())
    }

    /// How many times entry `id` of `key` was delivered to `group` (1 when it
    /// is not pending).
    pub async fn deliveries(&mut self, key: &str, group: &str, id: &str) -> KvResult<u64> {
        let pending: Vec<(String, String, u64, u64)> = ::redis::cmd("XPENDING")
            .arg(key)
            .arg(group)
            .arg(id)
            .arg(id)
            .arg(1)
            .query_async(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(pending.first().map_or(1, |p| p.3))
    }

    /// How many entries of `key` are delivered to `group` and not acknowledged.
    pub async fn pending_count(&mut self, key: &str, group: &str) -> KvResult<u64> {
        let (count, _, _, _): (u64, Value, Value, Value) = ::redis::cmd("XPENDING")
            .arg(key)
            .arg(group)
            .query_async(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(count)
    }

    /// Appends one entry to `key`, trimming (`MINID ~`) to entries at or after
    /// `min_id` when given; answers the entry's id.
    pub async fn add(
        &mut self,
        key: &str,
        fields: &[(String, String)],
        min_id: Option<i64>,
    ) -> KvResult<String> {
        let mut add = ::redis::cmd("XADD");
        add.arg(key);
        if let Some(min_id) = min_id {
            add.arg("MINID").arg("~").arg(min_id);
        }
        add.arg("*");
        for (k, v) in fields {
            add.arg(k).arg(v);
        }
        add.query_async(&mut self.conn).await.map_err(map_err)
    }

    /// Acknowledges entry `id` of `key` for `group`.
    pub async fn ack(&mut self, key: &str, group: &str, id: &str) -> KvResult<()> {
        ::redis::cmd("XACK")
            .arg(key)
            .arg(group)
            .arg(id)
            .query_async::<i64>(&mut self.conn)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}
