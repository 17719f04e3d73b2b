//! Integration tests of the infra crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod cache;
mod events;
mod kv;
mod write;
