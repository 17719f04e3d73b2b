//! Another Rust service consuming the platform's event streams with `infra`
//! and a domain crate (`settings`) alone: a consumer group of its own over
//! `organization-events`, each event applied once (its id goes into the
//! service's `inbox` table with the effect), entries a dead instance left
//! reclaimed, poison entries moved to the dead-letter stream.
//!
//! Built by `cargo test`; run with
//! `cargo run -p settings --example consume_events -- postgres://localhost/directory redis://127.0.0.1:6379`
//! (use the platform's `REDIS_KEY_PREFIX`, `ct:` by default).

use std::sync::Arc;

use infra::events::{Consumer, ConsumerOptions, Delivered, async_trait, run};
use infra::write::WriteTx;
use infra::{AppInfra, InfraConfig, InfraError};
use settings::organizations::{Organization, TOPIC};

/// Keeps a copy of every new organization's name.
struct Directory;

#[async_trait]
impl Consumer for Directory {
    fn name(&self) -> &'static str {
        "directory" // the consumer group: one per service
    }

    fn topics(&self) -> Vec<&'static str> {
        vec![TOPIC]
    }

    async fn apply(&self, tx: &WriteTx, event: &Delivered) -> Result<(), InfraError> {
        if event.event_type == "OrganizationCreated" {
            let org: Organization = serde_json::from_value(event.payload["organization"].clone())?;
            // ... write the effect with tx.db(), in the same transaction as the inbox row
            tx.audit("directory.add", "organization", &org.id.to_string(), None)
                .await?;
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let database = args
        .next()
        .unwrap_or_else(|| "postgres://localhost/directory".to_owned());
    let redis = args.next().unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned());
    let mut config = InfraConfig::postgres_redis(database, redis);
    config.key_prefix = "ct:".to_owned(); // the platform's REDIS_KEY_PREFIX
    let infra = AppInfra::connect(&config).await?;
    infra.migrate().await?; // the service's own database needs the `inbox` and `audit_log` tables
    run(infra, Arc::new(Directory), ConsumerOptions::default()).await;
    Ok(())
}
