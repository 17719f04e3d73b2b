//! Event consumers over Redis Streams consumer groups (in process when
//! embedded): read, apply, acknowledge. Each event is applied once per
//! consumer: its id goes into table `inbox` in the same transaction as the
//! effect. Entries a dead consumer left pending are reclaimed (XAUTOCLAIM);
//! an entry delivered more than `max_deliveries` times goes to the topic's
//! dead-letter stream `{prefix}events-dead:{topic}` and is acknowledged.
//!
//! Two kinds of reader share the loop: a [`Consumer`] whose effect is a
//! database change (deduped through the inbox), and a [`Handler`] whose effect
//! lies elsewhere (the real-time pusher), which must tolerate a repeat.
//!
//! Another Rust service consumes the streams with this crate and the domain
//! crates' types:
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use infra::write::WriteTx;
//! use infra::{AppInfra, InfraConfig, InfraError};
//! use server::consumers::{Consumer, ConsumerOptions, Delivered, run};
//! use settings::organizations::{Organization, TOPIC};
//!
//! /// Keeps a copy of every new organization's name.
//! struct Directory;
//!
//! #[async_trait::async_trait]
//! impl Consumer for Directory {
//!     fn name(&self) -> &'static str {
//!         "directory" // the consumer group: one per service
//!     }
//!     fn topics(&self) -> Vec<&'static str> {
//!         vec![TOPIC]
//!     }
//!     async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
//!         if event.event_type == "OrganizationCreated" {
//!             let org: Organization = serde_json::from_value(event.payload["organization"].clone())?;
//!             // ... write the effect with tx.db(), in the same transaction as the inbox row
//!             tx.audit("directory.add", "organization", &org.id.to_string(), None).await?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::postgres_redis(
//!     "postgres://localhost/directory",
//!     "redis://127.0.0.1:6379",
//! ))
//! .await?;
//! infra.migrate().await?; // the service's own database needs the `inbox` and `audit_log` tables
//! run(infra, Arc::new(Directory), ConsumerOptions::default()).await;
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_redis::redis::{self, AsyncConnectionConfig, Value as RedisValue};
use infra::write::{WriteTx, write};
use infra::{Actor, AppInfra, Infra, InfraError};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::relay::stream_key;

/// An event as a consumer receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivered {
    /// The outbox event id (the dedupe key).
    pub event_id: Uuid,
    /// The topic.
    pub topic: String,
    /// PascalCase past tense.
    pub event_type: String,
    /// Kind of entity.
    pub aggregate_type: String,
    /// Entity id.
    pub aggregate_id: String,
    /// The body.
    pub payload: serde_json::Value,
    /// The entity's version after the change.
    pub version: i64,
    /// Actor and request id of the change.
    pub metadata: serde_json::Value,
    /// The idempotency key of the request that caused it.
    pub idempotency_key: Option<String>,
    /// When the change committed.
    pub created_at: DateTime<Utc>,
}

impl From<&infra::outbox::entity::Model> for Delivered {
    fn from(row: &infra::outbox::entity::Model) -> Self {
        Self {
            event_id: row.id,
            topic: row.topic.clone(),
            event_type: row.event_type.clone(),
            aggregate_type: row.aggregate_type.clone(),
            aggregate_id: row.aggregate_id.clone(),
            payload: row.payload.clone(),
            version: row.version,
            metadata: row.metadata.clone(),
            idempotency_key: row.idempotency_key.clone(),
            created_at: row.created_at,
        }
    }
}

/// Something that reacts to events.
#[async_trait::async_trait]
pub trait Consumer: Send + Sync + 'static {
    /// Stable name: the consumer group and the inbox key.
    fn name(&self) -> &'static str;
    /// The topics it reads.
    fn topics(&self) -> Vec<&'static str>;
    /// Applies one event inside `tx` (record an audit row for the effect).
    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError>;
}

/// Something that handles events outside the database: nothing dedupes for
/// it, so handling an event twice must be harmless.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Stable name: the consumer group.
    fn name(&self) -> &'static str;
    /// The topics it reads.
    fn topics(&self) -> Vec<&'static str>;
    /// Handles one event; an error leaves it pending for another delivery.
    async fn handle(&self, infra: &AppInfra, event: Delivered) -> Result<(), InfraError>;
    /// Whether a new group starts at the oldest retained entry (a durable
    /// effect catching up) rather than at new entries only (live pushes).
    fn replays_history(&self) -> bool {
        false
    }
}

