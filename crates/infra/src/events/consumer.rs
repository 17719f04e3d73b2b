//! What reacts to events ([`Consumer`], [`Handler`]), how it reads
//! ([`ConsumerOptions`]), and the loops that run it.

use std::sync::Arc;
use std::time::Duration;

use super::Delivered;
use super::inbox::apply_once;
use crate::write::WriteTx;
use crate::{AppInfra, Infra, InfraError};

/// Something that reacts to events.
#[async_trait::async_trait]
pub trait Consumer: Send + Sync + 'static {
    /// Stable name: the consumer group and the inbox key.
    fn name(&self) -> &'static str;
    /// The topics it reads.
    fn topics(&self) -> Vec<&'static str>;
    /// The event types it acts on (others are acknowledged without an
    /// inbox row); empty, the default: every type of its topics.
    fn event_types(&self) -> &'static [&'static str] {
        &[]
    }
    /// Applies one event inside `tx` (record an audit row for the effect).
    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError>;
}

/// Whether `consumer` acts on events of `event_type` (see [`Consumer::event_types`]).
pub fn wants(consumer: &dyn Consumer, event_type: &str) -> bool {
    let types = consumer.event_types();
    types.is_empty() || types.contains(&event_type)
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
        apply_once(infra, self.0.clone(), event).await
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
            consumer_id: crate::ids::new_id().to_string(),
            claim_idle: Duration::from_secs(30),
            max_deliveries: 5,
            block: Duration::from_secs(1),
        }
    }
}

/// Runs `consumer` until the process ends.
pub async fn run(infra: AppInfra, consumer: Arc<dyn Consumer>, options: ConsumerOptions) {
    run_handler(infra, Arc::new(Inboxed(consumer)), options).await;
}

/// Runs `handler` until the process ends: on the Redis streams when the kv
/// store is Redis, else on the in-process bus.
pub async fn run_handler(infra: AppInfra, handler: Arc<dyn Handler>, options: ConsumerOptions) {
    loop {
        let result = match infra.kv().as_redis() {
            Some(_) => super::reader::run(&infra, handler.clone(), &options).await,
            None => super::local::run(&infra, handler.clone()).await,
        };
        if let Err(e) = result {
            tracing::warn!(consumer = handler.name(), error = %e, "consumer stopped; restarting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
