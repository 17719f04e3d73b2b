//! Event consumers over Redis Streams consumer groups (in process when
//! embedded): read, apply, acknowledge. Each event is applied once per
//! consumer: its id goes into table `inbox` in the same transaction as the
//! effect. Entries a dead consumer left pending are reclaimed (`XAUTOCLAIM`);
//! an entry delivered more than `max_deliveries` times goes to the topic's
//! dead-letter stream `{prefix}events-dead:{topic}` and is acknowledged.
//!
//! A consumer whose deliveries were lost catches up from the outbox
//! ([`catch_up`]), through the same inbox.
//!
//! Two kinds of reader share the loop: a [`Consumer`] whose effect is a
//! database change (deduped through the inbox), and a [`Handler`] whose effect
//! lies elsewhere (the real-time pusher), which must tolerate a repeat.
//!
//! Another Rust service consumes the streams with this crate and a domain
//! crate's types alone: see `crates/settings/examples/consume_events.rs`
//! (built by `cargo test`).
//!
//! Every Redis command goes through [`crate::kv::RedisKv`]; the relay that
//! fills the streams publishes with [`publish`].

mod catch_up;
mod consumer;
mod dead_letter;
mod delivered;
mod inbox;
mod local;
mod reader;
mod reclaim;

use std::time::Duration;

use chrono::Utc;

pub use async_trait::async_trait;
pub use catch_up::{PASS_LIMIT, catch_up, floor_id};
pub use consumer::{Consumer, ConsumerOptions, Handler, run, run_handler, wants};
pub use delivered::{Delivered, publish, stream_fields};

/// How long stream entries are kept.
pub const STREAM_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The stream a topic is published on (before the kv prefix).
pub fn stream_key(topic: &str) -> String {
    format!("events:{topic}")
}

/// Where consumers put a topic's entries they gave up on (before the kv prefix).
pub fn dead_letter_key(topic: &str) -> String {
    format!("events-dead:{topic}")
}

/// The oldest stream entry id kept: `MINID` for trimming by age.
pub fn oldest_kept() -> i64 {
    (Utc::now().timestamp_millis() - STREAM_RETENTION.as_millis() as i64).max(0)
}