/// A [`Consumer`] as a [`Handler`]: applies each event once, through the inbox.
struct Inboxed(Arc<dyn Consumer>);

#[async_trait::async_trait]
impl Handler for Inboxed {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn topics(&self) -> Vec<&'static str> {
        self.0.topics()
    }
    async fn handle(&self, infra: &AppInfra, event: Delivered) -> Result<(), InfraError> {
        apply_once(infra, self.0.clone(), event).await.map(|_| ())
    }
    fn replays_history(&self) -> bool {
        true
    }
}

/// How a consumer reads.
#[derive(Clone, Debug)]
pub struct ConsumerOptions {
    /// This process's name within the group.
    pub consumer_id: String,
    /// Entries idle this long in another consumer's hands are reclaimed.
    pub claim_idle: Duration,
    /// Deliveries after which an entry goes to the dead-letter stream.
    pub max_deliveries: u64,
    /// How long one read waits for new entries.
    pub block: Duration,
}

impl Default for ConsumerOptions {
    fn default() -> Self {
        Self {
            consumer_id: infra::ids::new_id().to_string(),
            claim_idle: Duration::from_secs(30),
            max_deliveries: 5,
            block: Duration::from_secs(1),
        }
    }
}

enum Outcome {
    Applied,
    Duplicate,
}

#[derive(Debug)]
enum ApplyError {
    Duplicate,
    Infra(InfraError),
}

impl From<InfraError> for ApplyError {
    fn from(e: InfraError) -> Self {
        Self::Infra(e)
    }
}

impl From<sea_orm::DbErr> for ApplyError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Infra(e.into())
    }
}

