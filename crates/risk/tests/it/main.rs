//! Integration tests of the risk crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod bands;
mod concurrency;
mod ledger;
mod performance;
mod support;