/// Applies `event` with `consumer` unless its inbox already holds it.
async fn apply_once(
    infra: &AppInfra,
    consumer: Arc<dyn Consumer>,
    event: Delivered,
) -> Result<Outcome, InfraError> {
    let name = consumer.name();
    let result = write(infra, &Actor::system(), move |tx| {
        Box::pin(async move {
            let backend = tx.db().get_database_backend();
            let sql = match backend {
                DbBackend::Postgres => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                _ => "INSERT INTO inbox (consumer, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            };
            let inserted = tx
                .db()
                .execute_raw(Statement::from_sql_and_values(backend, sql, [name.into(), event.event_id.into(), tx.now().into()]))
                .await?;
            if inserted.rows_affected() == 0 {
                return Err(ApplyError::Duplicate);
            }
            consumer.apply(tx, &event).await?;
            Ok(())
        })
    })
    .await;
    match result {
        Ok(_) => Ok(Outcome::Applied),
        Err(ApplyError::Duplicate) => Ok(Outcome::Duplicate),
        Err(ApplyError::Infra(e)) => Err(e),
    }
}

fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The event of a stream entry, as the relay wrote it; `None` when any field
/// is unreadable (such an entry goes to the dead-letter stream).
fn delivered(topic: &str, fields: &[(String, String)]) -> Option<Delivered> {
    Some(Delivered {
        event_id: field(fields, "event_id").parse().ok()?,
        topic: topic.to_owned(),
        event_type: field(fields, "event_type"),
        aggregate_type: field(fields, "aggregate_type"),
        aggregate_id: field(fields, "aggregate_id"),
        payload: serde_json::from_str(&field(fields, "payload")).ok()?,
        version: field(fields, "version").parse().ok()?,
        metadata: serde_json::from_str(&field(fields, "metadata")).ok()?,
        idempotency_key: Some(field(fields, "idempotency_key")).filter(|k| !k.is_empty()),
        created_at: DateTime::parse_from_rfc3339(&field(fields, "created_at"))
            .ok()?
            .with_timezone(&Utc),
    })
}

type Entry = (String, Vec<(String, String)>);

/// Runs `consumer` until the process ends.
pub async fn run(infra: AppInfra, consumer: Arc<dyn Consumer>, options: ConsumerOptions) {
    run_handler(infra, Arc::new(Inboxed(consumer)), options).await;
}

/// Runs `handler` until the process ends.
pub async fn run_handler(infra: AppInfra, handler: Arc<dyn Handler>, options: ConsumerOptions) {
    loop {
        let result = match infra.config().redis_url.clone() {
            Some(url) => run_redis(&infra, handler.clone(), &options, &url).await,
            None => run_local(&infra, handler.clone()).await,
        };
        if let Err(e) = result {
            tracing::warn!(consumer = handler.name(), error = %e, "consumer stopped; restarting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn run_local(infra: &AppInfra, handler: Arc<dyn Handler>) -> Result<(), InfraError> {
    let mut bus = infra.outbox().subscribe();
    let topics = handler.topics();
    loop {
        let row = match bus.recv().await {
            Ok(row) => row,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(
                    consumer = handler.name(),
                    missed,
                    "consumer fell behind the in-process bus"
                );
                continue;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
        };
        if topics.contains(&row.topic.as_str()) {
            handle_local(infra, &handler, Delivered::from(&*row)).await;
        }
    }
}

/// Removes from the group the consumers of instances long gone: nothing
/// pending (what they left was reclaimed) and idle for ten claim periods.
/// Every instance names itself anew when it starts, so without this the
/// group would list every instance that ever ran.
async fn forget_departed(
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
    group: &str,
    options: &ConsumerOptions,
) -> Result<(), InfraError> {
    let consumers: Vec<std::collections::HashMap<String, RedisValue>> = redis::cmd("XINFO")
        .arg("CONSUMERS")
        .arg(key)
        .arg(group)
        .query_async(conn)
        .await
        .map_err(kv_error)?;
    let number = |v: Option<&RedisValue>| match v {
        Some(RedisValue::Int(n)) => *n,
        _ => -1,
    };
    for consumer in consumers {
        let Some(RedisValue::BulkString(name)) = consumer.get("name") else {
            continue;
        };
        let departed = number(consumer.get("pending")) == 0
            && number(consumer.get("idle")) > (options.claim_idle * 10).as_millis() as i64
            && name.as_slice() != options.consumer_id.as_bytes();
        if departed {
            let _: i64 = redis::cmd("XGROUP")
                .arg("DELCONSUMER")
                .arg(key)
                .arg(group)
                .arg(name.as_slice())
                .query_async(conn)
                .await
                .map_err(kv_error)?;
        }
    }
    Ok(())
}

/// Embedded: tries an event a few times with a pause, as redeliveries would,
/// then logs it as dead (the in-process bus keeps no dead-letter stream).
async fn handle_local(infra: &AppInfra, handler: &Arc<dyn Handler>, event: Delivered) {
    const TRIES: u32 = 5;
    for attempt in 1..=TRIES {
        match handler.handle(infra, event.clone()).await {
            Ok(()) => return,
            Err(e) if attempt < TRIES => {
                tracing::warn!(consumer = handler.name(), event = %event.event_id, attempt, error = %e, "event not handled; trying again");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            Err(e) => {
                tracing::error!(consumer = handler.name(), event = %event.event_id, error = %e, "event given up after {TRIES} tries");
            }
        }
    }
}

fn kv_error(e: redis::RedisError) -> InfraError {
    InfraError::Kv(e.into())
}

async fn run_redis(
    infra: &AppInfra,
    consumer: Arc<dyn Handler>,
    options: &ConsumerOptions,
    url: &str,
) -> Result<(), InfraError> {
    // Blocking reads get their own connection without the pool's response timeout.
    let client = redis::Client::open(url).map_err(kv_error)?;
    // Blocking reads wait `block`; anything much longer means a dead connection.
    let config =
        AsyncConnectionConfig::new().set_response_timeout(Some(options.block + Duration::from_secs(10)));
    let mut conn = client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(kv_error)?;
    let prefix = infra.kv().prefix().to_owned();
    let group = consumer.name();
    let streams: Vec<(String, &str)> = consumer
        .topics()
        .into_iter()
        .map(|t| (format!("{prefix}{}", stream_key(t)), t))
        .collect();
    for (key, _) in &streams {
        let created: Result<String, _> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(key)
            .arg(group)
            .arg(if consumer.replays_history() { "0" } else { "$" })
            .arg("MKSTREAM")
            .query_async(&mut conn)
            .await;
        if let Err(e) = created
            && !e.to_string().contains("BUSYGROUP")
        {
            return Err(kv_error(e));
        }
        forget_departed(&mut conn, key, group, options).await?;
    }
    let mut last_claim: Option<std::time::Instant> = None;
    loop {
        if last_claim.is_none_or(|at| at.elapsed() >= options.claim_idle / 2) {
            last_claim = Some(std::time::Instant::now());
            for (key, topic) in &streams {
                let mut cursor = "0-0".to_owned();
                loop {
                    // Redis 7 answers [cursor, entries, deleted ids], 6.2 [cursor, entries].
                    let reply: Vec<RedisValue> = redis::cmd("XAUTOCLAIM")
                        .arg(key)
                        .arg(group)
                        .arg(&options.consumer_id)
                        .arg(options.claim_idle.as_millis() as u64)
                        .arg(&cursor)
                        .arg("COUNT")
                        .arg(50)
                        .query_async(&mut conn)
                        .await
                        .map_err(kv_error)?;
                    let mut parts = reply.into_iter();
                    let next: String = parts
                        .next()
                        .map(redis::from_redis_value)
                        .transpose()
                        .map_err(|e| kv_error(e.into()))?
                        .unwrap_or_else(|| "0-0".to_owned());
                    let entries: Vec<Entry> = parts
                        .next()
                        .map(redis::from_redis_value)
                        .transpose()
                        .map_err(|e| kv_error(e.into()))?
                        .unwrap_or_default();
                    handle(infra, &consumer, options, &mut conn, key, topic, entries).await?;
                    if next == "0-0" {
                        break;
                    }
                    cursor = next;
                }
            }
        }
        // One blocking read over every stream: an entry on any of them wakes it.
        let mut read = redis::cmd("XREADGROUP");
        read.arg("GROUP")
            .arg(group)
            .arg(&options.consumer_id)
            .arg("COUNT")
            .arg(100)
            .arg("BLOCK")
            .arg((options.block.as_millis() as u64).max(1))
            .arg("STREAMS");
        for (key, _) in &streams {
            read.arg(key);
        }
        for _ in &streams {
            read.arg(">");
        }
        let batches: Option<Vec<(String, Vec<Entry>)>> =
            read.query_async(&mut conn).await.map_err(kv_error)?;
        for (key, entries) in batches.unwrap_or_default() {
            let Some((_, topic)) = streams.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            handle(infra, &consumer, options, &mut conn, &key, topic, entries).await?;
        }
    }
}

async fn handle(
    infra: &AppInfra,
    consumer: &Arc<dyn Handler>,
    options: &ConsumerOptions,
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
    topic: &str,
    entries: Vec<Entry>,
) -> Result<(), InfraError> {
    let group = consumer.name();
    for (entry_id, fields) in entries {
        let pending: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
            .arg(key)
            .arg(group)
            .arg(&entry_id)
            .arg(&entry_id)
            .arg(1)
            .query_async(conn)
            .await
            .map_err(kv_error)?;
        let deliveries = pending.first().map_or(1, |p| p.3);
        let event = delivered(topic, &fields);
        // Unreadable, or failed too often: kept in the dead-letter stream
        // (trimmed by the same age as the topic's), then acknowledged.
        let done = match event.filter(|_| deliveries <= options.max_deliveries) {
            None => {
                let dead = format!("{}{}", infra.kv().prefix(), crate::relay::dead_letter_key(topic));
                let mut add = redis::cmd("XADD");
                add.arg(&dead)
                    .arg("MINID")
                    .arg("~")
                    .arg(crate::relay::oldest_kept())
                    .arg("*");
                for (k, v) in &fields {
                    add.arg(k).arg(v);
                }
                let reason = if deliveries > options.max_deliveries {
                    "too many deliveries"
                } else {
                    "unreadable"
                };
                add.arg("consumer")
                    .arg(group)
                    .arg("deliveries")
                    .arg(deliveries)
                    .arg("reason")
                    .arg(reason);
                add.query_async::<String>(conn).await.map_err(kv_error)?;
                tracing::warn!(consumer = group, entry = %entry_id, deliveries, reason, "event moved to the dead-letter stream");
                true
            }
            Some(event) => match consumer.handle(infra, event).await {
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(consumer = group, entry = %entry_id, error = %e, "event not applied; it will be delivered again");
                    false
                }
            },
        };
        if done {
            let _: i64 = redis::cmd("XACK")
                .arg(key)
                .arg(group)
                .arg(&entry_id)
                .query_async(conn)
                .await
                .map_err(kv_error)?;
        }
    }
    Ok(())
}
